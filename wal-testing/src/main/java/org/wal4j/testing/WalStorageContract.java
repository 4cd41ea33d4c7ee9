package org.wal4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.EntryTooLargeException;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * The {@link WalStorage} contract as JUnit 5 tests, run against every implementation: the
 * in-memory reference ({@link InMemoryWalStorage}), the file log, and any storage written against
 * {@code org.wal4j.spi} elsewhere must behave the same. A storage's test extends this class and
 * says how to open, reopen and close a segment; every test of the contract then runs against it:
 *
 * <pre>{@code
 * class MyStorageContractTest extends WalStorageContract {
 *     @TempDir Path dir;
 *
 *     protected WalStorage open() { return MyStorage.open(dir); }
 *     protected WalStorage reopen(WalStorage storage) { storage.close(); return open(); }
 *     protected void closeSegment(WalStorage storage) { ((MyStorage) storage).roll(); }
 * }
 * }</pre>
 *
 * Entries come from {@link TestEntries}: they name the targets {@code primary} and
 * {@code replica}. The storage opened is closed after each test.
 *
 * <p>Not thread-safe: JUnit runs each test on a fresh instance.
 */
public abstract class WalStorageContract {
    /** When the contract's status records happen: after every entry of {@link TestEntries}. */
    public static final Instant AT = Instant.parse("2026-02-01T00:00:00Z");

    /** The storage under test, opened on first use (null until then); closed after each test. */
    protected @Nullable WalStorage storage;

    /** Opens a new, empty storage (or the same one again after {@link #reopen}'s close). */
    protected abstract WalStorage open();

    /** Closes (as a process restart would) and opens again, rebuilding the state from what was written. */
    protected abstract WalStorage reopen(WalStorage storage);

    /** Makes the entries appended so far eligible for compaction (the file log closes its segment). */
    protected abstract void closeSegment(WalStorage storage);

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    private WalStorage s() {
        if (storage == null) {
            storage = open();
        }
        return storage;
    }

    @Test
    void append_assignsConsecutiveSeqsFromOne() {
        assertEquals(1, s().append(TestEntries.entry(1)));
        assertEquals(2, s().append(TestEntries.entry(2)));
        AppendResult batch = s().append(TestEntries.batch(3, 5));
        assertEquals(3, batch.firstSeq());
        assertEquals(5, batch.count());
        assertEquals(7, batch.lastSeq());
        assertEquals(7, s().lastSeq());
    }

    @Test
    void read_returnsTheEntryAsAppended_everyField() {
        WalEntry full = TestEntries.full(1);
        long seq = s().append(full);
        assertEquals(Optional.of(full.withSeq(seq)), s().read(seq));
        assertEquals(full.payload(), s().read(seq).orElseThrow().payload());
        storage = reopen(s());
        assertEquals(Optional.of(full.withSeq(seq)), s().read(seq));
    }

    @Test
    void read_unknownSeq_isEmpty() {
        s().append(TestEntries.entry(1));
        assertEquals(Optional.empty(), s().read(0));
        assertEquals(Optional.empty(), s().read(2));
        assertEquals(Optional.empty(), s().read(-5));
    }

    @Test
    void readRange_respectsBoundsAndLimit() {
        List<WalEntry> appended = TestEntries.batch(1, 10);
        s().append(appended);
        assertEquals(seqs(3, 6), seqsOf(s().read(3, 6, 100)));
        assertEquals(seqs(3, 4), seqsOf(s().read(3, 6, 2)));
        assertEquals(seqs(8, 10), seqsOf(s().read(8, 50, 100)));
        assertEquals(List.of(), s().read(6, 3, 100));
        assertEquals(appended.get(4).withSeq(5), s().read(5, 5, 1).get(0));
    }

    @Test
    void scan_returnsEveryEntryFromSeqInOrder() {
        s().append(TestEntries.batch(1, 10));
        try (Stream<WalEntry> all = s().scan(4)) {
            assertEquals(seqs(4, 10), all.map(WalEntry::seq).collect(Collectors.toList()));
        }
        try (Stream<WalEntry> none = s().scan(11)) {
            assertEquals(0, none.count());
        }
    }

