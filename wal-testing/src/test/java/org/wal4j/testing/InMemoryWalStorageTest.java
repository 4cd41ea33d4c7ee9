package org.wal4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;
import org.wal4j.EntryTooLargeException;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageState;
import org.wal4j.spi.TrackedEntry;

class InMemoryWalStorageTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static WalEntry entry(String key, String... targets) {
        return WalEntry.builder("accounts", "debit").key(key).createdAt(T0).targets(targets).build();
    }

    @Test
    void appendAssignsConsecutiveSeqs() {
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        assertEquals(1, storage.append(entry("a", "primary")));
        AppendResult batch = storage.append(List.of(entry("b", "primary"), entry("c", "primary")));
        assertEquals(new AppendResult(2, 2, true), batch);
        assertEquals(3, storage.lastSeq());
        assertEquals("c", storage.read(3).orElseThrow().key());
        assertEquals(List.of(2L, 3L), storage.read(2, 10, 10).stream().map(WalEntry::seq).toList());
    }

    @Test
    void badAppendsThrowBeforeAnythingIsWritten() {
        InMemoryWalStorage storage = InMemoryWalStorage.withMaxEntryBytes(10);
        WalEntry big = WalEntry.builder("accounts", "debit").targets("primary").payloadJson("\"" + "é".repeat(5) + "\"").build();

        EntryTooLargeException tooLarge = assertThrows(EntryTooLargeException.class,
                () -> storage.append(List.of(entry("ok", "primary"), big)));
        assertEquals("Payload of 12 bytes exceeds the maximum of 10 bytes (maxEntryBytes) for namespace 'accounts', "
                + "operation 'debit'", tooLarge.getMessage());
        assertEquals("entries to append must not be empty",
                assertThrows(IllegalArgumentException.class, () -> storage.append(List.of())).getMessage());
        WalEntry noTarget = WalEntry.builder("accounts", "debit").build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> storage.append(noTarget))
                .getMessage().endsWith("names no target; the Wal fills in every target, a storage needs them explicit"));
        assertEquals(0, storage.lastSeq());
        assertEquals(1, storage.append(entry("ok", "primary")));
    }

    @Test
    void statusRecordsDriveUnfinishedAndDeadLetters() {
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        storage.append(List.of(entry("a", "primary", "replica"), entry("b", "primary")));

        storage.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, T0),
                new StatusRecord(2, "primary", EntryStatus.DEAD, 3, T0, "constraint violated")));

        assertEquals(List.of(), storage.unfinished("primary", 0, 10));
        assertEquals(1, storage.unfinished("replica", 0, 10).size());
        TrackedEntry dead = storage.deadLetters(null, 0, 10).get(0);
        assertEquals(2, dead.entry().seq());
        assertEquals("constraint violated", dead.reason());
        assertEquals(Optional.of(EntryStatus.APPLIED), storage.status(1, "primary"));
        assertEquals(Optional.empty(), storage.status(2, "replica"));
        assertEquals(Map.of("primary", 0L, "replica", 1L), storage.stats().unfinishedByTarget());
    }

    @Test
    void statusForUnknownSeqOrTargetIsRejected() {
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        storage.append(entry("a", "primary"));
        assertEquals("status record for seq 2 but the last seq assigned is 1",
                assertThrows(IllegalArgumentException.class,
                        () -> storage.appendStatus(List.of(StatusRecord.of(2, "primary", EntryStatus.APPLIED, 1, T0))))
                        .getMessage());
        assertEquals("entry 1 does not name target 'replica'; it names [primary]",
                assertThrows(IllegalArgumentException.class,
                        () -> storage.appendStatus(List.of(StatusRecord.of(1, "replica", EntryStatus.APPLIED, 1, T0))))
                        .getMessage());
    }

    @Test
    void reopenRebuildsTheIndexFromTheRecords() {
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        storage.append(List.of(entry("a", "primary"), entry("b", "primary"), entry("c", "primary")));
        storage.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, T0),
                new StatusRecord(2, "primary", EntryStatus.RETRYING, 2, T0, "timeout")));
        storage.saveCheckpoint("primary", 1).join();

        InMemoryWalStorage reopened = storage.reopen();

        assertEquals(StorageState.CLOSED, storage.stats().state());
        assertEquals(3, reopened.lastSeq());
        assertEquals(1, reopened.checkpoint("primary"));
        List<TrackedEntry> unfinished = reopened.unfinished("primary", 0, 10);
        assertEquals(List.of(2L, 3L), unfinished.stream().map(t -> t.entry().seq()).toList());
        assertEquals(EntryStatus.RETRYING, unfinished.get(0).status());
        assertEquals(2, unfinished.get(0).attempts());
        assertEquals(4, reopened.append(entry("d", "primary")));
    }

    @Test
    void checkpointsOnlyMoveForward() {
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        storage.append(List.of(entry("a", "primary"), entry("b", "primary")));
        storage.saveCheckpoint("primary", 2).join();
        storage.saveCheckpoint("primary", 1).join();
        assertEquals(2, storage.checkpoint("primary"));
        assertEquals("checkpoint for 'primary' must be between 0 and the last seq 2 but was 3",
                assertThrows(IllegalArgumentException.class, () -> storage.saveCheckpoint("primary", 3)).getMessage());
    }

    @Test
    void compactionDropsOnlyFinishedEntriesBelowTheSafePointAndCutOff() {
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        storage.append(List.of(entry("a", "primary"), entry("b", "primary"), entry("c", "primary"),
                entry("d", "primary")));
        storage.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, T0),
                new StatusRecord(2, "primary", EntryStatus.DEAD, 1, T0, "bad"),
                StatusRecord.of(4, "primary", EntryStatus.APPLIED, 1, T0)));

        CompactionResult result = storage.compact(3, T0.plusSeconds(1));

        assertEquals(1, result.entriesDropped());
        assertEquals(Optional.empty(), storage.read(1));
        assertTrue(storage.read(2).isPresent(), "dead letters stay");
        assertTrue(storage.read(4).isPresent(), "beyond the safe point stays");
        assertEquals(CompactionResult.NOTHING, storage.compact(3, T0));
        assertEquals(3, storage.reopen().stats().entries());
    }

    @Test
    void poisonedStorageRefusesWritesButServesReads() {
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        storage.append(entry("a", "primary"));
        storage.poison(new java.io.IOException("fsync failed"));

        WalUnavailableException e = assertThrows(WalUnavailableException.class, () -> storage.append(entry("b", "primary")));
        assertEquals("The in-memory log is poisoned by an earlier failure and refuses writes until reopened: "
                + "java.io.IOException: fsync failed", e.getMessage());
        assertTrue(storage.read(1).isPresent());
        assertEquals(StorageState.POISONED, storage.stats().state());
    }
}
