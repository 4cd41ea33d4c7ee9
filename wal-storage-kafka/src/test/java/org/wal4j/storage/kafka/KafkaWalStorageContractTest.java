package org.wal4j.storage.kafka;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.wal4j.spi.WalStorage;
import org.wal4j.testing.WalStorageContract;

/**
 * The storage contract of wal-testing against the Kafka log on a real in-process cluster of 3
 * brokers: every test on a topic of its own (3 partitions, replication factor 3,
 * min.insync.replicas 2); reopen closes the storage and opens the same topic again, rebuilding
 * everything from the two topics.
 */
class KafkaWalStorageContractTest extends WalStorageContract {
    private static TestCluster cluster;

    private final String topic = TestCluster.newTopic("contract");

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected WalStorage open() {
        return cluster.log(topic).open();
    }

    @Override
    protected WalStorage reopen(WalStorage storage) {
        storage.close();
        return open();
    }

    @Override
    protected void closeSegment(WalStorage storage) {
        // no segment is being written: any acknowledged entry may be compacted
    }
}
