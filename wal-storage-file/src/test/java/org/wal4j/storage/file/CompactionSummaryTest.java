package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.FaultInjectingFileSystem.Op;
import org.wal4j.testing.TestEntries;
import org.wal4j.testing.WalStorageContract;

/**
 * Compaction skips closed segments its in-memory summary shows have nothing to drop, and reads a
 * segment again as soon as something in it may go: an entry a target finished, an entry that
 * became old enough or fell under the safe point, a status record whose entry was dropped, a
 * checkpoint record superseded. Reads are counted at the file-system seam.
 */
class CompactionSummaryTest {
    @TempDir
    Path dir;

    private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(1);

    private FileWalStorage open() {
        return FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(2048).fileSystem(fs).build());
    }

    /** Compacts and returns the result, checking how many reads it made: none when {@code expectNoReads}. */
    private CompactionResult compact(FileWalStorage log, long safePoint, Instant createdBefore, boolean expectNoReads) {
        long before = fs.calls(Op.READ);
        CompactionResult result = log.compact(safePoint, createdBefore);
        long reads = fs.calls(Op.READ) - before;
        if (expectNoReads) {
            assertEquals(0, reads, "reads of a compaction with nothing new to drop; result " + result);
        } else {
            assertTrue(reads > 0, "the compaction read the segments that may hold something to drop");
        }
        return result;
    }

    private static void finish(FileWalStorage log, long from, long to) {
        List<StatusRecord> applied = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            applied.add(StatusRecord.of(seq, "primary", EntryStatus.APPLIED, 1, WalStorageContract.AT));
        }
        log.appendStatus(applied);
    }

    @Test
    void pendingEntries_areSkippedUntilATargetFinishesThem() {
        try (FileWalStorage log = open()) {
            log.append(TestEntries.batch(1, 40));
            log.rotate().join();
            int segments = Logs.segments(dir).size();
            assertTrue(segments >= 5, Logs.names(dir).toString());

            assertEquals(CompactionResult.NOTHING, compact(log, 40, Instant.MAX, false));
            assertEquals(CompactionResult.NOTHING, compact(log, 40, Instant.MAX, true));

            finish(log, 1, 10);
            CompactionResult result = compact(log, 40, Instant.MAX, false);
            assertEquals(10, result.entriesDropped());
            for (long seq = 1; seq <= 40; seq++) {
                assertEquals(seq > 10, log.read(seq).isPresent(), "entry " + seq);
            }
            assertEquals(CompactionResult.NOTHING, compact(log, 40, Instant.MAX, true));
        }
    }

    @Test
    void finishedEntries_areSkippedUntilTheyAreOldEnoughOrUnderTheSafePoint() {
        try (FileWalStorage log = open()) {
            log.append(TestEntries.batch(1, 40));
            finish(log, 1, 40);
            log.rotate().join();

            // entry i was created at T0 + i ms: nothing is older than T0
            assertEquals(CompactionResult.NOTHING, compact(log, 40, TestEntries.T0, false));
            assertEquals(CompactionResult.NOTHING, compact(log, 40, TestEntries.T0, true));

            assertEquals(19, compact(log, 40, TestEntries.T0.plusMillis(20), false).entriesDropped());
            assertEquals(CompactionResult.NOTHING, compact(log, 40, TestEntries.T0.plusMillis(20), true));

            assertEquals(11, compact(log, 30, Instant.MAX, false).entriesDropped());
            assertEquals(CompactionResult.NOTHING, compact(log, 30, Instant.MAX, true));
            for (long seq = 1; seq <= 40; seq++) {
                assertEquals(seq > 30, log.read(seq).isPresent(), "entry " + seq);
            }
        }
    }

    @Test
    void statusRecordsOfDroppedEntries_inASkippedSegment_areDroppedWithThem() {
        try (FileWalStorage log = open()) {
            log.append(TestEntries.batch(1, 20));
            log.rotate().join();
            finish(log, 1, 20);
            log.append(TestEntries.entry(21)); // the status records' segment holds an entry that stays pending
            log.rotate().join();
            Path statusSegment = Logs.segments(dir).get(Logs.segments(dir).size() - 2);
            assertTrue(new String(Logs.read(statusSegment), StandardCharsets.UTF_8).contains("\"type\":\"status\""));

            // nothing under the safe point: every segment is read once and summarized, then skipped
            assertEquals(CompactionResult.NOTHING, compact(log, 0, Instant.MAX, false));
            assertEquals(CompactionResult.NOTHING, compact(log, 0, Instant.MAX, true));

            CompactionResult result = compact(log, 20, Instant.MAX, false);
            assertEquals(20, result.entriesDropped());
            String rest = new String(Logs.read(statusSegment), StandardCharsets.UTF_8);
            assertFalse(rest.contains("\"type\":\"status\""), "status records of dropped entries stay: " + rest);
            assertTrue(rest.contains("\"seq\":21,"));
            assertEquals(CompactionResult.NOTHING, compact(log, 21, Instant.MAX, true));
        }
        try (FileWalStorage log = open()) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(1, log.stats().entries());
            assertEquals(1, log.unfinished("primary", 0, 10).size());
        }
    }

    @Test
    void statusRecordsOfEntriesInASkippedSegment_areKept() {
        try (FileWalStorage log = open()) {
            log.append(TestEntries.batch(1, 10));
            log.rotate().join();
            assertEquals(CompactionResult.NOTHING, compact(log, 10, Instant.MAX, false));
            List<StatusRecord> dead = new ArrayList<>();
            for (long seq = 1; seq <= 10; seq++) {
                dead.add(new StatusRecord(seq, "primary", EntryStatus.DEAD, 3, WalStorageContract.AT, "bad sql"));
            }
            log.appendStatus(dead);
            log.append(TestEntries.entry(11));
            log.rotate().join();
            // the entries' segments are skipped (still tracked: dead letters); the new one with their
            // status records is read and must keep them
            assertEquals(CompactionResult.NOTHING, compact(log, 11, Instant.MAX, false));
            assertEquals(10, log.deadLetters("primary", 0, 100).size());
        }
        try (FileWalStorage log = open()) {
            assertEquals(10, log.deadLetters("primary", 0, 100).size());
            assertEquals(1, log.unfinished("primary", 0, 100).size());
        }
    }

    @Test
    void supersededCheckpointRecords_inASkippedSegment_areDropped() {
        try (FileWalStorage log = open()) {
            log.append(TestEntries.batch(1, 5));
            log.saveCheckpoint("primary", 3).join();
            log.rotate().join();
            Path withCheckpoint = Logs.segments(dir).get(Logs.segments(dir).size() - 2);
            assertTrue(new String(Logs.read(withCheckpoint), StandardCharsets.UTF_8).contains("\"type\":\"checkpoint\""));

            assertEquals(CompactionResult.NOTHING, compact(log, 5, Instant.MAX, false));
            assertEquals(CompactionResult.NOTHING, compact(log, 5, Instant.MAX, true));

            log.saveCheckpoint("primary", 4).join();
            log.rotate().join();
            CompactionResult result = compact(log, 5, Instant.MAX, false);
            assertEquals(0, result.entriesDropped());
            assertTrue(result.segmentsRewritten() >= 1, result.toString());
            assertFalse(new String(Logs.read(withCheckpoint), StandardCharsets.UTF_8).contains("\"type\":\"checkpoint\""),
                    "superseded checkpoint record dropped");
            assertEquals(CompactionResult.NOTHING, compact(log, 5, Instant.MAX, true));
            assertEquals(4, log.checkpoint("primary"));
        }
        try (FileWalStorage log = open()) {
            assertEquals(4, log.checkpoint("primary"));
        }
    }
}
