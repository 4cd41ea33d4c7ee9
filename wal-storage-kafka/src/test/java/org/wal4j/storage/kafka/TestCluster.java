package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real KRaft cluster in this JVM, from Kafka's own test kit: 3 brokers and 1 separate
 * controller. (Three combined broker+controller nodes break: their raft threads die about 2 s
 * after start, which only the fatal fault handler records, and later broker stops and close()
 * hang; hence the separate controller, and {@link #assertHealthy} after each use.) About 2-5 s to
 * start, under 1 s to close, 150-175 MB of heap while it runs: one per test class.
 *
 * <p>Not thread-safe: owned by one test class. Public, in the test jar, for wal-cli's tests of the
 * Kafka log.
 */
public final class TestCluster implements AutoCloseable {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final KafkaClusterTestKit kit;

    private TestCluster(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    public static TestCluster start() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(false).setNumBrokerNodes(3)
                .setNumControllerNodes(1).build();
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
                // a broker stopped by a test stays stopped: no controlled shutdown waiting for leadership moves
                .setConfigProp("controlled.shutdown.enable", "false")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        }
        return new TestCluster(kit);
    }

    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** A topic name no other test of this JVM uses. */
    public static String newTopic(String prefix) {
        return prefix + "-" + TOPICS.incrementAndGet();
    }

    /** Settings for {@code topic} on this cluster, with the defaults' durability and a short open timeout. */
    public KafkaLogSettings.Builder log(String topic) {
        return KafkaWalStorage.builder().bootstrapServers(bootstrapServers()).topic(topic).partitions(3)
                .openTimeout(Duration.ofSeconds(30));
    }

    /** Stops broker {@code id} for good (the kit restarts no single broker): shutdown with a bound, then wait. */
    public void stopBroker(int id) {
        BrokerServer broker = kit.brokers().get(id);
        broker.shutdown(Duration.ofSeconds(10));
        broker.awaitShutdown();
    }

    /** Fails if a broker or controller met a fatal fault (a dead raft thread shows only there). */
    public void assertHealthy() {
        assertNull(kit.fatalFaultHandler().firstException(), "fatal fault in the test cluster");
    }

    @Override
    public void close() {
        try {
            assertHealthy();
        } finally {
            try {
                kit.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while closing the test cluster", e);
            } catch (Exception e) {
                throw new IllegalStateException("closing the test cluster failed", e);
            }
        }
    }
}
