package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.wal4j.BreakerState;
import org.wal4j.NamespaceStats;
import org.wal4j.TargetStats;
import org.wal4j.WalState;
import org.wal4j.WalStats;
import org.wal4j.event.StorageFailed;
import org.wal4j.spi.StorageStats;

/**
 * {@link Wal4jHealthIndicator} on figures a test sets: each state's status, and the timeout when the
 * figures do not come (a stuck read is waited on, never stacked).
 */
@Timeout(30)
class Wal4jHealthIndicatorTest {
    private final LastStorageFailure failure = new LastStorageFailure();

    private Wal4jHealthIndicator indicator(Supplier<WalStats> stats, String degraded) {
        return new Wal4jHealthIndicator(stats, failure, Duration.ofMillis(300), degraded);
    }

    @Test
    void health_isUp_whenRunningAndEveryBreakerClosed_withTheFigures() {
        Health health = indicator(() -> stats(WalState.RUNNING, BreakerState.CLOSED), "DEGRADED").health();
        assertEquals(Status.UP, health.getStatus());
        assertEquals(WalState.RUNNING, health.getDetails().get("state"));
        assertEquals(7L, health.getDetails().get("deadLetters"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> targets = (Map<String, Map<String, Object>>) health.getDetails().get("targets");
        assertEquals(Map.of("breakerState", BreakerState.CLOSED, "lagSeconds", 12.5, "unfinishedEntries", 3L,
                "deadLetters", 7L), targets.get("primary"));
    }

    @Test
    void health_isTheConfiguredStatus_whenABreakerIsOpenOrHalfOpen() {
        assertEquals("DEGRADED", indicator(() -> stats(WalState.RUNNING, BreakerState.OPEN), "DEGRADED").health()
                .getStatus().getCode());
        assertEquals(Status.OUT_OF_SERVICE, indicator(() -> stats(WalState.RUNNING, BreakerState.HALF_OPEN),
                "OUT_OF_SERVICE").health().getStatus());
    }

    @Test
    void health_isDownWithTheReason_whenTheWalFailed() {
        Health unknownReason = indicator(() -> stats(WalState.FAILED, BreakerState.CLOSED), "DEGRADED").health();
        assertEquals(Status.DOWN, unknownReason.getStatus());
        assertEquals("the storage failed (writes are refused; the failure is in the application's log)",
                unknownReason.getDetails().get("reason"));

        Instant at = Instant.parse("2026-12-06T10:00:00Z");
        failure.onEvent(new StorageFailed(at, "append", new UncheckedIOException(new IOException("No space left on device"))));
        failure.onEvent(new StorageFailed(at.plusSeconds(1), "force", new IllegalStateException("poisoned")));
        Health health = indicator(() -> stats(WalState.FAILED, BreakerState.OPEN), "DEGRADED").health();
        assertEquals(Status.DOWN, health.getStatus());
        assertEquals("storage failed during append at 2026-12-06T10:00:00Z: java.io.UncheckedIOException: "
                + "java.io.IOException: No space left on device", health.getDetails().get("reason"), "the first failure");
    }

    @Test
    void health_isOutOfService_whenTheWalDoesNotRun() {
        for (WalState state : new WalState[] {WalState.NEW, WalState.STOPPING, WalState.STOPPED}) {
            assertEquals(Status.OUT_OF_SERVICE, indicator(() -> stats(state, BreakerState.CLOSED), "DEGRADED").health()
                    .getStatus(), state.name());
        }
    }

    @Test
    void health_answersWithinTheTimeout_whenTheFiguresHang_andReadsThemOnceAtATime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        Wal4jHealthIndicator indicator = indicator(() -> {
            reads.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return stats(WalState.RUNNING, BreakerState.CLOSED);
        }, "DEGRADED");
        try {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                Health health = indicator.health();
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis >= 290 && millis < 1_000, "waited " + millis + " ms for a 300 ms timeout");
                assertEquals("DEGRADED", health.getStatus().getCode());
                assertEquals("the Wal's figures did not come within PT0.3S (wal4j.health.timeout)",
                        health.getDetails().get("timeout"));
            }
            assertEquals(1, reads.get(), "a stuck read is waited on again, not stacked");
            release.countDown();
            assertEquals(Status.UP, indicator.health().getStatus(), "the stuck read's answer, or a new read's");
            int before = reads.get();
            assertEquals(Status.UP, indicator.health().getStatus());
            assertEquals(before + 1, reads.get(), "once the read finished, each check reads anew");
        } finally {
            indicator.destroy();
        }
    }

    @Test
    void health_isDown_whenReadingTheFiguresThrows() {
        Health health = indicator(() -> {
            throw new IllegalStateException("figures broke");
        }, "DEGRADED").health();
        assertEquals(Status.DOWN, health.getStatus());
        assertEquals("java.lang.IllegalStateException: figures broke", health.getDetails().get("error"));
    }

    @Test
    void health_isUnknown_whenItsThreadIsInterrupted() {
        CountDownLatch never = new CountDownLatch(1);
        Wal4jHealthIndicator indicator = indicator(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return stats(WalState.RUNNING, BreakerState.CLOSED);
        }, "DEGRADED");
        try {
            Thread.currentThread().interrupt();
            assertEquals(Status.UNKNOWN, indicator.health().getStatus());
            assertTrue(Thread.interrupted(), "the interrupt is kept");
        } finally {
            indicator.destroy();
        }
    }

    private static WalStats stats(WalState state, BreakerState breaker) {
        TargetStats primary = new TargetStats() {
            @Override public String target() { return "primary"; }
            @Override public BreakerState breakerState() { return breaker; }
            @Override public long unfinishedEntries() { return 3; }
            @Override public long unfinishedBytes() { return 300; }
            @Override public double lagSeconds() { return 12.5; }
            @Override public Map<String, NamespaceStats> namespaces() { return Map.of(); }
            @Override public long deadLetters() { return 7; }
            @Override public long checkpoint() { return 40; }
            @Override public long applied() { return 40; }
            @Override public long retried() { return 2; }
            @Override public long deadLettered() { return 7; }
            @Override public long rejected() { return 0; }
            @Override public long expired() { return 0; }
            @Override public long attempts() { return 49; }
            @Override public long applyCalls() { return 20; }
            @Override public long applyLatencyP50Micros() { return 100; }
            @Override public long applyLatencyP99Micros() { return 900; }
            @Override public long applyLatencyP999Micros() { return 1200; }
        };
        Map<String, TargetStats> targets = new LinkedHashMap<>();
        targets.put("primary", primary);
        return new WalStats() {
            @Override public WalState state() { return state; }
            @Override public long lastSeq() { return 50; }
            @Override public long unfinishedEntries() { return 3; }
            @Override public long unfinishedBytes() { return 300; }
            @Override public long deadLetters() { return 7; }
            @Override public long writes() { return 50; }
            @Override public long duplicateWrites() { return 0; }
            @Override public long writeLatencyP50Micros() { return 50; }
            @Override public long writeLatencyP99Micros() { return 500; }
            @Override public long writeLatencyP999Micros() { return 900; }
            @Override public long idempotencyKeys() { return 0; }
            @Override public Map<String, TargetStats> targets() { return targets; }
            @Override public StorageStats storage() { throw new UnsupportedOperationException("not read by the indicator"); }
        };
    }
}
