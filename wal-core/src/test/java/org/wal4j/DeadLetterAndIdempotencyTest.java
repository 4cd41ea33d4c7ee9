package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.testing.Await;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.WalInvariants;

/** The dead-letter queue, and idempotent writes. */
@Timeout(60)
class DeadLetterAndIdempotencyTest {
    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void requeue_appliesRequeuedEntriesInTheirLaneOrder() {
        ScriptedSyncTarget target = h.primary().failPermanently(e -> e.seq() == 2 || e.seq() == 4, "rejected");
        h.start();
        for (int i = 0; i < 5; i++) {
            h.write("accounts", "acct-1");
        }
        h.write("orders", "o-1");
        h.settledAll(6);
        assertEquals(List.of(1L, 3L, 5L), target.appliedSeqs("accounts", "acct-1"));
        assertEquals(List.of(6L), target.appliedSeqs("orders", "o-1"));
        assertEquals(2, h.wal.stats().target("primary").deadLetters());

        target.failPermanently(e -> false, "none");
        assertEquals(2, h.wal.admin().requeue(DeadLetterFilter.builder().namespace("accounts").build()));
        h.settledAll(6);
        assertEquals(List.of(1L, 3L, 5L, 2L, 4L), target.appliedSeqs("accounts", "acct-1"),
                "requeued 2 and 4 follow in seq order");
        assertEquals(List.of(6L), target.appliedSeqs("orders", "o-1"));
        assertEquals(0, h.wal.admin().deadLetters(DeadLetterFilter.all()).count());
        assertEquals(0, h.wal.stats().target("primary").deadLetters());
        WalInvariants.assertStorageConsistent(h.storage, "primary", true);
    }

    @Test
    void requeueAndReapply_ofMoreEntriesThanOneChunk_changeEveryOne() {
        int entries = 2 * 1000 + 345; // two full chunks of the worker's change tasks and a remainder
        ScriptedSyncTarget target = h.primary().failPermanently(e -> true, "rejected");
        h.start();
        for (int i = 0; i < entries; i++) {
            h.write("accounts", "acct-" + (i % 7));
        }
        h.settledAll(entries);
        assertEquals(entries, h.wal.stats().target("primary").deadLetters());

        target.failPermanently(e -> false, "none");
        assertEquals(entries, h.wal.admin().requeue(DeadLetterFilter.all()));
        h.settledAll(entries);
        assertEquals(entries, target.appliedSeqs().size());
        assertEquals(0, h.wal.stats().target("primary").deadLetters());

        // every entry made PENDING again, chunk by chunk; the target skips them by idempotency key
        assertEquals(entries, h.wal.admin().reapply(ReplayQuery.all(), "primary"));
        h.settledAll(entries);
        WalInvariants.assertStorageConsistent(h.storage, "primary", true);
    }

    @Test
    void requeuedEntry_goesBeforeLaterEntriesOfItsLaneThatAreStillPending() {
        ScriptedSyncTarget target = h.primary().failPermanently(e -> e.seq() == 1, "rejected");
        h.start();
        h.write("accounts", "acct-1");
        h.settled(1);
        target.down();
        h.write("accounts", "acct-1"); // seq 2, pending behind nothing: the lane moved on
        h.write("accounts", "acct-1"); // seq 3
        target.failPermanently(e -> false, "none");
        assertTrue(h.wal.admin().requeue(1, "primary"));
        target.up();
        h.advanceUntilSettled(3, Duration.ofSeconds(31));
        assertEquals(List.of(1L, 2L, 3L), target.appliedSeqs());
    }

