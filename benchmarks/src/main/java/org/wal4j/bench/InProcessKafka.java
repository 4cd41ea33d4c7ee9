package org.wal4j.bench;

import java.time.Duration;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real KRaft cluster in this JVM for {@link KafkaAppendBenchmark}, from Kafka's own test kit (its
 * internal API, pinned in the root pom): 3 brokers and 1 separate controller, as wal-storage-kafka's
 * tests run it (three combined broker+controller nodes break). Its brokers log through log4j2 at
 * WARN ({@code kafka-bench-log4j2.xml}). About 2-5 s to start and 500-700 MB resident.
 *
 * <p>Not thread-safe: owned by one run.
 */
final class InProcessKafka implements AutoCloseable {
    /** Set before any Kafka class logs: the kit's bundled configuration logs thousands of lines at INFO. */
    private static final String LOG_CONFIG = "kafka-bench-log4j2.xml";

    private final KafkaClusterTestKit kit;

    private InProcessKafka(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    static InProcessKafka start() throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(false).setNumBrokerNodes(3)
                .setNumControllerNodes(1).build();
        // a new consumer group forms at once (Kafka's default waits 3 s for more members): the drain
        // benchmark's instances join before anything is measured, so this only shortens its set-up
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("group.initial.rebalance.delay.ms", "0").build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            new InProcessKafka(kit).close();
            throw e;
        }
        return new InProcessKafka(kit);
    }

    String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /**
     * Fails if a broker or controller met a fatal fault during the run (a dead raft thread shows only
     * there): the figures of such a run mean nothing.
     */
    void checkHealthy() {
        Throwable fault = kit.fatalFaultHandler().firstException();
        if (fault != null) {
            throw new IllegalStateException("the in-process Kafka cluster met a fatal fault: " + fault, fault);
        }
    }

    @Override
    public void close() {
        try {
            kit.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the in-process Kafka cluster", e);
        } catch (Exception e) {
            throw new IllegalStateException("closing the in-process Kafka cluster failed", e);
        }
    }

    /** How long the run waits for the cluster's topics to be ready. */
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
}
