package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.event.EntryApplied;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.event.EntryExpired;
import org.wal4j.event.EntryRetried;
import org.wal4j.testing.Await;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.WalInvariants;

/** Delivery to one target: outages, retries, dead letters, expiry, delays, priority. */
@Timeout(60)
class DeliveryTest {
    private static final Lifecycle FIXED_1S = Lifecycle.builder().backoff(Backoff.FIXED)
            .backoffBase(Duration.ofSeconds(1)).jitter(false).maxAttempts(3).build();

    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private List<WalEntry> writeLanes(int perLane, String... keys) {
        List<WalEntry> written = new ArrayList<>();
        for (int i = 0; i < perLane; i++) {
            for (String key : keys) {
                h.write("orders", key);
            }
        }
        written.addAll(h.entries());
        return written;
    }

    @Test
    void outageThenRecovery_appliesEverythingOnceInLaneOrder_andBurnsNoAttempts() {
        ScriptedSyncTarget target = h.primary().probeKnown(false).down();
        h.configure(c -> c.defaultLifecycle(FIXED_1S).breakerMinimumCalls(2).breakerSlidingWindowSize(2)
                .breakerOpenDuration(Duration.ofSeconds(30)).maxBatchSize(4));
        h.start();
        List<WalEntry> written = writeLanes(10, "a", "b", "c");
        Await.until(() -> h.wal.stats().target("primary").breakerState() == BreakerState.OPEN, "breaker open");
        h.quiesce(); // the round that got there has ended before the clock moves
        for (int cycle = 0; cycle < 20; cycle++) { // ten minutes of outage, a trial call every 31 s
            h.clock.advance(Duration.ofSeconds(31));
            h.quiesce();
        }
        assertEquals(0, target.applied().size());
        assertEquals(0, h.wal.admin().deadLetters(DeadLetterFilter.all()).count(), "nothing dead-lettered by the outage");
        for (WalEntry e : written) {
            assertTrue(h.status(e.seq(), "primary") == EntryStatus.PENDING
                    || h.status(e.seq(), "primary") == EntryStatus.RETRYING);
        }

        target.up();
        h.clock.advance(Duration.ofSeconds(31));
        h.settledAll(30);

        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, written);
        Await.until(() -> h.events(EntryApplied.class).size() == 30, "an event per entry applied");
        h.quiesce(); // the round that got there has ended before the clock moves
        h.clock.advance(Duration.ofSeconds(2));
        h.quiesce();
        WalInvariants.assertStorageConsistent(h.storage, "primary", true);
        Await.until(() -> h.storage.checkpoint("primary") == 30, "checkpoint 30");
    }

    @Test
    void breaker_opensPausesDrainingHalfOpensAndCloses() {
        ScriptedSyncTarget target = h.primary().probeKnown(false).down();
        h.configure(c -> c.defaultLifecycle(FIXED_1S.toBuilder().maxAttempts(100).build()).breakerMinimumCalls(3)
                .breakerSlidingWindowSize(3).breakerOpenDuration(Duration.ofMinutes(1)).maxBatchSize(1));
        h.start();
        h.write("orders", "a");
        h.write("orders", "b");
        h.write("orders", "c");
        for (int i = 0; i < 5 && h.wal.stats().target("primary").breakerState() != BreakerState.OPEN; i++) {
            h.clock.advance(Duration.ofSeconds(1)); // the first failures back off one second
            h.quiesce();
        }
        assertEquals(BreakerState.OPEN, h.wal.stats().target("primary").breakerState());
        int callsWhenOpened = target.calls();

        h.clock.advance(Duration.ofSeconds(59));
        h.quiesce();
        assertEquals(callsWhenOpened, target.calls(), "no call while the breaker is open");
        assertEquals(BreakerState.OPEN, h.wal.stats().target("primary").breakerState());

        target.up();
        h.clock.advance(Duration.ofSeconds(2)); // resilience4j half-opens once the clock is past the open period
        h.settledAll(3);
        assertEquals(BreakerState.CLOSED, h.wal.stats().target("primary").breakerState());
        List<String> transitions = h.events(BreakerStateChanged.class).stream()
                .map(e -> e.from() + "->" + e.to()).collect(Collectors.toList());
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), transitions);
        BreakerStateChanged opened = h.events(BreakerStateChanged.class).get(0);
        assertEquals("primary", opened.target());
    }

    @Test
    void failuresWhileTheProbeSaysDown_burnNoAttempts_evenWhileTheBreakerIsClosed() {
        ScriptedSyncTarget target = h.primary().down(); // apply throws, probe() answers DOWN
        h.configure(c -> c.defaultLifecycle(FIXED_1S.toBuilder().maxAttempts(2).build()).breakerMinimumCalls(100)
                .breakerSlidingWindowSize(100).maxBatchSize(1));
        h.start();
        h.write("orders", "a");
        Await.until(() -> target.calls() == 1, "the first call");
        h.quiesce();
        for (int call = 2; call <= 6; call++) {
            h.clock.advance(Duration.ofSeconds(1)); // an uncharged failure waits one backoff interval
            int expected = call;
            Await.until(() -> target.calls() == expected, "call " + expected);
            h.quiesce();
            assertEquals(BreakerState.CLOSED, h.wal.stats().target("primary").breakerState(),
                    "the breaker never reaches its minimum of calls here");
            assertEquals(EntryStatus.PENDING, h.status(1, "primary"),
                    "after " + call + " failed calls the entry is still uncharged (maxAttempts is 2)");
        }
        assertEquals(0, h.wal.admin().deadLetters(DeadLetterFilter.all()).count(), "an outage dead-letters nothing");
        assertEquals(0, h.wal.stats().target("primary").retried(), "no failure was charged as a retry");

        target.up();
        h.clock.advance(Duration.ofSeconds(1));
        h.settled(1);
        assertEquals(List.of(1L), target.appliedSeqs());
        Await.until(() -> h.events(EntryApplied.class).size() == 1, "the applied event");
        assertEquals(1, h.events(EntryApplied.class).get(0).attempts(),
                "only the successful call counts as an attempt of the entry");
    }

    @Test
    void permanentFailure_deadLettersThatEntry_andTheLaneMovesOn() {
        ScriptedSyncTarget target = h.primary().failPermanently(e -> e.seq() == 3, "duplicate key value violates "
                + "unique constraint \"orders_pkey\"");
        h.start();
        List<WalEntry> written = writeLanes(1, "a", "a", "a", "a", "b");
        h.settledAll(5);

        assertEquals(EntryStatus.DEAD, h.status(3, "primary"));
        List<WalEntry> expected = new ArrayList<>(written);
        expected.removeIf(e -> e.seq() == 3);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, expected);
        List<DeadLetter> dead = h.wal.admin().deadLetters(DeadLetterFilter.all()).collect(Collectors.toList());
        assertEquals(1, dead.size());
        assertEquals(3, dead.get(0).seq());
        assertEquals("primary", dead.get(0).target());
        assertEquals(1, dead.get(0).attempts());
        assertEquals("duplicate key value violates unique constraint \"orders_pkey\"", dead.get(0).reason());
        Await.until(() -> h.events(EntryDeadLettered.class).size() == 1, "the dead-letter event");
        EntryDeadLettered event = h.events(EntryDeadLettered.class).get(0);
        assertEquals(3, event.entry().seq());
        assertEquals(1, h.wal.stats().target("primary").deadLetters());
        WalInvariants.assertStorageConsistent(h.storage, "primary", true);
    }

    @Test
    void retryableFailure_isRetriedWithItsBackoff_thenDeadLetteredWhenAttemptsRunOut() {
        ScriptedSyncTarget target = h.primary().failRetryably(e -> e.seq() == 1, 1000);
        h.configure(c -> c.defaultLifecycle(FIXED_1S.toBuilder().backoffBase(Duration.ofSeconds(5)).build()));
        h.start();
        h.write("orders", "a");
        h.write("orders", "a");
        Await.until(() -> h.status(1, "primary") == EntryStatus.RETRYING, "first failure");
        h.quiesce();
        assertEquals(1, callsWith(target, 1));
        assertEquals(List.of(), target.appliedSeqs(), "entry 2 waits behind its lane's head");

        h.clock.advance(Duration.ofMillis(4999));
        h.quiesce();
        assertEquals(1, callsWith(target, 1), "not retried before the backoff ends");
        h.clock.advance(Duration.ofMillis(1));
        Await.until(() -> callsWith(target, 1) == 2, "second attempt");
        h.quiesce(); // the second failure is recorded at +5 s, before the clock moves on
        h.clock.advance(Duration.ofSeconds(5));
        h.settledAll(2);

        assertEquals(3, callsWith(target, 1));
        assertEquals(EntryStatus.DEAD, h.status(1, "primary"));
        assertEquals(List.of(2L), target.appliedSeqs());
        DeadLetter dead = h.wal.admin().deadLetters(DeadLetterFilter.all()).findFirst().orElseThrow();
        assertEquals("gave up after 3 attempts: deadlock detected (scripted) on entry 1", dead.reason());
        assertEquals(3, dead.attempts());
        List<EntryRetried> retries = h.events(EntryRetried.class);
        assertEquals(2, retries.size());
        Instant start = ManualClock.atEpochOfTests().instant();
        assertEquals(start.plusSeconds(5), retries.get(0).nextAttemptAt());
        assertEquals(start.plusSeconds(5), retries.get(1).at());
        assertEquals(start.plusSeconds(10), retries.get(1).nextAttemptAt());
        assertEquals(2, retries.get(1).attempts());
    }

    private static long callsWith(ScriptedSyncTarget target, long seq) {
        return target.batches().stream().filter(b -> b.contains(seq)).count();
    }

    @Test
    void ttl_expiresAnEntryNotAppliedInTime_whileTheTargetIsDown() {
        ScriptedSyncTarget target = h.primary().down();
        h.start();
        h.write(WalEntry.builder("orders", "op").key("a")
                .lifecycle(Lifecycle.builder().ttl(Duration.ofMinutes(1)).build()));
        h.write("orders", "a");
        h.quiesce();
        h.clock.advance(Duration.ofSeconds(59));
        h.quiesce();
        assertEquals(EntryStatus.PENDING, h.status(1, "primary"));
        h.clock.advance(Duration.ofSeconds(1));
        Await.until(() -> !h.events(EntryExpired.class).isEmpty(), "expired");
        assertEquals(EntryStatus.EXPIRED, h.status(1, "primary"));

        EntryExpired expired = h.events(EntryExpired.class).get(0);
        assertEquals(1, expired.entry().seq());
        assertEquals(h.entries().get(0).createdAt().plus(Duration.ofMinutes(1)), expired.expiredAt());
        target.up();
        h.advanceUntilSettled(2, Duration.ofSeconds(31));
        assertEquals(List.of(2L), target.appliedSeqs(), "the expired entry is never applied; its lane moves on");
        assertEquals(1, h.wal.stats().target("primary").expired());
    }

    @Test
    void delayedDelivery_appliesNotBeforeTheInitialDelay() {
        ScriptedSyncTarget target = h.primary();
        h.start();
        h.write(WalEntry.builder("reminders", "send").key("r1")
                .lifecycle(Lifecycle.builder().initialDelay(Duration.ofMinutes(10)).build()));
        h.write("other", "x");
        h.settled(2);
        h.quiesce();
        assertEquals(List.of(2L), target.appliedSeqs());
        h.clock.advance(Duration.ofMinutes(10).minusMillis(1));
        h.quiesce();
        assertEquals(List.of(2L), target.appliedSeqs());
        h.clock.advance(Duration.ofMillis(1));
        h.settled(1);
        assertEquals(List.of(2L, 1L), target.appliedSeqs());
    }

    @Test
    void delayedDelivery_holdsBackTheEntriesBehindItInItsLane() {
        ScriptedSyncTarget target = h.primary();
        h.start();
        h.write("reminders", "r1");
        h.write(WalEntry.builder("reminders", "op").key("r1")
                .lifecycle(Lifecycle.builder().initialDelay(Duration.ofMinutes(10)).build()));
        h.write("reminders", "r1");
        h.settled(1);
        h.quiesce();
        assertEquals(List.of(1L), target.appliedSeqs(), "entry 3 waits behind the delayed entry 2");
        h.clock.advance(Duration.ofMinutes(10));
        h.settledAll(3);
        assertEquals(List.of(1L, 2L, 3L), target.appliedSeqs());
    }

    @Test
    void priority_highLanesAreServedBeforeNormalAndLow() throws Exception {
        ScriptedSyncTarget target = h.primary();
        // priorities order the lanes of one apply partition; lanes of different partitions run side by side
        h.configure(c -> c.maxBatchSize(1).applyPartitions(1));
        h.start();
        ScriptedSyncTarget.Hold hold = target.holdNextCall();
        h.write("blocker", "x");
        assertTrue(hold.awaitArrival(Await.LIMIT));
        Priority[] order = {Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.LOW, Priority.HIGH, Priority.NORMAL};
        for (int i = 0; i < order.length; i++) {
            h.write(WalEntry.builder("jobs", "run").key("k" + i)
                    .lifecycle(Lifecycle.builder().priority(order[i]).build()));
        }
        hold.release();
        h.settledAll(7);
        // HIGH: seqs 4, 6; NORMAL: 3, 7; LOW: 2, 5 (seq 1 is the blocker)
        assertEquals(List.of(1L, 4L, 6L, 3L, 7L, 2L, 5L), target.appliedSeqs());
    }

    @Test
    void batchSplitting_isolatesTheEntryThatMakesTheTargetThrow() {
        ScriptedSyncTarget target = h.primary().failByThrowing(true)
                .failRetryably(e -> e.seq() == 5, 1000);
        // one partition: the bisection of one batch of eight lanes, call by call
        h.configure(c -> c.maxBatchSize(8).applyPartitions(1).breakerFailureRateThreshold(100).breakerMinimumCalls(100)
                .breakerSlidingWindowSize(100).defaultLifecycle(FIXED_1S.toBuilder().backoffBase(Duration.ofHours(1))
                        .build()));
        h.start();
        List<WalEntry> written = h.wal.writeBatch(List.of(
                b("k1"), b("k2"), b("k3"), b("k4"), b("k5"), b("k6"), b("k7"), b("k8"))).stream()
                .map(r -> h.storage.read(r.seq()).orElseThrow()).collect(Collectors.toList());
        for (long seq : List.of(1L, 2L, 3L, 4L, 6L, 7L, 8L)) {
            h.settled(seq);
        }
        Await.until(() -> h.status(5, "primary") == EntryStatus.RETRYING, "entry 5 charged");

        List<WalEntry> expected = new ArrayList<>(written);
        expected.removeIf(e -> e.seq() == 5);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, expected);
        // halve on every throw, double after every success: the innocent entries are never charged
        assertEquals(List.of(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), List.of(1L, 2L, 3L, 4L),
                List.of(5L, 6L, 7L, 8L), List.of(5L, 6L), List.of(5L), List.of(6L), List.of(7L, 8L)),
                target.batches());
        assertEquals(0, h.wal.admin().deadLetters(DeadLetterFilter.all()).count());
    }

    @Test
    void aHotLaneWithAFailingHead_doesNotBlockTheLanesBehindItBeyondTheWindow() {
        ScriptedSyncTarget target = h.primary().failRetryably(e -> e.seq() == 1, 1);
        h.configure(c -> c.windowEntries(8).maxBatchSize(2).defaultLifecycle(FIXED_1S.toBuilder()
                .backoffBase(Duration.ofHours(1)).maxAttempts(100).build()));
        h.start();
        for (int i = 0; i < 30; i++) {
            h.write("orders", "hot");
        }
        for (int i = 0; i < 5; i++) {
            h.write("orders", "other-" + i);
        }
        for (long seq = 31; seq <= 35; seq++) {
            h.settled(seq); // the clock never moves: the hot lane's head waits an hour
        }
        List<Long> applied = new ArrayList<>(target.appliedSeqs());
        applied.sort(null); // five lanes, applied in parallel partitions: no order across them
        assertEquals(List.of(31L, 32L, 33L, 34L, 35L), applied);
        assertEquals(EntryStatus.RETRYING, h.status(1, "primary"));

        h.clock.advance(Duration.ofHours(1));
        h.settledAll(35);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, h.entries());
    }

    @Test
    void aBacklogMuchLargerThanTheWindow_isAppliedOnceInLaneOrder() {
        ScriptedSyncTarget target = h.primary().down();
        h.configure(c -> c.windowEntries(100).maxBatchSize(50));
        h.start();
        for (int batch = 0; batch < 40; batch++) {
            List<WalEntry.Builder> entries = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                entries.add(WalEntry.builder("orders", "op").key("k" + (i % 7)));
            }
            h.wal.writeBatch(entries);
        }
        target.up();
        h.advanceUntilSettled(4000, Duration.ofSeconds(31));
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, h.entries());
        assertTrue(target.batches().stream().allMatch(b -> b.size() <= 50));
    }

    private static WalEntry.Builder b(String key) {
        return WalEntry.builder("orders", "op").key(key);
    }
}
