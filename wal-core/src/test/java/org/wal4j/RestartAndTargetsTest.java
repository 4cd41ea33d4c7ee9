package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.event.StorageFailed;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.WalInvariants;

/** Restarts, stops, and several targets at different speeds with compaction in between. */
@Timeout(60)
class RestartAndTargetsTest {
    private Harness h;

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void restartInTheMiddleOfDraining_losesNothing_andAppliesNothingTwice() throws Exception {
        h = new Harness("primary");
        ScriptedSyncTarget target = h.primary();
        // one partition: the held batch is the only call, so what it applied is exactly what comes again
        h.configure(c -> c.maxBatchSize(10).applyPartitions(1));
        h.start();
        ScriptedSyncTarget.Hold hold = target.holdNextCall();
        for (int i = 0; i < 50; i++) {
            h.write("accounts", "acct-" + (i % 5));
        }
        assertTrue(hold.awaitArrival(Await.LIMIT));
        Wal crashed = h.wal;

        // the process "dies" while the target is applying a batch: the storage is closed under the Wal
        h.storage = h.storage.reopen();
        hold.release(); // the batch commits in the target, its status records can no longer be written
        Await.until(() -> h.events(StorageFailed.class).size() == 1, "the old Wal notices its storage is gone");
        assertEquals(WalState.FAILED, crashed.state());
        assertEquals("status", h.events(StorageFailed.class).get(0).operation());
        int appliedBeforeRestart = target.applied().size();
        assertTrue(appliedBeforeRestart > 0, "the held batch took effect before the crash");

        h.start();
        h.settledAll(50);

        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, h.entries());
        assertEquals(appliedBeforeRestart, target.duplicatesSkipped(),
                "the batch applied before the crash was delivered again and absorbed by its idempotency keys");
        WalInvariants.assertStorageConsistent(h.storage, "primary", true);
    }

    @Test
    void stop_drainsWhatItCan_andLeavesTheRestDurableForTheNextStart() {
        h = new Harness("primary");
        ScriptedSyncTarget target = h.primary();
        h.start();
        for (int i = 0; i < 5; i++) {
            h.write("accounts", "a");
        }
        h.settledAll(5);
        target.down();
        for (int i = 0; i < 5; i++) {
            h.write("accounts", "b");
        }
        assertTrue(h.wal.stop(Duration.ofSeconds(5)));
        assertEquals(WalState.STOPPED, h.wal.state());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> h.write("accounts", "c"));
        assertEquals("The Wal is STOPPED; writes are refused", refused.getMessage());

        h.storage = h.storage.reopen();
        assertEquals(5, h.storage.stats().unfinishedByTarget().get("primary"));
        target.up();
        h.start();
        h.settledAll(10);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(target, h.entries());
        assertTrue(h.wal.stop(Duration.ofSeconds(5)));
        assertEquals(10, h.storage.checkpoint("primary"), "the last checkpoint is saved on stop");
    }

    @Test
    void twoTargets_oneDown_theOtherProceeds_theLaggingOneCatchesUp_andCompactionKeepsWhatItNeeds() {
        h = new Harness("primary", "replica");
        ScriptedSyncTarget primary = h.target("primary");
        ScriptedSyncTarget replica = h.target("replica").down();
        h.configure(c -> c.retention(Duration.ofHours(1)).checkpointInterval(Duration.ofSeconds(1))
                .compactionInterval(Duration.ofDays(1)));
        h.start();
        for (int i = 0; i < 20; i++) {
            h.write("accounts", "acct-" + (i % 3));
        }
        List<WalEntry> written = h.entries();
        for (WalEntry e : written) {
            Await.until(() -> h.status(e.seq(), "primary") == EntryStatus.APPLIED, "primary applies " + e.seq());
        }
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(primary, written);
        assertEquals(List.of(), replica.applied());

        h.clock.advance(Duration.ofHours(2));
        Await.until(() -> h.storage.checkpoint("primary") == 20, "primary checkpoint");
        assertEquals(0, h.storage.checkpoint("replica"));
        assertEquals(0, h.wal.admin().compact().entriesDropped(), "the replica still needs every entry");
        assertEquals(20, h.storage.stats().entries());
        assertEquals(20, h.wal.stats().target("replica").unfinishedEntries());
        assertEquals(7200.0, h.wal.stats().target("replica").lagSeconds(), 1.0);

        h.quiesce(); // the replica's trial call after the two hours has failed and reopened its breaker
        replica.up();
        h.clock.advance(Duration.ofMinutes(1)); // past the replica's open breaker
        h.settledAll(20);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(replica, written);
        h.clock.advance(Duration.ofSeconds(2));
        Await.until(() -> h.storage.checkpoint("replica") == 20, "replica checkpoint");

        assertEquals(20, h.wal.admin().compact().entriesDropped());
        assertEquals(0, h.storage.stats().entries());
        WalInvariants.assertStorageConsistent(h.storage, "primary", true);
        WalInvariants.assertStorageConsistent(h.storage, "replica", true);
    }

    @Test
    void compaction_keepsDeadLettersAndEntriesInsideTheRetentionPeriod() {
        h = new Harness("primary");
        h.primary().failPermanently(e -> e.seq() == 2, "bad row");
        h.configure(c -> c.retention(Duration.ofHours(1)).checkpointInterval(Duration.ofSeconds(1))
                .compactionInterval(Duration.ofDays(1))); // only the explicit compactions below
        h.start();
        h.write("accounts", "a");
        h.write("accounts", "a");
        h.write("accounts", "a");
        h.settledAll(3);
        h.clock.advance(Duration.ofMinutes(30));
        Await.until(() -> h.storage.checkpoint("primary") == 3, "checkpoint 3 (a dead letter is terminal)");
        h.quiesce(); // the round that got there has ended before the clock moves
        assertEquals(0, h.wal.admin().compact().entriesDropped(), "younger than the retention period");
        h.clock.advance(Duration.ofMinutes(31));
        assertEquals(2, h.wal.admin().compact().entriesDropped());
        assertEquals(1, h.wal.admin().deadLetters(DeadLetterFilter.all()).count(), "a dead letter waits for an operator");
    }
}
