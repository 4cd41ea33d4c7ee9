package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.CorruptionPolicy;
import org.wal4j.WalCorruptionException;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 3: a flipped bit in a segment that is not the torn tail. FAIL refuses to open
 * naming file, offset and both checksums; QUARANTINE copies the damaged line aside, drops it and
 * goes on, and the next open is clean.
 */
class CorruptionTest {
    @TempDir
    Path dir;

    private FileStorageConfig config(CorruptionPolicy policy) {
        return FileStorageConfig.builder(dir).segmentBytes(2048).corruptionPolicy(policy).build();
    }

    /** 40 small entries over several segments; returns the segments. */
    private List<Path> writeLog() {
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            for (int i = 1; i <= 40; i++) {
                log.append(TestEntries.entry(i));
            }
        }
        List<Path> segments = Logs.segments(dir);
        assertTrue(segments.size() >= 3, "segments: " + segments);
        return segments;
    }

    /** Flips one bit inside the payload part of line {@code line} of {@code file}; returns the line's offset. */
    private static int flipInLine(Path file, int line, Random random) {
        byte[] content = Logs.read(file);
        List<Integer> starts = Logs.lineStarts(content);
        int start = starts.get(line);
        int end = line + 1 < starts.size() ? starts.get(line + 1) - 1 : content.length - 1;
        int at = start + 18 + random.nextInt(end - start - 18);
        int bit = random.nextInt(8);
        byte flipped = (byte) (content[at] ^ (1 << bit));
        if (flipped == '\n' || flipped == 0) {
            flipped = (byte) (content[at] ^ (1 << ((bit + 1) % 8)));
        }
        content[at] = flipped;
        Logs.write(file, content);
        return start;
    }

    private static long crcOfLine(byte[] content, int start) {
        int end = start;
        while (content[end] != '\n') {
            end++;
        }
        CRC32C crc = new CRC32C();
        crc.update(content, start + 18, end - start - 18);
        return crc.getValue();
    }

    @Test
    void fail_refusesToOpen_namingFileOffsetAndChecksums() {
        Random random = new Random(7);
        for (int round = 0; round < 10; round++) {
            List<Path> segments = writeLog();
            Path closed = segments.get(random.nextInt(segments.size() - 1));
            byte[] before = Logs.read(closed);
            int offset = flipInLine(closed, 1 + random.nextInt(Logs.lineStarts(before).size() - 1), random);
            long stored = Long.parseLong(new String(before, offset + 8, 8, java.nio.charset.StandardCharsets.US_ASCII),
                    16);
            long computed = crcOfLine(Logs.read(closed), offset);
            WalCorruptionException e = assertThrows(WalCorruptionException.class,
                    () -> FileWalStorage.open(config(CorruptionPolicy.FAIL)));
            assertEquals(String.format("Corrupt record in %s at offset %d: stored checksum is %08x but computed "
                    + "checksum is %08x", closed, offset, stored, computed), e.getMessage());
            assertEquals(closed, e.file());
            assertEquals(offset, e.offset());
            // nothing was changed, and the lock was released
            assertFalse(Arrays.equals(before, Logs.read(closed)));
            Logs.write(closed, before);
            try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
                assertEquals(40, log.lastSeq());
            }
            clear();
        }
    }

    @Test
    void fail_damageInTheLastSegmentFollowedByGoodLines_isCorruptionNotATornTail() {
        writeLog();
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            log.append(TestEntries.batch(41, 3));
        }
        List<Path> segments = Logs.segments(dir);
        Path last = segments.get(segments.size() - 1);
        int lines = Logs.lineStarts(Logs.read(last)).size();
        assertTrue(lines >= 3);
        int offset = flipInLine(last, 1, new Random(3));
        WalCorruptionException e = assertThrows(WalCorruptionException.class,
                () -> FileWalStorage.open(config(CorruptionPolicy.FAIL)));
        assertEquals(last, e.file());
        assertEquals(offset, e.offset());
    }

    @Test
    void quarantine_setsTheDamagedLineAside_andGoesOn() throws Exception {
        List<Path> segments = writeLog();
        Path closed = segments.get(1);
        byte[] before = Logs.read(closed);
        int line = 2;
        int offset = flipInLine(closed, line, new Random(11));
        byte[] damaged = Logs.read(closed);
        int lineEnd = Logs.lineStarts(damaged).get(line + 1);
        long lostSeq = SegmentFile.seqOf(closed.getFileName().toString()) + line - 1;
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.QUARANTINE))) {
            RecoveryReport report = log.recoveryReport();
            assertEquals(1, report.quarantined().size(), report.toString());
            RecoveryReport.Quarantined q = report.quarantined().get(0);
            assertEquals(closed, q.file());
            assertEquals(offset, q.offset());
            assertEquals(lineEnd - offset, q.bytes());
            assertEquals(dir.resolve(closed.getFileName() + "." + offset + ".quarantine"), q.quarantineFile());
            assertTrue(q.problem().matches("checksum mismatch: stored [0-9a-f]{8}, computed [0-9a-f]{8}"), q.problem());
            assertArrayEquals(Arrays.copyOfRange(damaged, offset, lineEnd), Files.readAllBytes(q.quarantineFile()));
            assertEquals(Optional.empty(), log.read(lostSeq));
            assertEquals(39, log.stats().entries(), report + " " + log.stats());
            for (long seq = 1; seq <= 40; seq++) {
                if (seq != lostSeq) {
                    assertEquals(TestEntries.entry((int) seq).payload(), log.read(seq).orElseThrow().payload());
                }
            }
            assertEquals(before.length - (lineEnd - offset), Logs.read(closed).length, "the segment was rewritten");
            assertEquals(41, log.append(TestEntries.entry(41)));
            assertEquals(40, log.unfinished("primary", 0, 100).size());
        }
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(41, log.lastSeq());
        }
    }

    @Test
    void quarantine_damagedHeaderOfAClosedSegment_isReplacedAndTheLinesKept() {
        List<Path> segments = writeLog();
        Path closed = segments.get(1);
        int offset = flipInLine(closed, 0, new Random(5));
        assertEquals(0, offset);
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.QUARANTINE))) {
            assertEquals(1, log.recoveryReport().quarantined().size());
            assertEquals(40, log.stats().entries());
            assertEquals(40, log.read(1, 40, 100).size());
        }
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
        }
    }

    @Test
    void read_ofALineDamagedAfterOpen_throwsCorruptionNamingFileAndOffset() {
        List<Path> segments = writeLog();
        try (FileWalStorage log = FileWalStorage.open(config(CorruptionPolicy.FAIL))) {
            Path closed = segments.get(0);
            int offset = flipInLine(closed, 1, new Random(9));
            WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> log.read(1));
            assertEquals(closed, e.file());
            assertEquals(offset, e.offset());
            assertEquals(TestEntries.entry(40).payload(), log.read(40).orElseThrow().payload());
        }
    }

    private void clear() {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
