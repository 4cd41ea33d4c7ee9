package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.WalInvariants;

/**
 * Targets that throw, hang or reject one entry forever (RELIABILITY row 19): a poison entry that
 * makes the target throw a non-SQL exception is isolated and dead-lettered, and does not hold the
 * breaker open; a down target burns no attempts; a hung call is abandoned at
 * {@code targetCallTimeout} and counts against the target, and its late effect is absorbed.
 */
@Timeout(60)
class PoisonAndHungTargetTest {
    private static final Lifecycle FIXED_1S = Lifecycle.builder().backoff(Backoff.FIXED)
            .backoffBase(Duration.ofSeconds(1)).jitter(false).maxAttempts(5).build();

    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static ClassCastException compositeQuery() {
        return new ClassCastException("class org.postgresql.core.v3.CompositeQuery cannot be cast to class "
                + "org.postgresql.core.v3.SimpleQuery (scripted)");
    }

    @Test
    void aPoisonEntryThatMakesTheTargetThrow_isDeadLetteredAfterItsAttempts_otherLanesDrain_breakerStaysClosed() {
        ScriptedSyncTarget target = h.primary().poison(e -> e.seq() == 1, PoisonAndHungTargetTest::compositeQuery);
        h.configure(c -> c.defaultLifecycle(FIXED_1S).maxBatchSize(16).breakerOpenDuration(Duration.ofSeconds(1)));
        h.start();
        h.write("accounts", "poison"); // seq 1
        for (int i = 0; i < 10; i++) {
            for (String lane : List.of("a", "b", "c", "d")) {
                h.write("accounts", lane);
            }
        }
        h.write("accounts", "poison"); // behind the poison entry in its lane: applied once it is dead
        long last = h.storage.lastSeq();

        h.advanceUntilSettled(last, Duration.ofSeconds(1));

        assertEquals(EntryStatus.DEAD, h.status(1, "primary"));
        DeadLetter dead = h.wal.admin().deadLetters(DeadLetterFilter.all()).findFirst().orElseThrow();
        assertEquals(5, dead.attempts());
        assertTrue(dead.reason().startsWith("gave up after 5 attempts: target 'primary' threw on this entry alone "
                + "while its probe said UP: java.lang.ClassCastException: class org.postgresql.core.v3.CompositeQuery"),
                dead.reason());
        List<WalEntry> others = new ArrayList<>(h.entries());
        others.removeIf(e -> e.seq() == 1);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, others);
        assertEquals(1, h.wal.admin().deadLetters(DeadLetterFilter.all()).count(), "only the poison entry is dead");
        h.quiesce();
        assertEquals(BreakerState.CLOSED, h.wal.stats().target("primary").breakerState());
        assertEquals(List.of(), h.events(BreakerStateChanged.class).stream().map(e -> e.from() + "->" + e.to())
                .collect(Collectors.toList()), "a poison entry never opens the breaker while the target answers");
    }

    @Test
    void aDownTargetThatThrows_burnsNoAttempts_evenWithAProbeThatDoesNotKnow_andAClosedBreaker() {
        ScriptedSyncTarget target = h.primary().probeKnown(false).down();
        h.configure(c -> c.defaultLifecycle(FIXED_1S.toBuilder().maxAttempts(2).build()).breakerMinimumCalls(100)
                .breakerSlidingWindowSize(100).maxBatchSize(4));
        h.start();
        for (String lane : List.of("a", "b", "c")) {
            h.write("accounts", lane);
        }
        for (int second = 0; second < 10; second++) {
            h.clock.advance(Duration.ofSeconds(1));
            h.quiesce();
        }
        assertEquals(0, h.wal.admin().deadLetters(DeadLetterFilter.all()).count(), "an outage dead-letters nothing");
        assertEquals(0, h.wal.stats().target("primary").retried(), "no failure was charged");
        Await.until(() -> target.calls() >= 6, "at least two attempts per lane");
        assertEquals(BreakerState.CLOSED, h.wal.stats().target("primary").breakerState());

        target.up();
        h.advanceUntilSettled(3, Duration.ofSeconds(1));
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, h.entries());
    }

    @Test
    void aHungApply_isAbandonedAtTheDeadline_opensTheBreaker_andItsLateEffectIsAbsorbed() throws Exception {
        ScriptedSyncTarget target = h.primary();
        h.configure(c -> c.targetCallTimeout(Duration.ofMillis(300)).breakerMinimumCalls(1)
                .breakerSlidingWindowSize(1).breakerOpenDuration(Duration.ofSeconds(10)).defaultLifecycle(FIXED_1S));
        h.start();
        ScriptedSyncTarget.Hold hang = target.hangNextCall();
        h.write("accounts", "a");
        assertTrue(hang.awaitArrival(Await.LIMIT));
        long arrived = System.nanoTime();

        Await.until(() -> h.wal.stats().target("primary").breakerState() == BreakerState.OPEN, "breaker open");
        long abandonedAfterMillis = (System.nanoTime() - arrived) / 1_000_000;
        assertTrue(abandonedAfterMillis >= 250 && abandonedAfterMillis < 3000,
                "abandoned after " + abandonedAfterMillis + " ms with a 300 ms deadline");
        h.quiesce(); // the worker is free while the call still hangs
        // the interrupt reaches the hung call's own thread asynchronously: wait for it to see it
        Await.until(hang::wasInterrupted, "the abandoned call's thread was interrupted");
        assertEquals(EntryStatus.PENDING, h.status(1, "primary"), "a hung target charges no attempt");

        h.clock.advance(Duration.ofSeconds(11)); // a trial while the abandoned call still runs: not made
        Await.until(() -> h.events(BreakerStateChanged.class).size() >= 3, "the trial failed without a call");
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN"),
                h.events(BreakerStateChanged.class).stream().map(e -> e.from() + "->" + e.to())
                        .collect(Collectors.toList()));
        assertEquals(0, target.calls(), "no second apply while the first still runs");

        hang.release(); // the hung call returns and applies the entry late
        Await.until(() -> target.appliedSeqs().equals(List.of(1L)), "the late effect");
        h.clock.advance(Duration.ofSeconds(11));
        h.settled(1);
        assertEquals(List.of(1L), target.appliedSeqs(), "applied once");
        assertEquals(1, target.duplicatesSkipped(), "the redelivery was skipped by its idempotency key");
        assertEquals(BreakerState.CLOSED, h.wal.stats().target("primary").breakerState());
    }
}
