package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.SyncPolicy;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.WalLockedException;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.TestEntries;
import org.wal4j.testing.WalStorageContract;

/** Behaviour of the file log beyond the shared contract: format, segments, policies, lock. */
class FileWalStorageTest {
    @TempDir
    Path dir;

    private FileWalStorage open(FileStorageConfig.Builder b) {
        return FileWalStorage.open(b.build());
    }

    @Test
    void everyLine_isJsonWithAChecksumOverItsRest() throws Exception {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            log.append(TestEntries.full(1));
            log.appendStatus(List.of(new StatusRecord(1, "primary", EntryStatus.RETRYING, 1, WalStorageContract.AT,
                    "timeout \"db\"")));
            log.saveCheckpoint("replica", 1).join();
        }
        byte[] content = Logs.read(Logs.lastSegment(dir));
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length);
        ObjectMapper mapper = new ObjectMapper();
        String[] types = {"header", "entry", "status", "checkpoint"};
        for (int i = 0; i < lines.length; i++) {
            byte[] line = lines[i].getBytes(StandardCharsets.UTF_8);
            assertEquals("{\"crc\":\"", lines[i].substring(0, 8));
            assertEquals("\",\"type\":", lines[i].substring(16, 25));
            CRC32C crc = new CRC32C();
            crc.update(line, 18, line.length - 18);
            assertEquals(String.format("%08x", crc.getValue()), lines[i].substring(8, 16));
            JsonNode node = mapper.readTree(lines[i]);
            assertEquals(types[i], node.get("type").asText());
        }
        JsonNode entry = mapper.readTree(lines[1]);
        assertEquals(1, entry.get("seq").asLong());
        assertEquals("billing.eu-1", entry.get("namespace").asText());
        assertEquals(7200000, entry.get("lifecycle").get("ttlMs").asLong());
        assertEquals("Grüße 🌍 \"q\" \n", entry.get("payload").get("text").asText());
        assertTrue(lines[1].endsWith(",\"payload\":" + TestEntries.full(1).payload() + "}"));
        assertEquals("timeout \"db\"", mapper.readTree(lines[2]).get("reason").asText());
        assertEquals("00000000000000000001.wal", Logs.lastSegment(dir).getFileName().toString());
    }

    @Test
    void entriesOfSeveralLanes_keepTheirLanesAcrossAReopen_andTheVerifierAcceptsThem() {
        WalEntry transfer = WalEntry.builder("accounts", "transfer").key("A").alsoKeys("B", "C").targets("primary")
                .payloadJson("{\"amount\":500}").createdAt(WalStorageContract.AT).build();
        long seq;
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            log.append(TestEntries.full(1));
            seq = log.append(transfer);
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            WalEntry back = log.read(seq).orElseThrow();
            assertEquals(transfer.withSeq(seq), back);
            assertEquals(List.of(org.wal4j.LaneId.of("accounts", "A"), org.wal4j.LaneId.of("accounts", "B"),
                    org.wal4j.LaneId.of("accounts", "C")), back.lanes());
            List<TrackedEntry> unfinished = log.unfinished("primary", 0, 10);
            assertEquals(back.lanes(), unfinished.get(unfinished.size() - 1).entry().lanes());
            assertEquals(List.of(), TestEntries.full(1).withSeq(1).alsoKeys(), "an entry of one lane has none");
        }
        VerifyReport report = LogVerifier.verify(dir);
        assertTrue(report.ok(), report.toString());
    }

    @Test
    void reopenAfterCleanClose_reportsNothingToRepair() {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            log.append(TestEntries.batch(1, 100));
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            RecoveryReport report = log.recoveryReport();
            assertTrue(report.clean(), report.toString());
            assertEquals(100, report.entries());
            assertEquals(100, report.lastSeq());
            assertEquals(100, report.unfinished());
        }
    }

    @Test
    void rotation_bySize_startsSegmentsNamedByTheirFirstSeq() {
        try (FileWalStorage log = open(FileStorageConfig.builder(dir).segmentBytes(4096))) {
            for (int i = 1; i <= 200; i++) {
                log.append(TestEntries.sized(i, 100));
            }
            List<Path> segments = Logs.segments(dir);
            assertTrue(segments.size() > 5, "segments: " + segments);
            long previous = 0;
            for (Path p : segments) {
                long first = SegmentFile.seqOf(p.getFileName().toString());
                assertTrue(first > previous);
                previous = first;
                long size = Logs.read(p).length;
                assertTrue(size <= 4096 + 400, p + " has " + size + " bytes");
            }
            assertEquals(segments.size(), log.stats().segments());
            for (int i = 1; i <= 200; i++) {
                assertEquals(TestEntries.sized(i, 100).payload(), log.read(i).orElseThrow().payload());
            }
        }
        try (FileWalStorage log = open(FileStorageConfig.builder(dir).segmentBytes(4096))) {
            assertEquals(200, log.lastSeq());
            assertEquals(201, log.append(TestEntries.entry(201)));
            assertEquals(List.of(199L, 200L, 201L), WalStorageContract.seqsOf(log.read(199, 300, 10)));
        }
    }

    @Test
    void rotation_byAge_startsANewSegmentForTheNextEntry() {
        ManualClock clock = ManualClock.atEpochOfTests();
        try (FileWalStorage log = open(FileStorageConfig.builder(dir).clock(clock).segmentMaxAge(Duration.ofMinutes(10)))) {
            log.append(TestEntries.batch(1, 3));
            clock.advance(Duration.ofMinutes(9));
            log.append(TestEntries.entry(4));
            assertEquals(1, Logs.segments(dir).size());
            clock.advance(Duration.ofMinutes(2));
            log.append(TestEntries.entry(5));
            assertEquals(List.of("00000000000000000001.wal", "00000000000000000005.wal"),
                    Logs.segments(dir).stream().map(p -> p.getFileName().toString()).toList());
            assertEquals(5, log.read(1, 10, 10).size());
        }
    }

    @Test
    void preallocation_fillsNewSegmentsAndCutsThemAtRotation() {
        FileStorageConfig.Builder config = FileStorageConfig.builder(dir).segmentBytes(8192).preallocate(true);
        try (FileWalStorage log = open(config)) {
            assertEquals(8192, Logs.read(Logs.lastSegment(dir)).length);
            for (int i = 1; i <= 100; i++) {
                log.append(TestEntries.sized(i, 200));
            }
            List<Path> segments = Logs.segments(dir);
            assertTrue(segments.size() > 2);
            for (Path closed : segments.subList(0, segments.size() - 1)) {
                byte[] content = Logs.read(closed);
                assertTrue(content.length < 8192);
                assertEquals('\n', content[content.length - 1], closed + " ends in its last line");
            }
            assertEquals(8192, Logs.read(Logs.lastSegment(dir)).length);
        }
        try (FileWalStorage log = open(config)) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(100, log.lastSeq());
            assertEquals(101, log.append(TestEntries.entry(101)));
            assertEquals(TestEntries.sized(50, 200).payload(), log.read(50).orElseThrow().payload());
        }
        try (FileWalStorage log = open(config.preallocate(false))) {
            assertEquals(101, log.lastSeq());
            assertEquals(1, log.recoveryReport().cuts().size(), "zeros cut when preallocation is off");
        }
    }

    @Test
    void secondOpener_getsLockedExceptionNamingTheLockFileAndHolder() {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            WalLockedException e = assertThrows(WalLockedException.class,
                    () -> FileWalStorage.open(FileStorageConfig.ofDefaults(dir)));
            assertEquals(dir.resolve("LOCK"), e.lockFile());
            assertTrue(e.getMessage().startsWith("The log directory is locked by another owner (another open "
                    + "FileWalStorage in this JVM, pid " + ProcessHandle.current().pid() + " on host "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; lock file: " + dir.resolve("LOCK")), e.getMessage());
            log.append(TestEntries.entry(1));
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertEquals(1, log.lastSeq());
        }
    }

    @Test
    void closedLog_refusesWritesNamingItsDirectory() {
        FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir));
        log.close();
        WalUnavailableException e = assertThrows(WalUnavailableException.class,
                () -> log.append(TestEntries.entry(1)));
        assertEquals("The log in " + dir + " is closed", e.getMessage());
        assertEquals(org.wal4j.spi.StorageState.CLOSED, log.stats().state());
    }

    @Test
    void always_acknowledgesForcedEntries_andGroupsForces() {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            AppendResult r = log.append(TestEntries.batch(1, 10));
            assertTrue(r.durable());
            assertEquals(10, log.durableSeq());
            assertTrue(log.whenDurable(10).isDone());
            assertEquals(1, log.stats().fsyncs());
            assertEquals(10.0, log.stats().averageGroupSize());
            log.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, WalStorageContract.AT)));
            assertEquals(1, log.stats().fsyncs(), "status records alone never force");
            log.saveCheckpoint("primary", 1).join();
            assertEquals(2, log.stats().fsyncs(), "a checkpoint forces");
        }
    }

    @Test
    void interval_acknowledgesBeforeTheForce_andForcesOnItsTimer() throws Exception {
        try (FileWalStorage log = open(FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.INTERVAL)
                .syncInterval(Duration.ofMillis(20)))) {
            AppendResult r = log.append(List.of(TestEntries.entry(1)));
            assertFalse(r.durable());
            log.whenDurable(1).get(5, TimeUnit.SECONDS);
            assertTrue(log.durableSeq() >= 1);
            assertTrue(log.stats().fsyncs() >= 1);
        }
    }

    @Test
    void none_forcesOnlyOnRotationCheckpointAndSync() throws Exception {
        try (FileWalStorage log = open(FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.NONE)
                .segmentBytes(FileStorageConfig.MIN_SEGMENT_BYTES))) {
            assertFalse(log.append(List.of(TestEntries.entry(1))).durable());
            CompletableFuture<Void> first = log.whenDurable(1);
            Thread.sleep(50);
            assertFalse(first.isDone());
            assertEquals(0, log.stats().fsyncs(), "an append under NONE does not force");

            long seq = 1;
            while (log.stats().segments() == 1) {
                seq = log.append(TestEntries.entry((int) seq + 1));
            }
            first.get(5, TimeUnit.SECONDS);
            log.whenDurable(seq - 1).get(5, TimeUnit.SECONDS);
            long afterRotation = log.stats().fsyncs();
            assertEquals(1, afterRotation, "the rotation forced the closed segment");
            Thread.sleep(50);
            assertFalse(log.whenDurable(seq).isDone(), "nothing forced the new segment's first entry yet");

            log.saveCheckpoint("primary", 1).get(5, TimeUnit.SECONDS);
            log.whenDurable(seq).get(5, TimeUnit.SECONDS);
            long afterCheckpoint = log.stats().fsyncs();
            assertEquals(afterRotation + 1, afterCheckpoint, "a checkpoint forces, and with it what was written");

            long last = log.append(TestEntries.entry((int) seq + 1));
            assertFalse(log.whenDurable(last).isDone());
            log.sync().get(5, TimeUnit.SECONDS);
            log.whenDurable(last).get(5, TimeUnit.SECONDS);
            assertEquals(afterCheckpoint + 1, log.stats().fsyncs(), "sync() forces");
        }
    }

    @Test
    void whenDurable_failsWhenTheLogClosesBeforeTheSeqExists() {
        FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir));
        CompletableFuture<Void> never = log.whenDurable(5);
        log.close();
        assertTrue(never.isCompletedExceptionally());
    }

    @Test
    void blockingCallFromTheWritersOwnStage_isRefusedInsteadOfDeadlocking() throws Exception {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            CompletableFuture<Throwable> seen = new CompletableFuture<>();
            // registered before seq 1 exists, so the writer thread completes it and runs the stage
            log.whenDurable(1).thenRun(() -> {
                try {
                    log.append(TestEntries.entry(2));
                    seen.complete(null);
                } catch (Throwable t) {
                    seen.complete(t);
                }
            });
            log.append(TestEntries.entry(1));
            Throwable t = seen.get(5, TimeUnit.SECONDS);
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
            assertEquals(2, log.append(TestEntries.entry(2)));
        }
    }

    @Test
    void payload_isReadBackByteForByte() {
        String payload = "  {\"b\" : [1,2 ,3], \"a\":\"\\u00e9\\\\\"}  ";
        WalEntry entry = WalEntry.builder("ns", "op").payloadJson(payload).targets("primary").build();
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            long seq = log.append(entry);
            assertEquals(payload, log.read(seq).orElseThrow().payload());
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertArrayEquals(payload.getBytes(StandardCharsets.UTF_8),
                    log.read(1).orElseThrow().payload().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void reads_acrossManySegments_useTheSparseIndex() throws Exception {
        try (FileWalStorage log = open(FileStorageConfig.builder(dir).segmentBytes(64 * 1024))) {
            for (int i = 0; i < 20; i++) {
                log.append(TestEntries.batch(i * 100 + 1, 100));
            }
            for (int seq : new int[] {1, 63, 64, 65, 129, 777, 1999, 2000}) {
                assertEquals(TestEntries.entry(seq).payload(), log.read(seq).orElseThrow().payload(), "seq " + seq);
            }
            try (var all = log.scan(1)) {
                assertEquals(2000, all.count());
            }
            assertTrue(Files.list(dir).count() > 3);
        }
    }
    @Test
    void rotation_ofASegmentHoldingOnlyStatusRecords_startsTheNextPartOfItsFirstSeq() throws Exception {
        FileStorageConfig.Builder config = FileStorageConfig.builder(dir).segmentBytes(4096);
        String partWithEntry4;
        try (FileWalStorage log = open(config)) {
            log.append(TestEntries.batch(1, 3));
            log.rotate().join();
            for (int attempt = 1; attempt <= 40; attempt++) {
                for (long seq = 1; seq <= 3; seq++) {
                    log.appendStatus(List.of(new StatusRecord(seq, "primary", EntryStatus.RETRYING, attempt,
                            WalStorageContract.AT, "timeout " + attempt)));
                }
                if (attempt % 13 == 0) {
                    log.saveCheckpoint("primary", attempt / 13).join();
                }
            }
            List<Path> segments = Logs.segments(dir);
            assertTrue(segments.size() >= 5, "segments: " + segments);
            assertEquals("00000000000000000001.wal", segments.get(0).getFileName().toString());
            assertEquals("00000000000000000004.wal", segments.get(1).getFileName().toString());
            ObjectMapper json = new ObjectMapper();
            for (int part = 1; part < segments.size() - 1; part++) {
                Path p = segments.get(part + 1);
                assertEquals(String.format("00000000000000000004_%06d.wal", part), p.getFileName().toString());
                JsonNode header = json.readTree(Files.readAllLines(p).get(0));
                assertEquals(4, header.get("firstSeq").asLong(), p.toString());
                assertEquals(part, header.get("part").asInt(), p.toString());
            }
            for (Path p : segments) {
                assertTrue(Files.size(p) <= 4096, p + " has " + Files.size(p) + " bytes");
            }
            assertEquals(4, log.append(TestEntries.entry(4)));
            partWithEntry4 = Logs.lastSegment(dir).getFileName().toString();
            assertEquals(segments.get(segments.size() - 1).getFileName().toString(), partWithEntry4);
            assertTrue(new String(Logs.read(Logs.lastSegment(dir)), StandardCharsets.UTF_8).contains("\"seq\":4,"),
                    "entry 4 goes into the last part");
            log.append(TestEntries.batch(5, 20));
            SegmentFile.Id last = SegmentFile.idOf(Logs.lastSegment(dir).getFileName().toString());
            assertTrue(last.firstSeq() > 4 && last.part() == 0, "entries after 4 start part-0 segments: " + last);
        }
        VerifyReport verified = LogVerifier.verify(dir);
        assertTrue(verified.ok(), "the read-only verifier understands parts: " + verified);
        assertEquals(24, verified.entries());
        try (LogInspector inspector = LogInspector.open(dir)) {
            assertEquals(Logs.segments(dir).size(), inspector.segments().size());
            assertEquals(24, inspector.unfinished("primary"));
            assertEquals(24, inspector.lastSeq());
        }
        try (FileWalStorage log = open(config)) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(24, log.lastSeq());
            assertEquals(3, log.checkpoint("primary"));
            List<TrackedEntry> unfinished = log.unfinished("primary", 0, 100);
            assertEquals(24, unfinished.size());
            for (int i = 0; i < 3; i++) {
                TrackedEntry t = unfinished.get(i);
                assertEquals(EntryStatus.RETRYING, t.status());
                assertEquals(40, t.attempts());
                assertEquals("timeout 40", t.reason());
            }
            assertEquals(TestEntries.entry(4).payload(), log.read(4).orElseThrow().payload());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), WalStorageContract.seqsOf(log.read(1, 5, 10)));

            // once entries 1..3 are gone, the closed parts hold nothing anyone needs and are deleted
            List<StatusRecord> applied = new ArrayList<>();
            for (long seq = 1; seq <= 3; seq++) {
                applied.add(StatusRecord.of(seq, "primary", EntryStatus.APPLIED, 41, WalStorageContract.AT));
            }
            log.appendStatus(applied);
            log.rotate().join();
            CompactionResult result = log.compact(3, Instant.MAX);
            assertEquals(3, result.entriesDropped());
            assertEquals(List.of(partWithEntry4), Logs.names(dir).stream()
                    .filter(n -> n.startsWith("00000000000000000001") || n.startsWith("00000000000000000004")).toList(),
                    "segment 1 and the status-only parts of 4 are deleted");
            assertEquals(4, log.read(4).orElseThrow().seq());
        }
        try (FileWalStorage log = open(config)) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(21, log.stats().entries());
            assertEquals(25, log.append(TestEntries.entry(25)));
        }
    }

    @Test
    void open_leavesAlone_filesWhoseNamesAreNotSegmentNames() throws Exception {
        try (FileWalStorage log = open(FileStorageConfig.builder(dir))) {
            log.append(TestEntries.entry(1));
        }
        List<String> foreign = List.of("99999999999999999999.wal", "00000000000000000001_000000.wal",
                "00000000000000000001_0000001.wal", "00000000000000000001_99999999999.wal", "1.wal", "notes.txt");
        for (String name : foreign) {
            Files.writeString(dir.resolve(name), "not a segment\n");
        }
        try (FileWalStorage log = open(FileStorageConfig.builder(dir))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(1, log.lastSeq());
            assertEquals(2, log.append(TestEntries.entry(2)));
        }
        for (String name : foreign) {
            assertEquals("not a segment\n", Files.readString(dir.resolve(name)), name);
        }
    }

    @Test
    void recovery_ofAPartWhoseHeaderNamesAnotherPart_isAFileSetProblem() throws Exception {
        FileStorageConfig config = FileStorageConfig.builder(dir).segmentBytes(1024).build();
        try (FileWalStorage log = FileWalStorage.open(config)) {
            log.append(TestEntries.entry(1));
            log.rotate().join();
            for (int i = 1; i <= 30; i++) {
                log.appendStatus(List.of(new StatusRecord(1, "primary", EntryStatus.RETRYING, i,
                        WalStorageContract.AT, "timeout")));
            }
        }
        Path part1 = dir.resolve("00000000000000000002_000001.wal");
        assertTrue(Files.exists(part1), Logs.names(dir).toString());
        Path renamed = dir.resolve("00000000000000000002_000007.wal");
        Files.move(part1, renamed);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> FileWalStorage.open(config));
        assertEquals(renamed, e.file());
        assertEquals(-1, e.offset());
        assertTrue(e.getMessage().startsWith("Log file set damaged at " + renamed + ": holds segment "
                + "00000000000000000002_000001.wal (its header says it is segment 00000000000000000002_000001.wal "
                + "created "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", 0 entry lines): renamed or re-ordered"), e.getMessage());
    }
}
