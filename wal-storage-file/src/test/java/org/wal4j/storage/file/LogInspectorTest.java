package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.testing.TestEntries;

class LogInspectorTest {
    @TempDir
    Path dir;

    private void write(int entries) {
        try (FileWalStorage s = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            s.append(TestEntries.batch(1, entries));
            s.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, TestEntries.T0),
                    new StatusRecord(2, "primary", EntryStatus.DEAD, 3, TestEntries.T0, "no")));
            s.saveCheckpoint("primary", 1).join();
        }
    }

    /** Every file's name and content. */
    private Map<String, String> snapshot() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.collect(Collectors.toMap(f -> f.getFileName().toString(), f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, (a, b) -> a, TreeMap::new));
        }
    }

    @Test
    void open_readsIndexCheckpointsAndEntries_withoutChangingAnyFile() throws IOException {
        write(5);
        Map<String, String> before = snapshot();

        try (LogInspector log = LogInspector.open(dir)) {
            assertEquals(5, log.lastSeq());
            assertEquals(5, log.entries());
            assertEquals(4, log.unfinished());
            assertEquals(3, log.unfinished("primary"));
            assertEquals(1, log.deadLetterCount("primary"));
            assertEquals(Map.of("primary", 1L), log.checkpoints());
            assertEquals(List.of("primary"), log.targets());
            assertEquals(List.of(3L, 4L, 5L), log.unfinished("primary", 0, 10).stream().map(t -> t.entry().seq())
                    .toList());
            assertEquals("no", log.deadLetters("primary", 0, 10).get(0).reason());
            WalEntry third = log.read(3).orElseThrow();
            assertEquals(Map.of("primary", EntryStatus.PENDING), log.statuses(third));
            assertEquals(Map.of("primary", EntryStatus.APPLIED), log.statuses(log.read(1).orElseThrow()));
            try (Stream<WalEntry> all = log.scan(1)) {
                assertEquals(List.of(1L, 2L, 3L, 4L, 5L), all.map(WalEntry::seq).toList());
            }
            assertEquals(List.of(), log.notes());
            assertEquals(0, log.inFlightBytes());
        }
        assertEquals(before, snapshot());
    }

    @Test
    void partialLastLine_isInFlight_notCut() throws IOException {
        write(3);
        Path segment = dir.resolve("00000000000000000001.wal");
        Files.write(segment, "{\"crc\":\"12345678\",\"type\":\"entry\",\"se".getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.APPEND);
        Map<String, String> before = snapshot();

        try (LogInspector log = LogInspector.open(dir)) {
            assertEquals(3, log.lastSeq());
            assertEquals(36, log.inFlightBytes());
            assertEquals(List.of(), log.notes());
        }
        assertEquals(before, snapshot());
    }

    @Test
    void compactionTempFileAndSegmentBeingCreated_areLeftOutAndMentioned_andKept() throws IOException {
        write(3);
        Files.write(dir.resolve("00000000000000000001.wal.tmp"), new byte[] {'{'});
        Files.write(dir.resolve("00000000000000000004.wal"), "{\"crc\":\"0000".getBytes(StandardCharsets.US_ASCII));
        Map<String, String> before = snapshot();

        try (LogInspector log = LogInspector.open(dir)) {
            assertEquals(3, log.lastSeq());
            assertEquals(1, log.segments().size());
            assertEquals(List.of("compaction in progress: 00000000000000000001.wal.tmp is being written",
                    "segment 00000000000000000004.wal is being created (no complete header line yet)"), log.notes());
        }
        assertEquals(before, snapshot());
    }

    @Test
    void tornLineAtTheEnd_isReportedAsWhatTheNextOpenCuts() throws IOException {
        write(3);
        Path segment = dir.resolve("00000000000000000001.wal");
        long size = Files.size(segment);
        Files.write(segment, "garbage\n".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        Map<String, String> before = snapshot();

        try (LogInspector log = LogInspector.open(dir)) {
            assertEquals(List.of("the next open for writing cuts 8 bytes at offset " + size
                    + " of 00000000000000000001.wal (torn tail: a line without a checksum frame)"), log.notes());
        }
        assertEquals(before, snapshot());
    }

    @Test
    void corruption_isReportedAsOpeningReportsIt_andNothingChanges() throws IOException {
        write(4);
        Path segment = dir.resolve("00000000000000000001.wal");
        byte[] bytes = Files.readAllBytes(segment);
        int second = 0;
        for (int i = 0, lines = 0; i < bytes.length && lines < 2; i++) {
            if (bytes[i] == '\n') {
                lines++;
                second = i + 1;
            }
        }
        bytes[second + 30] ^= 1;
        Files.write(segment, bytes);
        Map<String, String> before = snapshot();

        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> LogInspector.open(dir));

        assertTrue(e.getMessage().startsWith("Corrupt record in " + segment + " at offset " + second + ": stored "
                + "checksum is "), e.getMessage());
        assertEquals(before, snapshot());
    }

    @SuppressWarnings("try") // the storage is opened only for the lock it holds; the body never uses it
    @Test
    void lockHolder_statesAsTheLockFileTellsThem() throws IOException {
        assertEquals(LockHolder.State.NEVER_OPENED, LockHolder.read(dir).state());
        assertEquals("never opened for writing (no LOCK file)", LockHolder.read(dir).describe());
        write(2);
        LockHolder closed = LockHolder.read(dir);
        assertEquals(LockHolder.State.NOT_HELD, closed.state());
        assertEquals(ProcessHandle.current().pid(), closed.pid());
        try (FileWalStorage open = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            LockHolder held = LockHolder.read(dir);
            assertTrue(held.held());
            assertEquals("held by " + held.holder(), held.describe());
        }
        Files.writeString(dir.resolve("LOCK"), "pid 1 on host elsewhere.example since 2026-01-01T00:00:00Z\n");
        LockHolder other = LockHolder.read(dir);
        assertEquals(LockHolder.State.UNKNOWN, other.state());
        assertFalse(other.held());
        assertEquals("unknown: the LOCK file names pid 1 on host elsewhere.example since 2026-01-01T00:00:00Z, "
                + "another host", other.describe());
    }

    @Test
    void verifier_reportsEveryProblem_withFileAndOffset() throws IOException {
        write(4);
        Path segment = dir.resolve("00000000000000000001.wal");
        byte[] bytes = Files.readAllBytes(segment);
        int[] starts = new int[8];
        for (int i = 0, line = 1; i < bytes.length && line < starts.length; i++) {
            if (bytes[i] == '\n') {
                starts[line++] = i + 1;
            }
        }
        bytes[starts[1] + 25] ^= 1; // entry 1
        bytes[starts[3] + 25] ^= 1; // entry 3
        Files.write(segment, bytes);
        Files.copy(segment, dir.resolve("00000000000000000009.wal")); // header says firstSeq 1

        VerifyReport report = LogVerifier.verify(dir);

        assertFalse(report.ok());
        List<String> problems = report.problems().stream().map(p -> p.file().getFileName() + "@" + p.offset())
                .toList();
        assertEquals(List.of("00000000000000000009.wal@-1", "00000000000000000001.wal@" + starts[1], "00000000000000000001.wal@" + starts[3],
                "00000000000000000009.wal@0", "00000000000000000009.wal@" + starts[1],
                "00000000000000000009.wal@" + starts[2], "00000000000000000009.wal@" + starts[3],
                "00000000000000000009.wal@" + starts[4]), problems);
        assertEquals("the header's firstSeq 1 does not match the file name (9)", report.problems().get(3).description());
        assertTrue(report.problems().get(0).description().startsWith("file set: not listed in the MANIFEST: its header "
                + "says it is segment 00000000000000000001.wal created "), report.problems().get(0).description());
        assertEquals("entry seq 2 is not above the previous entry's seq 4", report.problems().get(5).description());
    }
}
