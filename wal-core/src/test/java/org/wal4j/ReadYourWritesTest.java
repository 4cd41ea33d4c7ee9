package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;

/** Waiting for application, flushing a lane, reading what is not applied yet, immediate apply. */
@Timeout(60)
class ReadYourWritesTest {
    private final Harness h = new Harness("primary", "replica");

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void unfinishedEntries_listsTheLanesPendingEntriesInWriteOrder() {
        h.target("replica").down();
        h.start();
        h.write("accounts", "acct-1");
        h.write("accounts", "acct-2");
        h.write("accounts", "acct-1");
        h.quiesce();
        assertEquals(List.of(1L, 3L), h.wal.unfinishedEntries(LaneId.of("accounts", "acct-1")).stream().map(WalEntry::seq)
                .collect(Collectors.toList()));
        assertEquals(List.of(), h.wal.unfinishedEntries(LaneId.of("accounts", "acct-9")));
    }

    @Test
    void awaitApplied_completesPerTargetAndForAll_andTimesOutWithTheStatuses() throws Exception {
        ScriptedSyncTarget replica = h.target("replica").down();
        h.start();
        long seq = h.write("accounts", "acct-1").seq();
        EntryOutcome primary = h.wal.awaitApplied(seq, "primary", Duration.ofMinutes(1)).get(20, TimeUnit.SECONDS);
        assertEquals(Map.of("primary", EntryStatus.APPLIED), primary.statusByTarget());

        CompletableFuture<EntryOutcome> both = h.wal.awaitApplied(seq, Duration.ofMinutes(5));
        CompletableFuture<EntryOutcome> shortWait = h.wal.awaitApplied(seq, Duration.ofSeconds(10));
        h.clock.advance(Duration.ofSeconds(10));
        ExecutionException e = assertThrows(ExecutionException.class, () -> shortWait.get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof TimeoutException);
        assertEquals("entry 1 was not settled within PT10S for target(s) [replica=PENDING]; statuses "
                + "{primary=APPLIED, replica=PENDING}", e.getCause().getMessage());

        h.quiesce(); // every failed call is counted before the replica comes back
        replica.up();
        h.clock.advance(Duration.ofMinutes(1));
        EntryOutcome all = both.get(20, TimeUnit.SECONDS);
        assertTrue(all.applied());
        assertEquals(Map.of("primary", EntryStatus.APPLIED, "replica", EntryStatus.APPLIED), all.statusByTarget());

        IllegalArgumentException never = assertThrows(IllegalArgumentException.class,
                () -> h.wal.awaitApplied(7, Duration.ofSeconds(1)));
        assertEquals("seq 7 was never assigned; the last seq is 1", never.getMessage());
    }

    @Test
    void awaitAllApplied_waitsForEveryEntryWrittenBeforeIt_inEveryLaneAndTarget() throws Exception {
        ScriptedSyncTarget replica = h.target("replica").down();
        h.start();
        for (int i = 0; i < 30; i++) {
            h.write("accounts", "acct-" + (i % 7));
        }
        CompletableFuture<Void> all = h.wal.awaitAllApplied(Duration.ofHours(1));
        long later = h.write("accounts", "acct-late").seq();
        h.quiesce();
        assertFalse(all.isDone(), "the replica has applied nothing yet");
        replica.up();
        h.clock.advance(Duration.ofMinutes(1));
        all.get(20, TimeUnit.SECONDS);
        for (long seq = 1; seq <= 30; seq++) {
            assertEquals(EntryStatus.APPLIED, h.status(seq, "replica"), "entry " + seq);
        }
        assertTrue(later > 30);
    }

    @Test
    void awaitAllApplied_countsADeadLetterAsSettled_andTimesOutNamingTheOpenEntry() throws Exception {
        ScriptedSyncTarget replica = h.target("replica");
        h.target("primary").failPermanently(e -> e.seq() == 2, "no such account");
        h.start();
        h.write("accounts", "acct-1");
        h.write("accounts", "acct-2");
        h.wal.awaitAllApplied(Duration.ofMinutes(1)).get(20, TimeUnit.SECONDS);
        assertEquals(EntryStatus.DEAD, h.status(2, "primary"));

        replica.down();
        long open = h.write("accounts", "acct-3").seq();
        CompletableFuture<Void> all = h.wal.awaitAllApplied(Duration.ofSeconds(10));
        h.quiesce();
        h.clock.advance(Duration.ofSeconds(10));
        ExecutionException e = assertThrows(ExecutionException.class, () -> all.get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof TimeoutException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().startsWith("entry " + open + " was not settled"), e.getCause().getMessage());
    }

