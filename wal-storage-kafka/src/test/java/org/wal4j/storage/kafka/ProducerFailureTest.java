package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.StorageState;
import org.wal4j.testing.TestEntries;

/**
 * What the producer does when brokers leave, on a cluster of its own (its brokers stay stopped):
 * with replication factor 3 and min.insync.replicas 2, one broker down still acknowledges every
 * append; two down (the in-sync replicas below the minimum) fail every append within the delivery
 * timeout with a clear exception, acknowledge none, and poison the log. A log reopened with one
 * broker down reads back every acknowledged entry, unchanged. (With two down it is not read back
 * here: Kafka 4 does not advance a partition's high watermark while its in-sync replicas are below
 * min.insync.replicas, so the last broker may not serve the newest acknowledged records, nor the
 * end offsets a read-back needs, until a second broker returns; one run of this test timed out so.)
 */
class ProducerFailureTest {
    private static final Duration SHORT_DELIVERY = Duration.ofSeconds(3);
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void append_failsFastAndAcknowledgesNothing_whenInSyncReplicasFallBelowTheMinimum() throws Exception {
        String topic = TestCluster.newTopic("failure");
        Map<Long, WalEntry> acknowledged = new HashMap<>();
        // the default delivery timeout rides out the ~9 s until the controller fences a hard-stopped broker
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            acknowledged.putAll(appendAll(log, 0, 100));
            cluster.stopBroker(0);
            acknowledged.putAll(appendAll(log, 100, 100)); // one broker down: two in sync, still acknowledged
        }
        assertEquals(200, acknowledged.size());

        List<CompletableFuture<AppendResult>> attempts = new ArrayList<>();
        List<CompletableFuture<AppendResult>> sharedAttempts = new ArrayList<>();
        try (KafkaWalStorage log = cluster.log(topic).deliveryTimeout(SHORT_DELIVERY).open();
             SharedKafkaWalStorage shared = cluster.log(TestCluster.newTopic("shared-failure"))
                     .deliveryTimeout(SHORT_DELIVERY).openShared("failure-group")) {
            for (int i = 0; i < 50; i++) { // one broker down: a shared log's appends are read back, acknowledged
                assertTrue(shared.appendAsync(List.of(TestEntries.entry(i))).get(30, TimeUnit.SECONDS).durable());
            }
            // one broker lost: a reopened log reads back every acknowledged entry, unchanged
            Map<Long, WalEntry> held = new HashMap<>();
            try (Stream<WalEntry> all = log.scan(1)) {
                all.forEach(e -> held.put(e.seq(), e));
            }
            assertEquals(acknowledged, held);
            System.out.printf("one broker stopped: %d acknowledged, %d read back, lost 0%n", acknowledged.size(),
                    held.size());
            cluster.stopBroker(1);
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                WalEntry entry = TestEntries.entry(200 + i);
                attempts.add(log.appendAsync(List.of(entry)));
                sharedAttempts.add(shared.appendAsync(List.of(TestEntries.entry(200 + i))));
            }
            int failed = 0;
            for (CompletableFuture<AppendResult> attempt : attempts) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> attempt.get(30, TimeUnit.SECONDS));
                WalUnavailableException cause = assertInstanceOf(e.getCause());
                assertTrue(cause.getMessage().contains("within the delivery timeout of PT3S")
                        && cause.getMessage().contains("the log refuses writes until it is reopened")
                        && cause.getMessage().contains("may or may not be in the log"), cause.getMessage());
                failed++;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(20, failed, "appends acknowledged with one broker in sync");
            assertTrue(took.compareTo(SHORT_DELIVERY.plusSeconds(5)) < 0, "failing took " + took);
            assertEquals(StorageState.POISONED, log.stats().state());
            WalUnavailableException refused = assertThrows(WalUnavailableException.class,
                    () -> log.append(TestEntries.entry(999)));
            assertTrue(refused.getMessage().startsWith("The Kafka log '" + topic + "' refuses writes since an "
                    + "earlier failure, until it is reopened: "), refused.getMessage());
            System.out.printf("in-sync replicas below the minimum: %d appends failed in %d ms, 0 acknowledged%n",
                    failed, took.toMillis());
            // a shared log: never read back (the high watermark stays), failed by the producer's timeout
            for (CompletableFuture<AppendResult> attempt : sharedAttempts) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> attempt.get(30, TimeUnit.SECONDS));
                assertTrue(assertInstanceOf(e.getCause()).getMessage().contains("within the delivery timeout of PT3S"),
                        e.getCause().getMessage());
            }
            assertEquals(StorageState.POISONED, shared.stats().state());
        }
    }

    private static WalUnavailableException assertInstanceOf(Throwable cause) {
        assertTrue(cause instanceof WalUnavailableException, "expected WalUnavailableException but got " + cause);
        return (WalUnavailableException) cause;
    }

    /** Appends {@code count} entries from {@code from} in pipelined single appends; returns them by seq once all are acknowledged. */
    private static Map<Long, WalEntry> appendAll(KafkaWalStorage log, int from, int count) {
        List<WalEntry> entries = new ArrayList<>();
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            WalEntry entry = TestEntries.entry(i);
            entries.add(entry);
            futures.add(log.appendAsync(List.of(entry)));
        }
        Map<Long, WalEntry> out = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long seq = futures.get(i).join().firstSeq();
            out.put(seq, entries.get(i).withSeq(seq));
        }
        return out;
    }

}
