package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * The wall clock is stepped (NTP, an operator) one hour back or forward in the middle of a wait:
 * every wait of the engine runs on monotonic time, so each waits exactly its intended duration of
 * {@link org.wal4j.testing.ManualClock#advance elapsed time}, neither the hour longer nor cut short
 * by it. The wall clock moves with {@code stepWall}, which leaves the ticker where it is.
 */
@Timeout(60)
class ClockStepTest {
    private static final Lifecycle FIXED_2S = Lifecycle.builder().backoff(Backoff.FIXED)
            .backoffBase(Duration.ofSeconds(2)).jitter(false).maxAttempts(5).build();

    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    @ParameterizedTest(name = "wall clock stepped {0} hour(s)")
    @ValueSource(ints = {-1, 1})
    void aRetryBackoff_waitsItsTwoSecondsOfElapsedTime(int hours) {
        ScriptedSyncTarget target = h.primary().failRetryably(e -> true, 1);
        h.configure(c -> c.defaultLifecycle(FIXED_2S));
        h.start();
        long seq = h.write("orders", "a").seq();
        Await.until(() -> h.status(seq, "primary") == EntryStatus.RETRYING, "first attempt failed");
        h.quiesce(); // the round that got there has ended before the clock moves

        h.clock.stepWall(Duration.ofHours(hours));
        h.advance(Duration.ofMillis(1999));
        assertEquals(List.of(), target.appliedSeqs(), "retried before its backoff ended");
        assertEquals(EntryStatus.RETRYING, h.status(seq, "primary"));

        h.advance(Duration.ofMillis(1));
        assertEquals(List.of(seq), target.appliedSeqs(), () -> "not retried when its 2 s backoff ended; "
                + target.calls() + " calls, " + h.wal.stats().target("primary"));
    }

    @ParameterizedTest(name = "wall clock stepped {0} hour(s)")
    @ValueSource(ints = {-1, 1})
    void aDelayedDelivery_waitsItsTenSecondsOfElapsedTime(int hours) {
        ScriptedSyncTarget target = h.primary();
        h.configure(c -> c.defaultLifecycle(FIXED_2S.toBuilder().initialDelay(Duration.ofSeconds(10)).build()));
        h.start();
        long seq = h.write("orders", "a").seq();
        h.quiesce();

        h.clock.stepWall(Duration.ofHours(hours));
        h.advance(Duration.ofSeconds(9));
        assertEquals(List.of(), target.appliedSeqs(), "delivered before its delay ended");

        h.advance(Duration.ofSeconds(1));
        assertEquals(List.of(seq), target.appliedSeqs(), "not delivered when its 10 s delay ended");
    }

    @ParameterizedTest(name = "wall clock stepped {0} hour(s)")
    @ValueSource(ints = {-1, 1})
    void aTimeToLive_endsAfterItsTenSecondsOfElapsedTime(int hours) {
        ScriptedSyncTarget target = h.primary();
        // due in two hours, expires in ten seconds: the countdown is all that can end it
        h.configure(c -> c.defaultLifecycle(FIXED_2S.toBuilder().initialDelay(Duration.ofHours(2))
                .ttl(Duration.ofSeconds(10)).build()));
        h.start();
        long seq = h.write("orders", "a").seq();
        h.quiesce();

        h.clock.stepWall(Duration.ofHours(hours));
        h.advance(Duration.ofSeconds(9));
        assertEquals(EntryStatus.PENDING, h.status(seq, "primary"), "expired before its time to live ended");

        h.advance(Duration.ofSeconds(1));
        assertEquals(EntryStatus.EXPIRED, h.status(seq, "primary"),
                () -> "not expired when its 10 s time to live ended; " + h.wal.stats());
        assertEquals(List.of(), target.appliedSeqs());
    }

    @ParameterizedTest(name = "wall clock stepped {0} hour(s)")
    @ValueSource(ints = {-1, 1})
    void aBreakerOpenPeriod_lastsItsThirtySecondsOfElapsedTime(int hours) {
        ScriptedSyncTarget target = h.primary().probeKnown(false).down();
        h.configure(c -> c.defaultLifecycle(FIXED_2S).breakerMinimumCalls(1).breakerSlidingWindowSize(1)
                .breakerOpenDuration(Duration.ofSeconds(30)).breakerProbeInterval(Duration.ZERO));
        h.start();
        long seq = h.write("orders", "a").seq();
        Await.until(() -> h.wal.stats().target("primary").breakerState() == BreakerState.OPEN, "breaker open");
        h.quiesce(); // the round that got there has ended before the clock moves
        int callsWhenOpened = target.calls();
        target.up();

        h.clock.stepWall(Duration.ofHours(hours));
        h.advance(Duration.ofSeconds(30));
        assertEquals(BreakerState.OPEN, h.wal.stats().target("primary").breakerState(),
                "half-opened before its open period ended");
        assertEquals(callsWhenOpened, target.calls(), "a call while the breaker is open");

        h.advance(Duration.ofMillis(1)); // resilience4j half-opens once the time is past the open period
        h.advance(Duration.ZERO);
        assertEquals(List.of(seq), target.appliedSeqs(), "not drained when the 30 s open period ended");
        assertEquals(BreakerState.CLOSED, h.wal.stats().target("primary").breakerState());
    }

    @ParameterizedTest(name = "wall clock stepped {0} hour(s) after the write")
    @ValueSource(ints = {-1, 1})
    void anAwaitAppliedTimeout_waitsItsFiveSecondsOfElapsedTime(int hours) {
        h.primary().down();
        h.configure(c -> c.defaultLifecycle(FIXED_2S.toBuilder().maxAttempts(100).build()));
        h.start();
        long seq = h.write("orders", "a").seq();
        var outcome = h.wal.awaitApplied(seq, Duration.ofSeconds(5));

        h.clock.stepWall(Duration.ofHours(hours));
        // due 1 ms before the outcome's timeout, and (on a wall-clock timer) queued after it: once its
        // answer is in, the timer has handled whatever was due, and the answers come in order
        var sentinel = h.wal.awaitApplied(seq, Duration.ofMillis(4999));
        h.advance(Duration.ofMillis(4999));
        Await.until(sentinel::isDone, "the 4999 ms timeout ended");
        assertTrue(!outcome.isDone(), "gave up before its timeout ended");
        h.clock.advance(Duration.ofMillis(1));
        Await.until(outcome::isCompletedExceptionally, "timed out when its 5 s ended");
    }

    /** A wall clock stepped while an entry waits does not change when it is due: the step after the write. */
    @ParameterizedTest(name = "wall clock stepped {0} hour(s) between the write and the load")
    @ValueSource(ints = {-1, 1})
    void anEntryLoadedAfterAStep_keepsTheDelayItWasWrittenWith(int hours) {
        ScriptedSyncTarget target = h.primary().down();
        h.configure(c -> c.defaultLifecycle(FIXED_2S.toBuilder().initialDelay(Duration.ofSeconds(10)).build())
                .windowEntries(1).maxBatchSize(1));
        h.start();
        h.write("orders", "a");
        long second = h.write("orders", "b").seq(); // beyond the window of one: loaded from the log later
        h.quiesce();
        h.clock.stepWall(Duration.ofHours(hours));
        target.up();
        h.advance(Duration.ofSeconds(9));
        assertEquals(List.of(), target.appliedSeqs(), "delivered before its delay ended");
        h.advance(Duration.ofSeconds(1));
        h.advance(Duration.ZERO);
        Await.until(() -> target.appliedSeqs().contains(second), "both delivered after their 10 s delay");
    }

    @ParameterizedTest(name = "entries stamped by a clock {0} day(s) off")
    @ValueSource(ints = {-1, 1})
    void lag_isTheElapsedWait_whenTheEntriesWereStampedByAClockThatWasOff(int days) {
        h.primary().down();
        h.configure(c -> c.defaultLifecycle(FIXED_2S.toBuilder().maxAttempts(1000).build()));
        h.start();
        h.clock.stepWall(Duration.ofDays(days));
        for (int i = 0; i < 20; i++) {
            h.write("orders", "k" + i);
        }
        h.clock.stepWall(Duration.ofDays(-days)); // the clock is corrected
        h.advance(Duration.ofSeconds(5));

        TargetStats stats = h.wal.stats().target("primary");
        assertEquals(20, stats.unfinishedEntries());
        assertTrue(stats.lagSeconds() >= 5 && stats.lagSeconds() < 6, "lag " + stats.lagSeconds()
                + " s, but the oldest entry has waited 5 s");
    }

    @ParameterizedTest(name = "recovered entries stamped {0} day(s) off")
    @ValueSource(ints = {-1, 1})
    void lag_isNeverZeroWithABacklog_forEntriesStampedOffBeforeARestart(int days) {
        h.primary().down();
        h.configure(c -> c.defaultLifecycle(FIXED_2S.toBuilder().maxAttempts(1000).build()));
        h.start();
        Instant stamp = h.clock.instant().plus(Duration.ofDays(days));
        for (int i = 0; i < 20; i++) {
            h.write(WalEntry.builder("orders", "op").key("k" + i).payloadJson("{}").createdAt(stamp));
        }
        h.crashAndRestart();
        h.advance(Duration.ZERO);
        h.advance(Duration.ofSeconds(5));

        TargetStats stats = h.wal.stats().target("primary");
        assertEquals(20, stats.unfinishedEntries());
        double expected = days > 0 ? 5 : Duration.ofDays(1).toSeconds() + 5;
        assertTrue(stats.lagSeconds() >= expected && stats.lagSeconds() < expected + 1, "lag " + stats.lagSeconds()
                + " s, expected about " + expected + " s (the time since this process held the entries, or since "
                + "their createdAt when that is longer)");
    }
}