    @Test
    void awaitAllApplied_completesAtOnceWhenNothingIsOpen() throws Exception {
        h.start();
        h.wal.awaitAllApplied(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
        h.write("accounts", "acct-1");
        h.wal.awaitAllApplied(Duration.ofMinutes(1)).get(20, TimeUnit.SECONDS);
        assertEquals(EntryStatus.APPLIED, h.status(1, "replica"));
    }

    @Test
    void awaitAppliedByKey_waitsForEveryEntryOfTheLane() throws Exception {
        ScriptedSyncTarget replica = h.target("replica").down();
        h.start();
        h.write("accounts", "acct-1");
        h.write("accounts", "acct-1");
        h.write("accounts", "acct-2");
        CompletableFuture<List<EntryOutcome>> lane = h.wal.awaitApplied(LaneId.of("accounts", "acct-1"), Duration.ofHours(1));
        h.quiesce();
        assertFalse(lane.isDone());
        replica.up();
        // the lanes' partitions failed side by side: the breaker may open again on the first
        // successes (its failure rate still counts the failures), so the clock moves until done
        for (int i = 0; i < 100 && !lane.isDone(); i++) {
            h.advance(Duration.ofMinutes(1));
        }
        List<EntryOutcome> outcomes = lane.get(20, TimeUnit.SECONDS);
        assertEquals(List.of(1L, 2L), outcomes.stream().map(EntryOutcome::seq).collect(Collectors.toList()));
        assertTrue(outcomes.stream().allMatch(EntryOutcome::applied));
    }

    @Test
    void flushLane_servesTheLaneNow_cuttingItsRetryBackoff() {
        Harness one = new Harness("primary");
        try {
            ScriptedSyncTarget target = one.primary().failRetryably(e -> e.seq() == 1, 1);
            one.configure(c -> c.defaultLifecycle(Lifecycle.builder().backoff(Backoff.FIXED)
                    .backoffBase(Duration.ofHours(1)).jitter(false).build()));
            one.start();
            one.write("accounts", "acct-1");
            one.write("accounts", "acct-1");
            Await.until(() -> one.status(1, "primary") == EntryStatus.RETRYING, "first attempt failed");
            assertTrue(one.wal.flushLane(LaneId.of("accounts", "acct-1"), Duration.ofSeconds(30)));
            assertEquals(List.of(1L, 2L), target.appliedSeqs(), "applied without waiting the hour of backoff");
        } finally {
            one.close();
        }
    }

    @Test
    void flushLane_returnsFalseWhenTheLaneIsNotSettledInTime() throws Exception {
        h.target("replica").down();
        h.start();
        h.write("accounts", "acct-1");
        CompletableFuture<Boolean> flushed = CompletableFuture.supplyAsync(
                () -> h.wal.flushLane(LaneId.of("accounts", "acct-1"), Duration.ofSeconds(30)));
        Await.until(() -> h.wal.stats().target("replica").applyCalls() > 0, "replica tried");
        h.quiesce(); // the round that got there has ended before the clock moves
        for (int i = 0; i < 10 && !flushed.isDone(); i++) {
            h.clock.advance(Duration.ofSeconds(30));
            try {
                flushed.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // advance again: the flush registers its wait asynchronously
            }
        }
        assertFalse(flushed.get(20, TimeUnit.SECONDS));
    }

    /** Runs {@code flush} on another thread, moving the clock 100 ms at a time until it answers. */
    private static boolean whileTheClockMoves(Harness one, java.util.function.Supplier<Boolean> flush)
            throws Exception {
        CompletableFuture<Boolean> flushed = CompletableFuture.supplyAsync(flush);
        for (int i = 0; i < 100 && !flushed.isDone(); i++) {
            one.clock.advance(Duration.ofMillis(100));
            try {
                return flushed.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // advance again: the flush registers its wait asynchronously
            }
        }
        return flushed.get(20, TimeUnit.SECONDS);
    }

    @Test
    void flushLane_whileTheTargetIsStuckInABatch_returnsFalseWithinItsTimeout() throws Exception {
        Harness one = new Harness("primary");
        try {
            ScriptedSyncTarget.Hold hold = one.primary().holdNextCall();
            one.start();
            one.write("accounts", "acct-1");
            assertTrue(hold.awaitArrival(Duration.ofSeconds(20)), "the worker is in the held call");
            one.write("accounts", "acct-1");
            long start = System.nanoTime();
            // the worker answers while the call is in flight; the timeout then runs on the engine's clock
            assertFalse(whileTheClockMoves(one, () -> one.wal.flushLane(LaneId.of("accounts", "acct-1"),
                    Duration.ofMillis(200))));
            assertFalse(whileTheClockMoves(one, () -> one.wal.flushLane(LaneId.of("accounts", "acct-1"), "primary",
                    Duration.ofMillis(200))));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10),
                    "the timeouts held although the lane's batch is stuck in the target");
            hold.release();
            assertTrue(one.wal.flushLane(LaneId.of("accounts", "acct-1"), "primary", Duration.ofSeconds(30)));
            assertEquals(List.of(1L, 2L), one.primary().appliedSeqs());
        } finally {
            one.close();
        }
    }

    @Test
    void flushLaneForOneTarget_settlesForThatTarget_whileAnotherIsDown() {
        ScriptedSyncTarget primary = h.target("primary");
        h.target("replica").down();
        h.start();
        h.write("accounts", "acct-1");
        h.write("accounts", "acct-1");
        assertTrue(h.wal.flushLane(LaneId.of("accounts", "acct-1"), "primary", Duration.ofSeconds(30)));
        assertEquals(List.of(1L, 2L), primary.appliedSeqs());
        assertFalse(h.status(2, "replica").isTerminal(), "the replica is still down");
        assertTrue(h.wal.flushLane(LaneId.of("accounts", "acct-9"), "primary", Duration.ofSeconds(30)), "an empty lane is settled");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> h.wal.flushLane(LaneId.of("accounts", "acct-1"), "archive", Duration.ofSeconds(1)));
        assertEquals("no target 'archive'; targets: [primary, replica]", unknown.getMessage());
    }

    @Test
    void immediateApply_returnsTheTargetsStatusesWhenTheyApplyWithinTheWait() {
        Harness one = new Harness("primary");
        try {
            one.configure(c -> c.immediateApplyWait(Duration.ofSeconds(5)));
            one.start();
            WriteResult r = one.write("accounts", "acct-1");
            assertTrue(r.applied());
            assertEquals(Map.of("primary", EntryStatus.APPLIED), r.statusByTarget());
        } finally {
            one.close();
        }
    }

    @Test
    void immediateApply_givesUpAfterTheWaitAndLeavesTheEntryToTheWorker() throws Exception {
        h.configure(c -> c.immediateApplyWait(Duration.ofSeconds(5)));
        h.target("replica").down();
        h.start();
        CompletableFuture<WriteResult> write = h.wal.writeAsync(WalEntry.builder("accounts", "debit").key("a"));
        h.quiesce();
        h.clock.advance(Duration.ofSeconds(5));
        WriteResult r = write.get(20, TimeUnit.SECONDS);
        assertFalse(r.applied());
        assertEquals(EntryStatus.APPLIED, r.statusByTarget().get("primary"));
        assertEquals(EntryStatus.PENDING, r.statusByTarget().get("replica"));
        assertTrue(r.durable());
    }

    @Test
    void writeAsync_completesWithTheResult() throws Exception {
        h.start();
        WriteResult r = h.wal.writeAsync(WalEntry.builder("accounts", "debit")).get(20, TimeUnit.SECONDS);
        assertEquals(1, r.seq());
        assertEquals(Map.of("primary", EntryStatus.PENDING, "replica", EntryStatus.PENDING), r.statusByTarget());
        assertEquals(h.clock.instant(), r.timestamp());
    }
    @Test
    void aListenerMayReadTheLane_butCannotAskItsOwnWorkerToRequeue() throws Exception {
        Harness one = new Harness("primary");
        try {
            CompletableFuture<List<WalEntry>> seen = new CompletableFuture<>();
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            one.primary().failPermanently(e -> true, "rejected");
            one.listeners.add(event -> {
                if (event instanceof org.wal4j.event.EntryDeadLettered && !seen.isDone()) {
                    seen.complete(one.wal.unfinishedEntries(LaneId.of("accounts", "acct-1")));
                    try {
                        one.wal.admin().requeue(DeadLetterFilter.all());
                    } catch (RuntimeException e) {
                        refused.complete(e);
                    }
                }
            });
            one.start();
            one.write("accounts", "acct-1");
            assertEquals(List.of(), seen.get(20, TimeUnit.SECONDS));
            assertEquals("this call cannot be made from a listener running on the worker of target 'primary'; "
                    + "hand it to another thread", refused.get(20, TimeUnit.SECONDS).getMessage());
        } finally {
            one.close();
        }
    }

    @Test
    void writeOfAnObject_usesTheWalsMapper() {
        h.start();
        WriteResult r = h.wal.write(WalEntry.builder("accounts", "debit").key("acct-1").payload(h.wal.mapper(), Map.of("amount", 12)));
        WalEntry written = h.storage.read(r.seq()).orElseThrow();
        assertEquals("{\"amount\":12}", written.payload());
        assertEquals("acct-1", written.key());
        assertEquals(List.of("primary", "replica"), written.targets());
    }
}
