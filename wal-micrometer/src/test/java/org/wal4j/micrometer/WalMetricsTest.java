package org.wal4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.BreakerState;
import org.wal4j.Lifecycle;
import org.wal4j.TargetStats;
import org.wal4j.WalEntry;

/** {@link WalMetrics} over a real Wal, read from a {@link SimpleMeterRegistry}. */
@Timeout(60)
class WalMetricsTest {
    private final WalFixture f = new WalFixture();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, new MockClock());
    /** Every read takes a new snapshot, so a test sees what it just did. */
    private final WalMetrics metrics = WalMetrics.of(f.wal, WalMetricsOptions.builder().statsMaxAge(Duration.ZERO).build());

    @AfterEach
    void tearDown() {
        metrics.close();
        f.close();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    /** Reads one counter, which takes a snapshot and so registers the series of new namespaces. */
    private void scrape() {
        counter(WalMetrics.WRITES);
    }

    @Test
    void gauges_riseWhileATargetIsDown_perTargetAndNamespace_andFallToZeroAfterItRecovers() {
        f.replica.down();
        f.start();
        metrics.bindTo(registry);
        f.write("orders", "a");
        f.advance(Duration.ofSeconds(2));
        f.write("orders", "b");
        f.write("payments", "c");
        f.advance(Duration.ofSeconds(3));
        scrape();

        assertEquals(5.0, gauge(WalMetrics.LAG, "target", "replica", "namespace", "orders"));
        assertEquals(3.0, gauge(WalMetrics.LAG, "target", "replica", "namespace", "payments"));
        assertEquals(2.0, gauge(WalMetrics.UNAPPLIED_ENTRIES, "target", "replica", "namespace", "orders"));
        assertEquals(1.0, gauge(WalMetrics.UNAPPLIED_ENTRIES, "target", "replica", "namespace", "payments"));
        assertEquals(0.0, gauge(WalMetrics.LAG, "target", "primary", "namespace", "orders"));
        assertEquals(0.0, gauge(WalMetrics.UNAPPLIED_ENTRIES, "target", "primary", "namespace", "payments"));
        assertEquals(5.0, gauge(WalMetrics.OLDEST_PENDING_AGE, "target", "replica"));
        assertEquals(0.0, gauge(WalMetrics.OLDEST_PENDING_AGE, "target", "primary"));
        assertEquals(3.0, counter(WalMetrics.APPLIED, "target", "primary"));
        assertEquals(0.0, counter(WalMetrics.APPLIED, "target", "replica"));
        TargetStats replica = f.wal.stats().target("replica");
        assertEquals(BreakerState.OPEN, replica.breakerState(), "calls failed: the replica's breaker opened");
        assertEquals(3.0, counter(WalMetrics.WRITES));
        assertBreakerGauge("replica", replica.breakerState());
        assertEquals(1.0, gauge(WalMetrics.STATE, "state", "running"));
        assertEquals(0.0, gauge(WalMetrics.STATE, "state", "failed"));

        f.replica.up();
        f.advanceUntilSettled();

        assertEquals(0.0, gauge(WalMetrics.LAG, "target", "replica", "namespace", "orders"));
        assertEquals(0.0, gauge(WalMetrics.LAG, "target", "replica", "namespace", "payments"));
        assertEquals(0.0, gauge(WalMetrics.UNAPPLIED_ENTRIES, "target", "replica", "namespace", "orders"));
        assertEquals(0.0, gauge(WalMetrics.OLDEST_PENDING_AGE, "target", "replica"));
        assertEquals(3.0, counter(WalMetrics.APPLIED, "target", "replica"));
        assertBreakerGauge("replica", BreakerState.CLOSED);
    }

    private void assertBreakerGauge(String target, BreakerState expected) {
        for (BreakerState state : BreakerState.values()) {
            assertEquals(state == expected ? 1.0 : 0.0, gauge(WalMetrics.BREAKER_STATE, "target", target, "state",
                    state.name().toLowerCase(java.util.Locale.ROOT)), target + " breaker " + state);
        }
    }

    @Test
    void timers_recordEachWrite_andEachApplyCallPerTarget_withAHistogramBucketAtTheWriteObjective() {
        f.start();
        metrics.bindTo(registry);
        f.write("orders", "a");
        f.write("orders", "b");
        f.advanceUntilSettled();

        Timer writes = registry.get(WalMetrics.WRITE_LATENCY).timer();
        assertEquals(2, writes.count());
        assertTrue(writes.totalTime(TimeUnit.NANOSECONDS) > 0, "write latency recorded");
        assertTrue(List.of(writes.takeSnapshot().histogramCounts()).stream()
                        .anyMatch(b -> b.bucket(TimeUnit.NANOSECONDS) == WalMetrics.WRITE_LATENCY_OBJECTIVE.toNanos()),
                "a bucket at 2 ms");
        for (String target : List.of("primary", "replica")) {
            Timer apply = registry.get(WalMetrics.APPLY_LATENCY).tag("target", target).timer();
            assertEquals(f.wal.stats().target(target).applyCalls(), apply.count(), target + " apply calls");
            assertTrue(apply.count() > 0, target + " was called");
        }
    }

    @Test
    void counters_countDeadLettersRejectionsExpiriesAndDuplicates_andTheDeadLetterGaugeTheQueue() {
        f.primary.failPermanently(e -> e.namespace().equals("bad"), "no such account");
        f.primary.reject(e -> e.namespace().equals("refused"), "insufficient funds");
        f.primary.failRetryably(e -> e.namespace().equals("flaky"), 2);
        f.replica.down();
        f.start();
        metrics.bindTo(registry);
        f.write("bad", "a");
        f.write("refused", "b");
        f.wal.write(WalEntry.builder("late", "op").key("c").payloadJson("{}").targets("replica")
                .lifecycle(Lifecycle.builder().maxAttempts(1000).ttl(Duration.ofSeconds(3)).build()));
        f.wal.write(WalEntry.builder("orders", "op").key("d").payloadJson("{}").idempotencyKey("req-1"));
        f.wal.write(WalEntry.builder("orders", "op").key("d").payloadJson("{}").idempotencyKey("req-1"));
        f.write("flaky", "e");
        f.advance(Duration.ofSeconds(4));
        f.replica.up();
        f.advanceUntilSettled();

        assertEquals(1.0, counter(WalMetrics.DEAD_LETTERED, "target", "primary"));
        assertEquals(1.0, gauge(WalMetrics.DEAD_LETTERS, "target", "primary"));
        assertEquals(0.0, gauge(WalMetrics.DEAD_LETTERS, "target", "replica"));
        assertEquals(1.0, counter(WalMetrics.REJECTED, "target", "primary"));
        assertEquals(1.0, counter(WalMetrics.EXPIRED, "target", "replica"));
        assertEquals(0.0, counter(WalMetrics.EXPIRED, "target", "primary"));
        assertEquals(2.0, counter(WalMetrics.RETRIES, "target", "primary"));
        assertEquals(5.0, counter(WalMetrics.WRITES));
        assertEquals(1.0, counter(WalMetrics.DUPLICATE_WRITES));
    }

    @Test
    void afterStop_backlogGaugesReadNaN_theStateReadsStopped_andCountersKeepTheirValues() {
        f.replica.down();
        f.start();
        metrics.bindTo(registry);
        f.write("orders", "a");
        f.advance(Duration.ofSeconds(1));
        scrape();
        assertEquals(1.0, gauge(WalMetrics.UNAPPLIED_ENTRIES, "target", "replica", "namespace", "orders"));

        f.wal.stop(Duration.ofSeconds(5));

        assertEquals(1.0, gauge(WalMetrics.STATE, "state", "stopped"));
        assertEquals(0.0, gauge(WalMetrics.STATE, "state", "running"));
        assertEquals(Double.NaN, gauge(WalMetrics.LAG, "target", "replica", "namespace", "orders"));
        assertEquals(Double.NaN, gauge(WalMetrics.UNAPPLIED_ENTRIES, "target", "replica", "namespace", "orders"));
        assertEquals(Double.NaN, gauge(WalMetrics.OLDEST_PENDING_AGE, "target", "replica"));
        assertEquals(Double.NaN, gauge(WalMetrics.DEAD_LETTERS, "target", "primary"));
        assertEquals(Double.NaN, gauge(WalMetrics.BREAKER_STATE, "target", "primary", "state", "closed"));
        assertEquals(1.0, counter(WalMetrics.APPLIED, "target", "primary"));
        assertEquals(1.0, counter(WalMetrics.WRITES));
    }

    @Test
    void close_removesEveryMeter_andStopsFeedingTheTimers_andIsIdempotent() {
        f.start();
        metrics.bindTo(registry);
        f.write("orders", "a");
        f.advanceUntilSettled();
        scrape();
        assertTrue(registry.find(WalMetrics.LAG).gauges().size() == 2, "orders for both targets");
        Timer writes = registry.get(WalMetrics.WRITE_LATENCY).timer();

        metrics.close();
        metrics.close();

        assertEquals(List.of(), registry.getMeters());
        f.write("orders", "b");
        assertEquals(1, writes.count(), "the removed timer no longer records");
        assertEquals("WalMetrics of " + f.wal + " is closed; make a new one with WalMetrics.of",
                assertThrows(IllegalStateException.class, () -> metrics.bindTo(registry)).getMessage());
    }

    @Test
    void boundBeforeStart_gaugesReadNaN_untilTheWalRuns_thenNamespacesAppear() {
        metrics.bindTo(registry);
        assertEquals(1.0, gauge(WalMetrics.STATE, "state", "new"));
        assertEquals(Double.NaN, gauge(WalMetrics.OLDEST_PENDING_AGE, "target", "primary"));
        assertNull(registry.find(WalMetrics.LAG).gauge(), "no namespace known yet");

        f.replica.down();
        f.start();
        f.write("orders", "a");
        f.advance(Duration.ofSeconds(2));
        scrape();

        assertEquals(2.0, gauge(WalMetrics.LAG, "target", "replica", "namespace", "orders"));
        assertEquals(1, registry.get(WalMetrics.WRITE_LATENCY).timer().count(), "timers fed once the Wal writes");
    }

    @Test
    void namespacesPastTheCap_shareTheOtherSeries_withTheirEntriesSummedAndTheLargestLag() {
        WalMetrics capped = WalMetrics.of(f.wal, WalMetricsOptions.builder().statsMaxAge(Duration.ZERO).maxNamespaces(1)
                .build());
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try {
            f.replica.down();
            f.start();
            capped.bindTo(other);
            f.write("a", "1");
            other.get(WalMetrics.WRITES).functionCounter().count(); // "a" is admitted first
            f.advance(Duration.ofSeconds(1));
            f.write("b", "1");
            f.advance(Duration.ofSeconds(1));
            f.write("c", "1");
            f.write("c", "2");
            f.advance(Duration.ofSeconds(1));
            other.get(WalMetrics.WRITES).functionCounter().count();

            assertEquals(List.of("(other)", "a"), other.find(WalMetrics.UNAPPLIED_ENTRIES).tag("target", "replica")
                    .gauges().stream().map(g -> g.getId().getTag("namespace")).sorted().toList());
            assertEquals(3.0, other.get(WalMetrics.UNAPPLIED_ENTRIES).tags("target", "replica", "namespace", "(other)")
                    .gauge().value());
            assertEquals(2.0, other.get(WalMetrics.LAG).tags("target", "replica", "namespace", "(other)").gauge().value());
            assertEquals(3.0, other.get(WalMetrics.LAG).tags("target", "replica", "namespace", "a").gauge().value());
        } finally {
            capped.close();
        }
    }

    @Test
    void bindTo_severalRegistries_feedsEach_andRefusesTheSameRegistryTwice() {
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        f.start();
        metrics.bindTo(registry);
        metrics.bindTo(second);
        f.write("orders", "a");
        f.advanceUntilSettled();

        assertEquals(1, registry.get(WalMetrics.WRITE_LATENCY).timer().count());
        assertEquals(1, second.get(WalMetrics.WRITE_LATENCY).timer().count());
        FunctionCounter applied = second.get(WalMetrics.APPLIED).tag("target", "replica").functionCounter();
        assertEquals(1.0, applied.count());
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> metrics.bindTo(registry));
        assertEquals("WalMetrics of " + f.wal + " is already bound to " + registry, twice.getMessage());
    }

    @Test
    void optionTags_areOnEveryMeter() {
        WalMetrics tagged = WalMetrics.of(f.wal, WalMetricsOptions.builder().tags(Tags.of("wal", "orders-db")).build());
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try {
            f.start();
            tagged.bindTo(other);
            assertTrue(other.getMeters().stream().allMatch(m -> "orders-db".equals(m.getId().getTag("wal"))),
                    "every meter carries wal=orders-db");
            Gauge state = other.get(WalMetrics.STATE).tags("wal", "orders-db", "state", "running").gauge();
            assertEquals(1.0, state.value());
        } finally {
            tagged.close();
        }
    }

    @Test
    void snapshots_serveEveryReadWithinTheirMaxAge() {
        MockClock clock = new MockClock();
        WalMetrics cached = WalMetrics.of(f.wal, WalMetricsOptions.builder().clock(clock)
                .statsMaxAge(Duration.ofSeconds(1)).build());
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try {
            f.start();
            cached.bindTo(other);
            f.write("orders", "a");
            f.advanceUntilSettled();
            FunctionCounter writes = other.get(WalMetrics.WRITES).functionCounter();
            assertEquals(0.0, writes.count(), "the snapshot taken at bind time, before the write");

            clock.add(Duration.ofSeconds(1));
            assertEquals(1.0, writes.count(), "a new snapshot once the old one is a second old");
        } finally {
            cached.close();
        }
    }

    @Test
    void options_refuseValuesOutOfRange_namingTheFieldAndTheRange() {
        assertEquals("maxNamespaces must be between 1 and 10000 but was 0", assertThrows(IllegalArgumentException.class,
                () -> WalMetricsOptions.builder().maxNamespaces(0)).getMessage());
        assertEquals("maxNamespaces must be between 1 and 10000 but was 10001",
                assertThrows(IllegalArgumentException.class,
                        () -> WalMetricsOptions.builder().maxNamespaces(10_001)).getMessage());
        assertEquals("statsMaxAge must be between 0 and PT1M but was PT-1S", assertThrows(IllegalArgumentException.class,
                () -> WalMetricsOptions.builder().statsMaxAge(Duration.ofSeconds(-1))).getMessage());
        assertEquals("statsMaxAge must be between 0 and PT1M but was PT1M0.001S",
                assertThrows(IllegalArgumentException.class,
                        () -> WalMetricsOptions.builder().statsMaxAge(Duration.ofMillis(60_001))).getMessage());
        assertEquals("tags must not use the key 'target': wal4j's meters carry it themselves",
                assertThrows(IllegalArgumentException.class,
                        () -> WalMetricsOptions.builder().tags(Tags.of("target", "x"))).getMessage());
        WalMetricsOptions defaults = WalMetricsOptions.ofDefaults();
        assertEquals(WalMetricsOptions.DEFAULT_MAX_NAMESPACES, defaults.maxNamespaces());
        assertEquals(WalMetricsOptions.DEFAULT_STATS_MAX_AGE, defaults.statsMaxAge());
        assertEquals(Tags.empty(), defaults.tags());
        assertEquals("WalMetricsOptions{tags=[], maxNamespaces=100, statsMaxAge=PT1S}", defaults.toString());
    }
}
