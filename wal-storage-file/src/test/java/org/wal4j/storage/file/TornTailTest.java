package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.testing.TestEntries;
import org.wal4j.testing.WalStorageContract;

/**
 * RELIABILITY rows 1 and 2: the last segment cut at every byte offset of its last records, and
 * zeros or garbage after its last good record. Each is a torn tail: cut off, reported, never
 * corruption; every complete record before it is back; appending and reopening works after.
 */
class TornTailTest {
    @TempDir
    Path dir;

    static final boolean STRESS = Boolean.getBoolean("wal4j.stress");

    private final List<WalEntry> appended = new ArrayList<>();

    /** Writes entries (and a status record and checkpoint between them) and returns the last segment's bytes. */
    private byte[] writeLog(int entries) {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            for (int i = 1; i <= entries; i++) {
                WalEntry e = i % 3 == 0 ? TestEntries.full(i) : TestEntries.entry(i);
                appended.add(e.withSeq(log.append(e)));
                if (i == entries - 2) {
                    log.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1,
                            WalStorageContract.AT)));
                    log.saveCheckpoint("primary", 1).join();
                }
            }
        }
        return Logs.read(Logs.lastSegment(dir));
    }

    @Test
    void reopen_cutAtEveryOffsetOfTheLastRecords_keepsEveryCompleteEntryAndCutsTheRest() {
        byte[] full = writeLog(12);
        List<Integer> starts = Logs.lineStarts(full);
        // the last 5 lines (entries, a status record, a checkpoint) under stress, the last 3 by default
        int from = starts.get(starts.size() - (STRESS ? 5 : 3));
        Path segment = Logs.lastSegment(dir);
        int checked = 0;
        for (int cut = from; cut <= full.length; cut++) {
            Logs.write(segment, Arrays.copyOf(full, cut));
            int complete = 0;
            int completeEnd = 0;
            for (int i = 0; i < full.length && i < cut; i++) {
                if (full[i] == '\n') {
                    completeEnd = i + 1;
                }
            }
            for (WalEntry e : appended) {
                if (lineEndOf(full, e.seq()) <= cut) {
                    complete++;
                }
            }
            try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
                assertEquals(complete, log.lastSeq(), "cut at " + cut);
                for (WalEntry e : appended) {
                    Optional<WalEntry> back = log.read(e.seq());
                    assertEquals(e.seq() <= complete ? Optional.of(e) : Optional.empty(), back, "cut at " + cut);
                }
                RecoveryReport report = log.recoveryReport();
                if (cut == completeEnd) {
                    assertTrue(report.cuts().isEmpty(), report.toString());
                } else {
                    assertEquals(List.of(new RecoveryReport.Cut(segment, completeEnd, cut - completeEnd,
                            report.cuts().get(0).reason())), report.cuts());
                    assertTrue(report.cuts().get(0).reason().startsWith("torn tail: "));
                }
                assertEquals(completeEnd, Logs.read(segment).length, "truncated to the last whole line");
                if (!STRESS && cut % 8 != 0 && cut != completeEnd) {
                    checked++;
                    continue;
                }
                assertEquals(complete + 1, log.append(TestEntries.entry(99)));
            }
            try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
                assertTrue(log.recoveryReport().clean());
                assertEquals(complete + 1, log.lastSeq());
            }
            checked++;
        }
        assertEquals(full.length - from + 1, checked);
    }

    private static int lineEndOf(byte[] content, long seq) {
        String text = new String(content, StandardCharsets.UTF_8);
        int at = text.indexOf("\"type\":\"entry\",\"seq\":" + seq + ",");
        int end = text.indexOf('\n', at);
        return new String(text.substring(0, end + 1)).getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void reopen_zerosAfterTheLastRecord_areATornTailNotCorruption() throws Exception {
        byte[] full = writeLog(5);
        Path segment = Logs.lastSegment(dir);
        byte[] grown = Arrays.copyOf(full, full.length + 4096); // the size grew, the data never landed
        Logs.write(segment, grown);
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertEquals(5, log.lastSeq());
            assertEquals(List.of(new RecoveryReport.Cut(segment, full.length, 4096, "torn tail: 4096 zero bytes")),
                    log.recoveryReport().cuts());
            assertEquals(6, log.append(TestEntries.entry(6)));
        }
        assertEquals(6, reopenLastSeq());
    }

    @Test
    void reopen_zerosOverThePartOfTheLastRecord_cutThatRecord() {
        byte[] full = writeLog(5);
        List<Integer> starts = Logs.lineStarts(full);
        int last = starts.get(starts.size() - 1);
        byte[] torn = Arrays.copyOf(full, full.length + 512);
        Arrays.fill(torn, last + 10, torn.length, (byte) 0);
        Logs.write(Logs.lastSegment(dir), torn);
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertEquals(4, log.lastSeq());
            assertEquals(last, log.recoveryReport().cuts().get(0).offset());
            assertEquals(appended.get(3), log.read(4).orElseThrow());
        }
    }

    @Test
    void reopen_garbageAfterTheLastRecord_isATornTailNotCorruption() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            appended.clear();
            deleteAll();
            byte[] full = writeLog(4);
            byte[] garbage = new byte[1 + random.nextInt(3000)];
            random.nextBytes(garbage);
            if (round % 2 == 0) {
                for (int i = 0; i < garbage.length; i += 1 + random.nextInt(200)) {
                    garbage[i] = '\n'; // garbage that looks like several lines
                }
            }
            byte[] torn = Arrays.copyOf(full, full.length + garbage.length);
            System.arraycopy(garbage, 0, torn, full.length, garbage.length);
            Logs.write(Logs.lastSegment(dir), torn);
            try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
                assertEquals(4, log.lastSeq(), "round " + round);
                assertEquals(full.length, log.recoveryReport().cuts().get(0).offset());
                assertEquals(garbage.length, log.recoveryReport().cuts().get(0).bytes());
                assertEquals(5, log.append(TestEntries.entry(5)));
                assertEquals(appended.get(3), log.read(4).orElseThrow());
            }
        }
    }

    @Test
    void reopen_newSegmentWithATornHeader_isDeleted() {
        for (int keep = 0; keep < 60; keep += 7) {
            appended.clear();
            deleteAll();
            try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
                log.append(TestEntries.batch(1, 3));
                log.rotate().join();
            }
            Path fresh = Logs.lastSegment(dir);
            assertEquals("00000000000000000004.wal", fresh.getFileName().toString());
            byte[] header = Logs.read(fresh);
            Logs.write(fresh, Arrays.copyOf(header, Math.min(keep, header.length - 1)));
            try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
                assertEquals(List.of(fresh), log.recoveryReport().deletedSegments());
                assertEquals(3, log.lastSeq());
                assertEquals(4, log.append(TestEntries.entry(4)));
            }
            assertEquals(4, reopenLastSeq());
        }
    }

    private long reopenLastSeq() {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            return log.lastSeq();
        }
    }

    private void deleteAll() {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