    /** A replay by time: only the entries created within the bounds, in order, whatever the order of their times. */
    @Test
    void scanCreated_returnsTheEntriesCreatedWithinTheBounds_inSeqOrder() {
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        List<WalEntry> entries = new ArrayList<>();
        for (int minutes : new int[] {0, 10, 20, 5, 30, 20}) { // seqs 1 to 6; seq 4 created before seq 3
            entries.add(WalEntry.builder("accounts", "debit").key("a").targets("primary").payloadJson("{}")
                    .createdAt(t0.plusSeconds(60L * minutes)).build());
        }
        s().append(entries);
        try (Stream<WalEntry> window = s().scanCreated(1, t0.plusSeconds(600), t0.plusSeconds(1800))) {
            assertEquals(List.of(2L, 3L, 6L), window.map(WalEntry::seq).collect(Collectors.toList()),
                    "from 10 min inclusive to 30 min exclusive");
        }
        try (Stream<WalEntry> from = s().scanCreated(3, t0.plusSeconds(300), null)) {
            assertEquals(List.of(3L, 4L, 5L, 6L), from.map(WalEntry::seq).collect(Collectors.toList()));
        }
        try (Stream<WalEntry> all = s().scanCreated(1, null, null)) {
            assertEquals(seqs(1, 6), all.map(WalEntry::seq).collect(Collectors.toList()));
        }
        try (Stream<WalEntry> none = s().scanCreated(1, t0.plusSeconds(3600), null)) {
            assertEquals(0, none.count());
        }
    }