    @Test
    void discard_dropsADeadLetterForGood() {
        h.primary().failPermanently(e -> e.seq() <= 2, "rejected");
        h.start();
        h.write("accounts", "a");
        h.write("accounts", "b");
        h.write("accounts", "c");
        h.settledAll(3);
        assertTrue(h.wal.admin().discard(1, "primary"));
        assertEquals(EntryStatus.DISCARDED, h.status(1, "primary"));
        assertEquals(List.of(2L), h.wal.admin().deadLetters(DeadLetterFilter.all()).map(DeadLetter::seq)
                .collect(Collectors.toList()));
        assertEquals(1, h.wal.admin().discard(DeadLetterFilter.builder().reasonContains("rejected").build()));
        assertEquals(0, h.wal.admin().deadLetters(DeadLetterFilter.all()).count());

        IllegalArgumentException notDead = assertThrows(IllegalArgumentException.class,
                () -> h.wal.admin().requeue(3, "primary"));
        assertEquals("entry 3 is not a dead letter for target 'primary'; its status is APPLIED", notDead.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> h.wal.admin().requeue(1, "replica"));
        assertEquals("no target 'replica'; targets are [primary]", unknown.getMessage());
        IllegalArgumentException never = assertThrows(IllegalArgumentException.class,
                () -> h.wal.admin().requeue(99, "primary"));
        assertEquals("no entry with seq 99 in the log (last seq 3)", never.getMessage());
    }

    @Test
    void deadLetterFilter_matchesNamespaceReasonAndTime() {
        h.primary().failPermanently(e -> true, "rejected: bad amount");
        h.start();
        h.write("accounts", "a");
        h.settled(1);
        h.clock.advance(Duration.ofMinutes(5));
        h.write("orders", "b");
        h.settledAll(2);
        assertEquals(List.of(2L), seqs(DeadLetterFilter.builder().namespace("orders").build()));
        assertEquals(List.of(1L, 2L), seqs(DeadLetterFilter.builder().reasonContains("bad amount").build()));
        assertEquals(List.of(), seqs(DeadLetterFilter.builder().reasonContains("timeout").build()));
        assertEquals(List.of(1L), seqs(DeadLetterFilter.builder()
                .deadBetween(null, h.clock.instant().minusSeconds(60)).build()));
        assertEquals(List.of(1L, 2L), seqs(DeadLetterFilter.builder().target("primary").build()));
    }

    private List<Long> seqs(DeadLetterFilter filter) {
        return h.wal.admin().deadLetters(filter).map(DeadLetter::seq).collect(Collectors.toList());
    }

    @Test
    void idempotentWrite_returnsTheOriginalResult_andWritesNothing() {
        h.start();
        WriteResult first = h.write(WalEntry.builder("payments", "charge").key("card-1")
                .idempotencyKey("request-42").payloadJson("{\"amount\":10}"));
        WriteResult again = h.write(WalEntry.builder("payments", "charge").key("card-1")
                .idempotencyKey("request-42").payloadJson("{\"amount\":10}"));
        assertFalse(first.duplicate());
        assertTrue(again.duplicate());
        assertEquals(first.seq(), again.seq());
        assertEquals(first.id(), again.id());
        assertEquals(first.timestamp(), again.timestamp());
        assertEquals(1, h.storage.lastSeq());
        assertEquals(1, h.wal.stats().duplicateWrites());

        WriteResult other = h.write(WalEntry.builder("payments", "charge").key("card-1")
                .payloadJson("{\"amount\":10}"));
        assertEquals(2, other.seq(), "two identical writes without a key are two entries");
    }

    @Test
    void idempotencyKeys_surviveARestart_andAreForgottenAfterTheRetentionPeriod() {
        h.configure(c -> c.retention(Duration.ofHours(1)).compactionInterval(Duration.ofMinutes(1)));
        h.start();
        WriteResult first = h.write(WalEntry.builder("payments", "charge").idempotencyKey("request-42"));
        h.settled(first.seq());
        h.stopAndRestart();
        assertEquals(1, h.wal.stats().idempotencyKeys(), "rebuilt by the scan at start");
        WriteResult again = h.write(WalEntry.builder("payments", "charge").idempotencyKey("request-42"));
        assertTrue(again.duplicate());
        assertEquals(first.seq(), again.seq());
        assertEquals(first.id(), again.id());

        h.clock.advance(Duration.ofMinutes(61));
        Await.until(() -> h.wal.stats().idempotencyKeys() == 0, "key pruned after the retention period");
        WriteResult later = h.write(WalEntry.builder("payments", "charge").idempotencyKey("request-42"));
        assertFalse(later.duplicate());
        assertEquals(2, later.seq());
    }

