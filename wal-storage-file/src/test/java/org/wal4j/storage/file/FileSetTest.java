package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.CorruptionPolicy;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.storage.file.FaultInjectingFileSystem.CrashMode;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 16: an operator's hands on real files ({@link HostileOperator}). For each action
 * the log must name the file it concerns: {@code FAIL} refuses to open; {@code QUARANTINE} sets aside
 * only what is foreign or not a regular file, puts renamed genuine segments back, keeps every
 * acknowledged entry still present in a genuine file, and never issues an acknowledged seq again.
 */
class FileSetTest {
    private static final int ENTRIES = 80;

    @TempDir
    Path root;
    private Path dir;
    private HostileOperator operator;
    private final Map<Long, WalEntry> acked = new TreeMap<>();
    private long lastAcked;

    private FileStorageConfig config(CorruptionPolicy policy) {
        return FileStorageConfig.builder(dir).segmentBytes(4096).corruptionPolicy(policy).build();
    }

    @BeforeEach
    void writeLog() {
        dir = root.resolve("log");
        operator = new HostileOperator(dir);
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            for (int i = 1; i <= ENTRIES; i++) {
                WalEntry e = TestEntries.sized(i, 150);
                long seq = log.append(e);
                acked.put(seq, e.withSeq(seq));
                lastAcked = seq;
            }
        }
        assertTrue(Logs.segments(dir).size() >= 6, Logs.names(dir).toString());
    }

    private long firstSeqOf(int segment) {
        return SegmentFile.seqOf(operator.segment(segment).getFileName().toString());
    }

    /** Seqs held by segment {@code index} as written. */
    private LongPredicate inSegment(int index, long firstSeq, long nextFirstSeq) {
        return seq -> seq >= firstSeq && seq < nextFirstSeq;
    }

    private WalCorruptionException refusedUnder(CorruptionPolicy policy, Path file, String fragment) {
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> FileWalStorage.open(config(policy)).close());
        assertEquals(file, e.file(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Log file set damaged at " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        System.out.println(policy + " refused: " + e.getMessage());
        return e;
    }

    /**
     * Opens under QUARANTINE: the file-set problems name {@code file}; every acknowledged entry not
     * in {@code lost} reads back; an append gets a seq above every acknowledged one.
     */
    private void quarantineKeeps(Path file, LongPredicate lost) {
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.QUARANTINE))) {
            RecoveryReport report = log.recoveryReport();
            System.out.println("QUARANTINE: " + report.fileSetProblems());
            assertTrue(report.fileSetProblems().stream().anyMatch(p -> p.startsWith(file.getFileName() + ": ")),
                    report.toString());
            for (WalEntry e : acked.values()) {
                if (!lost.test(e.seq())) {
                    assertEquals(Optional.of(e), log.read(e.seq()), "entry " + e.seq());
                }
            }
            long next = log.append(TestEntries.entry(1000));
            assertTrue(next > lastAcked, "seq " + next + " issued again (last acknowledged " + lastAcked + ")");
        }
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            assertTrue(log.recoveryReport().fileSetProblems().isEmpty(), log.recoveryReport().toString());
        }
    }

    @Test
    void deletedMiddleSegment_isNamed_failRefuses_quarantineKeepsTheRest() throws IOException {
        Path victim = operator.segment(2);
        LongPredicate lost = inSegment(2, firstSeqOf(2), firstSeqOf(3));
        operator.delete(victim);
        refusedUnder(CorruptionPolicy.FAIL, victim, "listed in the MANIFEST but missing");
        quarantineKeeps(victim, lost);
    }

    @Test
    void closedSegmentCutAtALineEnd_isNamed_failRefuses_quarantineKeepsTheRest() throws IOException {
        Path victim = operator.segment(1);
        long first = firstSeqOf(1);
        long next = firstSeqOf(2);
        operator.truncateAtLineEnd(victim, 2); // the header and the first entry
        refusedUnder(CorruptionPolicy.FAIL, victim, "but the MANIFEST lists it closed at");
        quarantineKeeps(victim, seq -> seq > first && seq < next);
    }

    @Test
    void directoryInASegmentsPlace_isNamed_andSetAside() throws IOException {
        Path victim = operator.segment(2);
        LongPredicate lost = inSegment(2, firstSeqOf(2), firstSeqOf(3));
        operator.replaceByDirectory(victim);
        refusedUnder(CorruptionPolicy.FAIL, victim, "is a directory, not the regular segment file the log wrote");
        quarantineKeeps(victim, lost);
        assertTrue(Files.isDirectory(victim.resolveSibling(victim.getFileName() + ".quarantine")));
    }

    @Test
    void fifoInASegmentsPlace_isNamed_andSetAside() throws Exception {
        Path victim = operator.segment(2);
        LongPredicate lost = inSegment(2, firstSeqOf(2), firstSeqOf(3));
        operator.replaceByFifo(victim);
        refusedUnder(CorruptionPolicy.FAIL, victim, "is a fifo, socket or device, not the regular segment file the log wrote");
        quarantineKeeps(victim, lost);
    }

    @Test
    void symlinkToAValidCopy_isNamed_failRefuses_quarantineCopiesItIn() throws IOException {
        Path victim = operator.segment(2);
        Path elsewhere = root.resolve("other-volume").resolve(victim.getFileName());
        operator.replaceBySymlinkTo(victim, elsewhere);
        refusedUnder(CorruptionPolicy.FAIL, victim, "is a symbolic link to " + elsewhere);
        quarantineKeeps(victim, seq -> false);
        assertTrue(Files.isRegularFile(victim, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void lastSegmentADanglingSymlink_isRefusedUnderEveryPolicy_untilItIsBack() throws IOException {
        Path last = Logs.lastSegment(dir);
        operator.replaceByDanglingSymlink(last, root.resolve("unmounted").resolve(last.getFileName()));
        refusedUnder(CorruptionPolicy.FAIL, last, "which does not exist (dangling)");
        refusedUnder(CorruptionPolicy.QUARANTINE, last, "put it back");
        // the volume comes back: the log opens with everything, and goes on after the last seq
        Files.delete(last);
        Files.move(last.resolveSibling(last.getFileName() + ".saved-by-operator"), last);
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            acked.values().forEach(e -> assertEquals(Optional.of(e), log.read(e.seq())));
            assertEquals(lastAcked + 1, log.append(TestEntries.entry(1000)));
        }
    }

    @Test
    void lastSegmentRenamedHigher_isNamed_neverDeleted_quarantineRenamesItBack() throws IOException {
        Path last = Logs.lastSegment(dir);
        String higher = SegmentFile.fileName(new SegmentFile.Id(SegmentFile.seqOf(last.getFileName().toString()) + 3, 0));
        Path renamed = operator.rename(last, higher);
        refusedUnder(CorruptionPolicy.FAIL, renamed, "holds segment " + last.getFileName());
        assertTrue(Files.exists(renamed), "FAIL must change nothing");
        quarantineKeeps(renamed, seq -> false);
        assertTrue(Files.exists(last));
    }

    @Test
    void strayCopyOfAnOldSegmentUnderAnUnusedName_isNamed_andOnlyItIsSetAside() throws IOException {
        long unused = firstSeqOf(2) + 1;
        assertTrue(unused < firstSeqOf(3));
        Path copy = operator.copy(operator.segment(0), SegmentFile.fileName(new SegmentFile.Id(unused, 0)));
        refusedUnder(CorruptionPolicy.FAIL, copy, "not listed in the MANIFEST: its header says it is segment "
                + operator.segment(0).getFileName());
        quarantineKeeps(copy, seq -> false);
        assertFalse(Files.exists(copy));
        assertTrue(Files.exists(copy.resolveSibling(copy.getFileName() + ".quarantine")));
    }

    @Test
    void twoSegmentsSwapped_areNamed_andQuarantinePutsThemBack() throws IOException {
        Path a = operator.segment(1);
        Path b = operator.segment(2);
        operator.swap(a, b);
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> FileWalStorage.open(config(CorruptionPolicy.FAIL)).close());
        assertTrue(e.file().equals(a) || e.file().equals(b), e.getMessage());
        assertTrue(e.getMessage().contains("renamed or re-ordered"), e.getMessage());
        quarantineKeeps(e.file(), seq -> false);
    }

    @Test
    void logOfFormatVersion1_opensAndIsUpgraded_thenKnowsItsFileSet() throws IOException {
        for (Path segment : Logs.segments(dir)) {
            byte[] content = Files.readAllBytes(segment);
            int headerEnd = Logs.lineStarts(content).get(1);
            String rest = new String(content, LineCodec.REST_OFFSET, headerEnd - 1 - LineCodec.REST_OFFSET,
                    StandardCharsets.UTF_8);
            assertTrue(rest.startsWith("\"type\":\"header\",\"version\":2,"), rest);
            byte[] json = ("{" + rest.replace("\"version\":2,", "\"version\":1,")).getBytes(StandardCharsets.UTF_8);
            byte[] v1Header = LineCodec.frameObject(json, json.length);
            byte[] out = Arrays.copyOf(v1Header, v1Header.length + content.length - headerEnd);
            System.arraycopy(content, headerEnd, out, v1Header.length, content.length - headerEnd);
            Files.write(segment, out);
        }
        Files.delete(Manifest.path(dir));
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            acked.values().forEach(e -> assertEquals(Optional.of(e), log.read(e.seq())));
            assertEquals(lastAcked + 1, log.append(TestEntries.entry(1000)));
        }
        assertTrue(Files.isRegularFile(Manifest.path(dir)), "upgraded: the manifest is written");
        Path victim = operator.segment(2);
        operator.delete(victim);
        refusedUnder(CorruptionPolicy.FAIL, victim, "listed in the MANIFEST but missing");
    }

    /** Item 7: the new directory's own entry is forced (its parent fsynced) before the log is used. */
    @Test
    void newLogDirectory_survivesAPowerLoss_becauseItsParentIsSynced() {
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(7);
        Path fresh = root.resolve("new-parent").resolve("new-log");
        FileStorageConfig config = FileStorageConfig.builder(fresh).fileSystem(fs).build();
        long seq;
        WalEntry entry = TestEntries.entry(1);
        try (FileWalStorage log = FileWalStorage.open(config)) {
            seq = log.append(entry);
        }
        fs.crash(CrashMode.DROP_UNSYNCED);
        fs.reboot();
        assertTrue(Files.isDirectory(fresh), "the log directory vanished in the power loss");
        try (FileWalStorage log = FileWalStorage.open(config)) {
            assertEquals(Optional.of(entry.withSeq(seq)), log.read(seq));
        }
    }
}