    @Test
    void unfinished_listsPendingAndRetryingEntriesPerTarget() {
        s().append(List.of(TestEntries.entry(1, "primary", "replica"), TestEntries.entry(2, "primary"),
                TestEntries.entry(3, "replica")));
        assertEquals(List.of(1L, 2L), trackedSeqs(s().unfinished("primary", 0, 10)));
        assertEquals(List.of(1L, 3L), trackedSeqs(s().unfinished("replica", 0, 10)));
        s().appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, AT),
                new StatusRecord(2, "primary", EntryStatus.RETRYING, 2, AT, "timeout")));
        List<TrackedEntry> primary = s().unfinished("primary", 0, 10);
        assertEquals(List.of(2L), trackedSeqs(primary));
        TrackedEntry retrying = primary.get(0);
        assertEquals(EntryStatus.RETRYING, retrying.status());
        assertEquals(2, retrying.attempts());
        assertEquals(AT, retrying.lastChangeAt());
        assertEquals("timeout", retrying.reason());
        assertEquals(TestEntries.entry(2).payload(), retrying.entry().payload());
        assertEquals(List.of(2L), trackedSeqs(s().unfinished("primary", 1, 10)));
        assertEquals(List.of(1L), trackedSeqs(s().unfinished("replica", 0, 1)));
        assertEquals(List.of(), s().unfinished("nobody", 0, 10));
    }

    @Test
    void deadLetters_listDeadEntriesPerTargetOrAll() {
        s().append(List.of(TestEntries.entry(1, "primary", "replica"), TestEntries.entry(2, "primary")));
        s().appendStatus(List.of(new StatusRecord(1, "primary", EntryStatus.DEAD, 3, AT, "constraint violated"),
                new StatusRecord(1, "replica", EntryStatus.DEAD, 1, AT, "bad sql"),
                new StatusRecord(2, "primary", EntryStatus.DEAD, 10, AT, "attempts exhausted")));
        assertEquals(List.of(1L, 2L), trackedSeqs(s().deadLetters("primary", 0, 10)));
        assertEquals(List.of(1L, 1L, 2L), trackedSeqs(s().deadLetters(null, 0, 10)));
        assertEquals("bad sql", s().deadLetters("replica", 0, 10).get(0).reason());
        assertEquals(List.of(), s().unfinished("primary", 0, 10));
    }

    @Test
    void status_followsTheLastRecordPerTarget() {
        s().append(TestEntries.entry(1, "primary", "replica"));
        assertEquals(Optional.of(EntryStatus.PENDING), s().status(1, "primary"));
        s().appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, AT),
                StatusRecord.of(1, "replica", EntryStatus.EXPIRED, 0, AT)));
        assertEquals(Optional.of(EntryStatus.APPLIED), s().status(1, "primary"));
        assertEquals(Optional.of(EntryStatus.EXPIRED), s().status(1, "replica"));
        assertEquals(Optional.empty(), s().status(1, "elsewhere"));
        assertEquals(Optional.empty(), s().status(2, "primary"));
    }

    @Test
    void oneStatusCall_thatFinishesAndReopensAnEntry_leavesItTracked_beforeAndAfterAReopen() {
        s().append(TestEntries.entry(1, "primary"));
        s().appendStatus(List.of(new StatusRecord(1, "primary", EntryStatus.RETRYING, 1, AT, "timeout"),
                StatusRecord.of(1, "primary", EntryStatus.APPLIED, 2, AT),
                new StatusRecord(1, "primary", EntryStatus.RETRYING, 3, AT, "replayed")));
        assertEquals(Optional.of(EntryStatus.RETRYING), s().status(1, "primary"));
        assertEquals(List.of(1L), trackedSeqs(s().unfinished("primary", 0, 10)));
        assertEquals(3, s().unfinished("primary", 0, 10).get(0).attempts());
        storage = reopen(s());
        assertEquals(Optional.of(EntryStatus.RETRYING), s().status(1, "primary"));
        assertEquals(3, s().unfinished("primary", 0, 10).get(0).attempts());
    }

    @Test
    void requeueOfAFinishedEntry_tracksItAgain() {
        s().append(TestEntries.entry(1, "primary"));
        s().appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.EXPIRED, 2, AT)));
        assertEquals(List.of(), s().unfinished("primary", 0, 10));
        s().appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.PENDING, 0, AT)));
        assertEquals(List.of(1L), trackedSeqs(s().unfinished("primary", 0, 10)));
        storage = reopen(s());
        assertEquals(List.of(1L), trackedSeqs(s().unfinished("primary", 0, 10)));
        assertEquals(Optional.of(EntryStatus.PENDING), s().status(1, "primary"));
    }

    @Test
    void statusForASeqNeverAssigned_isRefused() {
        s().append(TestEntries.entry(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s().appendStatus(
                List.of(StatusRecord.of(5, "primary", EntryStatus.APPLIED, 1, AT))));
        assertEquals("status record for seq 5 but the last seq assigned is 1", e.getMessage());
        assertEquals(Optional.of(EntryStatus.PENDING), s().status(1, "primary"));
    }

    @Test
    void statusForATargetTheEntryDoesNotName_isRefused() {
        s().append(TestEntries.entry(1, "primary", "replica"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s().appendStatus(
                List.of(StatusRecord.of(1, "archive", EntryStatus.APPLIED, 1, AT))));
        assertEquals("entry 1 does not name target 'archive'; it names [primary, replica]", e.getMessage());
    }

    @Test
    void checkpoint_onlyMovesForwardAndSurvivesReopen() {
        s().append(TestEntries.batch(1, 5));
        assertEquals(0, s().checkpoint("primary"));
        s().saveCheckpoint("primary", 3).join();
        s().saveCheckpoint("primary", 2).join();
        assertEquals(3, s().checkpoint("primary"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s().saveCheckpoint("primary", 6));
        assertEquals("checkpoint for 'primary' must be between 0 and the last seq 5 but was 6", e.getMessage());
        storage = reopen(s());
        assertEquals(3, s().checkpoint("primary"));
    }

    @Test
    void reopen_rebuildsTheIndexFromTheLog() {
        s().append(List.of(TestEntries.entry(1, "primary", "replica"), TestEntries.entry(2, "primary"),
                TestEntries.entry(3, "primary")));
        s().appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, AT),
                new StatusRecord(2, "primary", EntryStatus.DEAD, 4, AT, "boom"),
                new StatusRecord(3, "primary", EntryStatus.RETRYING, 1, AT, "slow")));
        storage = reopen(s());
        assertEquals(3, s().lastSeq());
        assertEquals(List.of(3L), trackedSeqs(s().unfinished("primary", 0, 10)));
        assertEquals(List.of(1L), trackedSeqs(s().unfinished("replica", 0, 10)));
        TrackedEntry dead = s().deadLetters("primary", 0, 10).get(0);
        assertEquals(2, dead.entry().seq());
        assertEquals("boom", dead.reason());
        assertEquals(4, dead.attempts());
        assertEquals("slow", s().unfinished("primary", 0, 10).get(0).reason());
        assertEquals(4, s().append(TestEntries.entry(4)));
        assertEquals(4, s().stats().unfinished()); // 1 (replica), 2 (dead), 3 (retrying), 4 (new)
    }

    @Test
    void compaction_dropsOnlyOldEntriesFinishedForEveryTarget() {
        s().append(List.of(TestEntries.entry(1, "primary", "replica"), TestEntries.entry(2, "primary", "replica"),
                TestEntries.entry(3, "primary"), TestEntries.entry(4, "primary"), TestEntries.entry(5, "primary"),
                TestEntries.entry(6, "primary")));
        s().appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, AT),
                StatusRecord.of(1, "replica", EntryStatus.APPLIED, 1, AT),
                StatusRecord.of(2, "primary", EntryStatus.APPLIED, 1, AT), // replica still pending
                StatusRecord.of(3, "primary", EntryStatus.DISCARDED, 1, AT),
                new StatusRecord(4, "primary", EntryStatus.DEAD, 1, AT, "dead letters stay"),
                StatusRecord.of(5, "primary", EntryStatus.APPLIED, 1, AT),
                StatusRecord.of(6, "primary", EntryStatus.APPLIED, 1, AT)));
        closeSegment(s());
        // 5 is past the safe point, 6 too young
        CompactionResult result = s().compact(5 - 1, TestEntries.T0.plusMillis(6));
        assertEquals(2, result.entriesDropped());
        assertEquals(List.of(2L, 4L, 5L, 6L), seqsOf(s().read(1, 10, 100)));
        assertEquals(Optional.empty(), s().read(1));
        assertEquals(Optional.empty(), s().status(1, "primary"));
        assertEquals(Optional.of(EntryStatus.PENDING), s().status(2, "replica"));
        assertEquals(4, s().stats().entries());
        storage = reopen(s());
        assertEquals(List.of(2L, 4L, 5L, 6L), seqsOf(s().read(1, 10, 100)));
        assertEquals(List.of(2L), trackedSeqs(s().unfinished("replica", 0, 10)));
        assertEquals(List.of(4L), trackedSeqs(s().deadLetters("primary", 0, 10)));
        assertEquals(6, s().lastSeq());
        assertEquals(CompactionResult.NOTHING, s().compact(4, TestEntries.T0.plusMillis(6)));
        // status records for compacted entries are ignored, as for an entry never held
        s().appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.PENDING, 0, AT)));
        assertEquals(List.of(), s().unfinished("primary", 0, 10));
    }

    @Test
    void badInput_isRefusedBeforeAnythingIsWritten_andTheLogStaysUsable() {
        s().append(TestEntries.entry(1));
        assertEquals("entries to append must not be null",
                assertThrows(IllegalArgumentException.class, this::appendAsyncNull).getMessage());
        assertEquals("entries to append must not be empty",
                assertThrows(IllegalArgumentException.class, () -> s().appendAsync(List.of())).getMessage());
        WalEntry withSeq = TestEntries.entry(2).withSeq(7);
        assertMessageEndsWith("already has seq 7; append entries built with WalEntry.builder()",
                assertThrows(IllegalArgumentException.class, () -> s().append(withSeq)));
        WalEntry noTarget = WalEntry.builder("orders", "debit").payloadJson("{}").build();
        assertMessageEndsWith("names no target; the Wal fills in every target, a storage needs them explicit",
                assertThrows(IllegalArgumentException.class, () -> s().append(noTarget)));
        String big = "\"" + "x".repeat(s().maxEntryBytes()) + "\"";
        WalEntry tooLarge = WalEntry.builder("orders", "debit").payloadJson(big).targets("primary").build();
        EntryTooLargeException e = assertThrows(EntryTooLargeException.class, () -> s().append(tooLarge));
        assertEquals("Payload of " + (s().maxEntryBytes() + 2) + " bytes exceeds the maximum of "
                + s().maxEntryBytes() + " bytes (maxEntryBytes) for namespace 'orders', operation 'debit'",
                e.getMessage());
        List<WalEntry> mixed = new ArrayList<>(List.of(TestEntries.entry(3)));
        mixed.add(tooLarge);
        assertThrows(EntryTooLargeException.class, () -> s().append(mixed));
        assertEquals(1, s().lastSeq());
        assertEquals(1, s().stats().entries());
        assertEquals(2, s().append(TestEntries.entry(2)));
        storage = reopen(s());
        assertEquals(2, s().lastSeq());
        assertEquals(List.of(1L, 2L), seqsOf(s().read(1, 10, 10)));
    }

    @Test
    void writeAfterClose_isRefused() {
        s().append(TestEntries.entry(1));
        s().close();
        assertThrows(WalUnavailableException.class, () -> s().append(TestEntries.entry(2)));
        assertThrows(WalUnavailableException.class, () -> s().appendStatus(
                List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, AT))));
        assertThrows(WalUnavailableException.class, () -> s().saveCheckpoint("primary", 1));
        s().close(); // idempotent
    }

    @Test
    void stats_countEntriesUnfinishedAndCheckpoints() {
        s().append(List.of(TestEntries.entry(1, "primary", "replica"), TestEntries.entry(2, "primary")));
        s().appendStatus(List.of(StatusRecord.of(2, "primary", EntryStatus.APPLIED, 1, AT)));
        s().saveCheckpoint("primary", 1).join();
        var stats = s().stats();
        assertEquals(2, stats.lastSeq());
        assertEquals(2, stats.entries());
        assertEquals(1, stats.unfinished());
        assertEquals(1L, stats.unfinishedByTarget().get("primary"));
        assertEquals(1L, stats.unfinishedByTarget().get("replica"));
        assertEquals(1L, stats.checkpoints().get("primary"));
        assertEquals(2, stats.appendedEntries());
        assertNull(stats.checkpoints().get("replica"));
        assertFalse(stats.unfinishedByTarget().isEmpty());
    }

    /**
     * Hands the storage the null list its SPI forbids, to see it refused with a message rather than a
     * NullPointerException: the one deliberate null of the contract, hence the suppression (NullAway
     * would rightly reject the call anywhere else).
     */
    @SuppressWarnings({"NullAway", "FutureReturnValueIgnored"}) // the call must throw: no future comes back
    private void appendAsyncNull() {
        s().appendAsync(null);
    }

    private static void assertMessageEndsWith(String expectedEnd, Throwable thrown) {
        String message = thrown.getMessage();
        assertTrue(message != null && message.endsWith(expectedEnd),
                () -> "the message of " + thrown + " should end with: " + expectedEnd);
    }

    static List<Long> seqs(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }

    /** The entries' sequence numbers, in order. */
    public static List<Long> seqsOf(List<WalEntry> entries) {
        return entries.stream().map(WalEntry::seq).collect(Collectors.toList());
    }

    static List<Long> trackedSeqs(List<TrackedEntry> entries) {
        return entries.stream().map(t -> t.entry().seq()).collect(Collectors.toList());
    }
}
