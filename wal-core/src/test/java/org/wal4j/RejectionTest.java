package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.event.EntryRejected;
import org.wal4j.event.EntryRetried;
import org.wal4j.spi.ApplyResult;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;

/** A target's business verdict against an entry: REJECTED, final, apart from dead letters. */
@Timeout(60)
class RejectionTest {
    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void rejectedEntry_endsRejectedAfterOneAttempt_notADeadLetter_andItsLaneMovesOn() {
        ScriptedSyncTarget target = h.primary().reject(e -> e.seq() == 2, "insufficient funds: balance 100 < 500");
        h.configure(c -> c.checkpointInterval(Duration.ofSeconds(1)));
        h.start();
        h.write("accounts", "a");
        long rejected = h.write("accounts", "a").seq();
        h.write("accounts", "a");

        EntryOutcome outcome = h.settled(rejected);
        assertEquals(Map.of("primary", EntryStatus.REJECTED), outcome.statusByTarget());
        assertFalse(outcome.applied(), "a rejected entry was not applied");
        assertTrue(outcome.settled(), "a rejected entry is final");
        h.settledAll(3);
        assertEquals(List.of(1L, 3L), target.appliedSeqs("accounts", "a"), "the lane moved on past the rejection");
        assertEquals(EntryStatus.REJECTED, h.status(rejected, "primary"));
        assertEquals(1, target.batches().stream().filter(b -> b.contains(rejected)).count(), "tried once, not retried");

        TargetStats stats = h.wal.stats().target("primary");
        assertEquals(1, stats.rejected());
        assertEquals(0, stats.deadLetters());
        assertEquals(0, stats.deadLettered());
        assertEquals(0, stats.retried());
        assertEquals(2, stats.applied());
        assertEquals(BreakerState.CLOSED, stats.breakerState());
        assertEquals(0, h.wal.admin().deadLetters(DeadLetterFilter.all()).count());
        assertTrue(h.events(EntryDeadLettered.class).isEmpty());
        assertTrue(h.events(EntryRetried.class).isEmpty());
        Await.until(() -> h.events(EntryRejected.class).size() == 1, "one EntryRejected event");
        EntryRejected event = h.events(EntryRejected.class).get(0);
        assertEquals("primary", event.target());
        assertEquals(rejected, event.entry().seq());
        assertEquals(1, event.attempts());
        assertEquals("insufficient funds: balance 100 < 500", event.reason());
        assertEquals(IllegalStateException.class.getName(), event.exceptionType());
        assertEquals("insufficient funds: balance 100 < 500", event.exceptionMessage());
        IllegalArgumentException notDead = assertThrows(IllegalArgumentException.class,
                () -> h.wal.admin().requeue(rejected, "primary"), "a rejection is not a dead letter to requeue");
        assertTrue(notDead.getMessage().contains("REJECTED"), notDead.getMessage());

        h.clock.advance(Duration.ofSeconds(2));
        Await.until(() -> h.storage.checkpoint("primary") == 3, "the checkpoint passes the rejected entry");
    }

    @Test
    void rejection_keepsTheBatchesEarlierEntriesApplied_andSendsTheRestAgain() throws InterruptedException {
        ScriptedSyncTarget target = h.primary().reject(e -> e.seq() == 3, "account closed");
        h.configure(c -> c.applyPartitions(1));
        h.start();
        ScriptedSyncTarget.Hold hold = target.holdNextCall();
        h.write("accounts", "a");
        assertTrue(hold.awaitArrival(Await.LIMIT));
        h.write("accounts", "a");
        h.write("accounts", "a");
        h.write("accounts", "a");
        hold.release();
        h.settledAll(4);
        assertTrue(target.batches().contains(List.of(2L, 3L, 4L)), "2 to 4 went as one batch: " + target.batches());
        assertEquals(List.of(1L, 2L, 4L), target.appliedSeqs());
        assertEquals(EntryStatus.REJECTED, h.status(3, "primary"));
        assertEquals(1, h.wal.stats().target("primary").rejected());
        assertEquals(3, h.wal.stats().target("primary").applied());
    }

    @Test
    void rejectedStatus_survivesARestart_andTheEntryIsNotSentAgain() {
        ScriptedSyncTarget target = h.primary().reject(e -> e.seq() == 1, "insufficient funds");
        h.start();
        h.write("accounts", "a");
        h.settled(1);
        int calls = target.batches().size();

        h.stopAndRestart();
        h.write("accounts", "a");
        h.settled(2);
        assertEquals(EntryStatus.REJECTED, h.status(1, "primary"));
        assertEquals(Map.of("primary", EntryStatus.REJECTED), h.settled(1).statusByTarget(),
                "awaitApplied after the restart completes with the persisted verdict");
        assertEquals(List.of(List.of(2L)), target.batches().subList(calls, target.batches().size()),
                "only the new entry is sent after the restart");
        assertEquals(0, h.wal.stats().target("primary").deadLetters());
    }

    @Test
    void applyResultRejected_namesTheEntryAndKeepsOrRollsBackTheEarlierOnes() {
        IllegalStateException cause = new IllegalStateException("no funds");
        ApplyResult kept = ApplyResult.rejected(3, 1, true, "no funds", cause);
        assertEquals(ApplyResult.Outcome.APPLIED, kept.outcome(0));
        assertEquals(ApplyResult.Outcome.REJECTED, kept.outcome(1));
        assertEquals(ApplyResult.Outcome.NOT_APPLIED, kept.outcome(2));
        assertEquals(ApplyResult.FailureKind.REJECTED, kept.failureKind().orElseThrow());
        assertEquals(cause, kept.cause());
        assertFalse(kept.allApplied());
        ApplyResult rolledBack = ApplyResult.rejected(2, 1, false, "no funds", null);
        assertEquals(ApplyResult.Outcome.NOT_APPLIED, rolledBack.outcome(0));
        assertEquals(ApplyResult.Outcome.REJECTED, rolledBack.outcome(1));
        assertNull(rolledBack.cause());
        assertThrows(IllegalArgumentException.class, () -> ApplyResult.rejected(2, 2, true, "x", null));
    }
}
