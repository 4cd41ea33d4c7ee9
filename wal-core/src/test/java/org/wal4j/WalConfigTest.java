package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class WalConfigTest {

    @Test
    void defaults_areTheConstants() {
        WalConfig c = WalConfig.ofDefaults();
        assertEquals(WalConfig.DEFAULT_IMMEDIATE_APPLY_WAIT, c.immediateApplyWait());
        assertEquals(WalConfig.DEFAULT_MAX_BATCH_SIZE, c.maxBatchSize());
        assertEquals(WalConfig.DEFAULT_WINDOW_ENTRIES, c.windowEntries());
        assertEquals(WalConfig.DEFAULT_WINDOW_BYTES, c.windowBytes());
        assertEquals(WalConfig.DEFAULT_MAX_UNFINISHED_ENTRIES, c.maxUnfinishedEntries());
        assertEquals(WalConfig.DEFAULT_MAX_UNFINISHED_BYTES, c.maxUnfinishedBytes());
        assertEquals(WalConfig.DEFAULT_WRITE_TIMEOUT, c.writeTimeout());
        assertEquals(WalConfig.DEFAULT_RETENTION, c.retention());
        assertEquals(WalConfig.DEFAULT_COMPACTION_INTERVAL, c.compactionInterval());
        assertEquals(WalConfig.DEFAULT_CHECKPOINT_INTERVAL, c.checkpointInterval());
        assertEquals(WalConfig.DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD, c.breakerFailureRateThreshold());
        assertEquals(WalConfig.DEFAULT_BREAKER_SLIDING_WINDOW_SIZE, c.breakerSlidingWindowSize());
        assertEquals(WalConfig.DEFAULT_BREAKER_MINIMUM_CALLS, c.breakerMinimumCalls());
        assertEquals(WalConfig.DEFAULT_BREAKER_OPEN_DURATION, c.breakerOpenDuration());
        assertEquals(WalConfig.DEFAULT_BREAKER_HALF_OPEN_CALLS, c.breakerHalfOpenCalls());
        assertEquals(WalConfig.DEFAULT_BREAKER_PROBE_INTERVAL, c.breakerProbeInterval());
        assertEquals(WalConfig.DEFAULT_STOP_TIMEOUT, c.stopTimeout());
        assertEquals(Lifecycle.ofDefaults(), c.defaultLifecycle());
    }

    @Test
    void setters_nameTheFieldAndTheRange() {
        assertMessage("maxBatchSize must be between 1 and 10000 but was 0", () -> WalConfig.builder().maxBatchSize(0));
        assertMessage("windowEntries must be between 1 and 10000000 but was -5",
                () -> WalConfig.builder().windowEntries(-5));
        assertMessage("windowBytes must be between 1024 and 17179869184 bytes but was 10",
                () -> WalConfig.builder().windowBytes(10));
        assertMessage("retention must be between PT1S and PT87600H but was PT0S",
                () -> WalConfig.builder().retention(Duration.ZERO));
        assertMessage("immediateApplyWait must be between PT0S and PT1M but was PT2M",
                () -> WalConfig.builder().immediateApplyWait(Duration.ofMinutes(2)));
        assertMessage("writeTimeout must not be null", () -> WalConfig.builder().writeTimeout(null));
        assertMessage("breakerFailureRateThreshold must be between 1 and 100 but was 101.0",
                () -> WalConfig.builder().breakerFailureRateThreshold(101));
        assertMessage("maxUnfinishedEntries must be between 1 and 9223372036854775807 but was 0",
                () -> WalConfig.builder().maxUnfinishedEntries(0));
        assertMessage("checkpointInterval must be between PT0.01S and PT1H but was PT0.001S",
                () -> WalConfig.builder().checkpointInterval(Duration.ofMillis(1)));
        assertMessage("breakerProbeInterval must be between PT0S and PT1H but was PT-1S",
                () -> WalConfig.builder().breakerProbeInterval(Duration.ofSeconds(-1)));
        assertMessage("breakerProbeInterval must be between PT0S and PT1H but was PT2H",
                () -> WalConfig.builder().breakerProbeInterval(Duration.ofHours(2)));
        assertMessage("windowEntries (50) must be at least maxBatchSize (100)",
                () -> WalConfig.builder().windowEntries(50).build());
        assertMessage("breakerMinimumCalls (20) must be at most breakerSlidingWindowSize (10)",
                () -> WalConfig.builder().breakerMinimumCalls(20).build());
        assertMessage("namespace must match [A-Za-z0-9._-]{1,128} but was 'bad ns'",
                () -> WalConfig.builder().namespaceLifecycle("bad ns", Lifecycle.ofDefaults()));
    }

    private static void assertMessage(String message, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertEquals(message, e.getMessage());
    }

    @Test
    void fromProperties_readsEverySetting() {
        Properties p = new Properties();
        p.setProperty("wal.apply.immediate.wait", "250ms");
        p.setProperty("wal.apply.batch.size", "50");
        p.setProperty("wal.apply.window.entries", "5000");
        p.setProperty("wal.apply.window.bytes", "32MiB");
        p.setProperty("wal.backpressure.max.entries", "100000");
        p.setProperty("wal.backpressure.max.bytes", "1GiB");
        p.setProperty("wal.backpressure.timeout", "30s");
        p.setProperty("wal.retention", "3d");
        p.setProperty("wal.compaction.interval", "1h");
        p.setProperty("wal.checkpoint.interval", "500ms");
        p.setProperty("wal.breaker.failure.rate.threshold", "75.5");
        p.setProperty("wal.breaker.sliding.window.size", "20");
        p.setProperty("wal.breaker.minimum.calls", "8");
        p.setProperty("wal.breaker.open.duration", "1m");
        p.setProperty("wal.breaker.half.open.calls", "3");
        p.setProperty("wal.stop.timeout", "PT45S");
        p.setProperty("wal.lifecycle.max.attempts", "4");
        p.setProperty("wal.lifecycle.initial.delay", "2s");
        p.setProperty("wal.lifecycle.backoff", "linear");
        p.setProperty("wal.lifecycle.backoff.base", "100ms");
        p.setProperty("wal.lifecycle.backoff.multiplier", "3");
        p.setProperty("wal.lifecycle.backoff.cap", "10s");
        p.setProperty("wal.lifecycle.jitter", "false");
        p.setProperty("wal.lifecycle.ttl", "1d");
        p.setProperty("wal.lifecycle.priority", "HIGH");
        WalConfig c = WalConfig.fromProperties(p);
        assertEquals(Duration.ofMillis(250), c.immediateApplyWait());
        assertEquals(50, c.maxBatchSize());
        assertEquals(5000, c.windowEntries());
        assertEquals(32L << 20, c.windowBytes());
        assertEquals(100_000, c.maxUnfinishedEntries());
        assertEquals(1L << 30, c.maxUnfinishedBytes());
        assertEquals(Duration.ofSeconds(30), c.writeTimeout());
        assertEquals(Duration.ofDays(3), c.retention());
        assertEquals(Duration.ofHours(1), c.compactionInterval());
        assertEquals(Duration.ofMillis(500), c.checkpointInterval());
        assertEquals(75.5f, c.breakerFailureRateThreshold());
        assertEquals(20, c.breakerSlidingWindowSize());
        assertEquals(8, c.breakerMinimumCalls());
        assertEquals(Duration.ofMinutes(1), c.breakerOpenDuration());
        assertEquals(3, c.breakerHalfOpenCalls());
        assertEquals(Duration.ofSeconds(45), c.stopTimeout());
        assertEquals(Lifecycle.builder().maxAttempts(4).initialDelay(Duration.ofSeconds(2)).backoff(Backoff.LINEAR)
                .backoffBase(Duration.ofMillis(100)).backoffMultiplier(3).backoffCap(Duration.ofSeconds(10))
                .jitter(false).ttl(Duration.ofDays(1)).priority(Priority.HIGH).build(), c.defaultLifecycle());
    }

    @Test
    void fromEnvironment_usesTheDerivedNames() {
        WalConfig c = WalConfig.fromEnvironment(Map.of("WAL_RETENTION", "12h", "WAL_APPLY_BATCH_SIZE", "7",
                "WAL_LIFECYCLE_MAX_ATTEMPTS", "2"));
        assertEquals(Duration.ofHours(12), c.retention());
        assertEquals(7, c.maxBatchSize());
        assertEquals(2, c.defaultLifecycle().maxAttempts());
        assertEquals(WalConfig.DEFAULT_WRITE_TIMEOUT, c.writeTimeout());
    }

    @Test
    void breakerProbeInterval_readsItsPropertyAndEnvironmentVariable() {
        assertEquals(Duration.ofMillis(250),
                WalConfig.fromEnvironment(Map.of("WAL_BREAKER_PROBE_INTERVAL", "250ms")).breakerProbeInterval());
        java.util.Properties p = new java.util.Properties();
        p.setProperty("wal.breaker.probe.interval", "0s");
        assertEquals(Duration.ZERO, WalConfig.fromProperties(p).breakerProbeInterval());
    }

    @Test
    void fromEnvironment_namesTheVariableOfABadValue() {
        assertMessage("environment variable WAL_RETENTION must be a duration such as 250ms, 30s, 5m, 2h, 7d or PT30S"
                + " but was 'forever'", () -> WalConfig.fromEnvironment(Map.of("WAL_RETENTION", "forever")));
        Properties p = new Properties();
        p.setProperty("wal.apply.batch.size", "lots");
        assertMessage("property wal.apply.batch.size must be a whole number but was 'lots'",
                () -> WalConfig.fromProperties(p));
    }

    @Test
    void namespaceLifecycle_overridesTheDefaultForThatNamespace() {
        Lifecycle payments = Lifecycle.builder().maxAttempts(1).build();
        WalConfig c = WalConfig.builder().namespaceLifecycle("payments", payments).build();
        assertEquals(payments, c.lifecycleFor("payments"));
        assertEquals(Lifecycle.ofDefaults(), c.lifecycleFor("orders"));
        assertEquals(payments, c.toBuilder().build().lifecycleFor("payments"));
    }
}