    @Test
    void writesThatFailBeforeTheirAppend_leaveTheirKeyFree() throws Exception {
        h.storage = InMemoryWalStorage.withMaxEntryBytes(16);
        h.configure(c -> c.maxUnfinishedEntries(1).writeTimeout(Duration.ZERO));
        h.start();
        ScriptedSyncTarget.Hold hold = h.primary().holdNextCall();

        assertThrows(EntryTooLargeException.class, () -> h.write(WalEntry.builder("payments", "charge")
                .idempotencyKey("request-1").payloadJson("\"0123456789abcdefghij\"")));
        assertEquals(0, h.storage.lastSeq(), "the invalid write wrote nothing");
        assertEquals(0, h.wal.stats().idempotencyKeys(), "the invalid write holds no key");
        WriteResult afterInvalid = h.wal.writeAsync(WalEntry.builder("payments", "charge")
                .idempotencyKey("request-1").payloadJson("1")).get(20, TimeUnit.SECONDS);
        assertFalse(afterInvalid.duplicate(), "the key of the invalid write was left free");
        assertEquals(1, afterInvalid.seq());

        assertTrue(hold.awaitArrival(Await.LIMIT), "entry 1 is in the target's hands: the Wal is full");
        assertThrows(WalFullException.class, () -> h.write(WalEntry.builder("payments", "charge")
                .idempotencyKey("request-2").payloadJson("2")));
        assertEquals(1, h.storage.lastSeq(), "the refused write wrote nothing");
        assertEquals(1, h.wal.stats().idempotencyKeys(), "the refused write holds no key");
        hold.release();
        h.settled(1);
        WriteResult afterFull = h.wal.writeAsync(WalEntry.builder("payments", "charge")
                .idempotencyKey("request-2").payloadJson("2")).get(20, TimeUnit.SECONDS);
        assertFalse(afterFull.duplicate(), "the key of the refused write was left free");
        assertEquals(2, afterFull.seq());

        WriteResult again = h.wal.writeAsync(WalEntry.builder("payments", "charge")
                .idempotencyKey("request-1").payloadJson("1")).get(20, TimeUnit.SECONDS);
        assertTrue(again.duplicate(), "the key of the write that succeeded is remembered");
        assertEquals(1, again.seq());
        assertEquals(2, h.storage.lastSeq());
    }

    @Test
    void idempotencyKeyOfAnotherTenant_isRefused() {
        h.start();
        h.wal.as(UserContext.of("alice", "acme")).write(WalEntry.builder("payments", "charge")
                .idempotencyKey("request-42"));
        WalAccessDeniedException denied = assertThrows(WalAccessDeniedException.class, () -> h.wal.as(UserContext.of("bob", "globex"))
                .write(WalEntry.builder("payments", "charge").idempotencyKey("request-42")));
        assertEquals("Idempotency key 'request-42' was already used by an entry of another tenant",
                denied.getMessage());
        assertEquals(1, h.storage.lastSeq());
    }

    @Test
    void concurrentWritesOfOneKey_makeOneEntry() throws Exception {
        h.start();
        List<java.util.concurrent.CompletableFuture<WriteResult>> futures = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> h.write(
                    WalEntry.builder("payments", "charge").idempotencyKey("request-7"))));
        }
        for (java.util.concurrent.CompletableFuture<WriteResult> f : futures) {
            assertEquals(1, f.get().seq());
        }
        assertEquals(1, h.storage.lastSeq());
        assertEquals(19, futures.stream().filter(f -> f.join().duplicate()).count());
    }
}
