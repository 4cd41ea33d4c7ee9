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
import java.time.Instant;
import org.wal4j.EntryStatus;
import org.wal4j.spi.StatusRecord;
import org.wal4j.testing.WalStorageContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.testing.TestEntries;
import org.wal4j.WalIOException;

/**
 * How {@code wal verify} judges what it finds at the end of a segment and between segments: what
 * opening the log would cut or what compaction removes is a note; acknowledged data that is gone
 * or damaged is a problem, with the file and offset.
 */
class LogVerifierTest {
    @TempDir
    Path dir;

    /** Entries 1..{@code entries}, one per 1 KiB segment: segment file {@code i} holds entry {@code i}. */
    private void writeOnePerSegment(int entries) {
        try (FileWalStorage s = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(1024).build())) {
            for (int i = 1; i <= entries; i++) {
                s.append(List.of(TestEntries.sized(i, 400)));
            }
        }
    }

    private Path segment(long firstSeq) {
        return dir.resolve(String.format("%020d.wal", firstSeq));
    }

    /** Start of the last line in {@code bytes}, which end with a line break. */
    private static int lastLineStart(byte[] bytes) {
        int i = bytes.length - 2;
        while (bytes[i] != '\n') {
            i--;
        }
        return i + 1;
    }

    private static List<String> problems(VerifyReport report) {
        return report.problems().stream().map(p -> p.file().getFileName() + "@" + p.offset() + ": " + p.description())
                .toList();
    }

    @Test
    void verify_ofAMissingDirectory_throwsNamingIt() {
        WalIOException e = assertThrows(WalIOException.class, () -> LogVerifier.verify(dir.resolve("absent")));

        assertEquals("Verifying the log in " + dir.resolve("absent") + " failed: no such directory", e.getMessage());
    }

    @Test
    void verify_aPartialLineAtTheEndOfTheLastSegment_isBeingWritten_notChecked() throws IOException {
        writeOnePerSegment(3);
        Files.write(segment(3), "{\"crc\":\"0".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);

        VerifyReport report = LogVerifier.verify(dir);

        assertTrue(report.ok(), report::toString);
        assertEquals(3, report.entries());
        assertEquals(9, report.inFlightBytes());
        assertEquals(List.of("9 bytes after the last complete line of the last segment not checked: being written "
                + "(or preallocated space)"), report.notes());
    }

    @Test
    void verify_aDamagedLastLineOfTheLastSegment_isATornTail_aNoteNotAProblem() throws IOException {
        writeOnePerSegment(3);
        byte[] bytes = Files.readAllBytes(segment(3));
        int start = lastLineStart(bytes);
        bytes[start + 40] ^= 1;
        Files.write(segment(3), bytes);

        VerifyReport report = LogVerifier.verify(dir);

        assertTrue(report.ok(), report::toString);
        assertEquals(2, report.entries());
        assertEquals(2, report.lastSeq());
        assertEquals(1, report.notes().size(), report.notes()::toString);
        assertTrue(report.notes().get(0).matches("torn tail at offset " + start + " of 00000000000000000003\\.wal "
                + "\\(checksum mismatch: stored [0-9a-f]{8}, computed [0-9a-f]{8}\\): never acknowledged; "
                + "the next open for writing cuts it"), report.notes().get(0));
    }

    @Test
    void verify_zerosAfterTheLastLineOfAClosedSegment_arePreallocatedSpace_aNote() throws IOException {
        writeOnePerSegment(3);
        long size = Files.size(segment(1));
        Files.write(segment(1), new byte[64], StandardOpenOption.APPEND);

        VerifyReport report = LogVerifier.verify(dir);

        assertTrue(report.ok(), report::toString);
        assertEquals(3, report.entries());
        assertEquals(List.of("preallocated zeros at offset " + size + " of closed segment 00000000000000000001.wal; "
                + "the next open for writing cuts them"), report.notes());
    }

    @Test
    void verify_aDamagedLastLineOfAClosedSegment_isAProblem_acknowledgedDataIsDamaged() throws IOException {
        writeOnePerSegment(3);
        byte[] bytes = Files.readAllBytes(segment(1));
        int start = lastLineStart(bytes);
        bytes[start + 40] ^= 1;
        Files.write(segment(1), bytes);

        VerifyReport report = LogVerifier.verify(dir);

        assertFalse(report.ok());
        assertEquals(1, report.problems().size(), problems(report)::toString);
        VerifyReport.Problem p = report.problems().get(0);
        assertEquals(segment(1), p.file());
        assertEquals(start, p.offset());
        assertTrue(p.description().startsWith("checksum mismatch: stored "), p.description());
        assertEquals(List.of(), report.notes(), "the damage is the gap before entry 2, not a second finding");
    }

    @Test
    void verify_seqsMissingAtOrBelowTheHighestCheckpoint_areCompactedAway_aNote() throws IOException {
        writeOnePerSegment(6);
        try (FileWalStorage s = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(1024).build())) {
            s.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, WalStorageContract.AT),
                    StatusRecord.of(3, "primary", EntryStatus.APPLIED, 1, WalStorageContract.AT)));
            s.saveCheckpoint("primary", 3).join();
            s.compact(3, Instant.MAX);
        }
        assertFalse(Files.exists(segment(1)), "compacted away");
        assertFalse(Files.exists(segment(3)), "compacted away");

        VerifyReport report = LogVerifier.verify(dir);

        assertTrue(report.ok(), problems(report)::toString);
        assertEquals(4, report.entries());
        assertEquals(2, report.firstSeq());
        assertEquals(List.of("2 seqs in 2 ranges compacted away (all at or below the highest checkpoint, 3)"),
                report.notes());
    }

    @Test
    void verify_seqsMissingAboveEveryCheckpoint_areAProblem() throws IOException {
        writeOnePerSegment(6);
        try (FileWalStorage s = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(1024).build())) {
            s.saveCheckpoint("primary", 3).join();
        }
        Files.delete(segment(2));
        Files.delete(segment(4));
        Files.delete(segment(5));

        VerifyReport report = LogVerifier.verify(dir);

        assertEquals(List.of("00000000000000000002.wal@-1: file set: listed in the MANIFEST but missing",
                "00000000000000000004.wal@-1: file set: listed in the MANIFEST but missing",
                "00000000000000000005.wal@-1: file set: listed in the MANIFEST but missing",
                "00000000000000000006.wal@" + firstEntryOffset(segment(6))
                + ": seqs 4..5 missing before this entry (above every checkpoint, so not compacted)"), problems(report));
        assertEquals(List.of("1 seqs in 1 range compacted away (all at or below the highest checkpoint, 3)"),
                report.notes());
    }

    @Test
    void verify_aSeqMissingInTheSegmentBeingWritten_isAProblem() throws IOException {
        try (FileWalStorage s = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            s.append(TestEntries.batch(1, 3));
        }
        Path only = segment(1);
        List<String> lines = Files.readAllLines(only, StandardCharsets.UTF_8);
        assertTrue(lines.get(2).contains("\"seq\":2"), lines.get(2));
        lines.remove(2);
        Files.write(only, lines, StandardCharsets.UTF_8);

        VerifyReport report = LogVerifier.verify(dir);

        long third = (lines.get(0) + "\n" + lines.get(1) + "\n").getBytes(StandardCharsets.UTF_8).length;
        assertEquals(List.of("00000000000000000001.wal@" + third + ": seq 2 missing before this entry "
                + "(in the segment being written, which compaction never touches)"), problems(report));
    }

    @Test
    void verify_anEmptyClosedSegmentFile_isAProblem() throws IOException {
        writeOnePerSegment(3);
        long closedLength = Files.size(segment(2));
        Files.write(segment(2), new byte[0]);

        VerifyReport report = LogVerifier.verify(dir);

        assertEquals(List.of("00000000000000000002.wal@-1: file set: is 0 bytes but the MANIFEST lists it closed at "
                        + closedLength + " bytes up to seq 2: cut or changed since it was closed",
                "00000000000000000002.wal@0: empty segment file: no header line",
                "00000000000000000003.wal@" + firstEntryOffset(segment(3))
                        + ": seq 2 missing before this entry (above every checkpoint, so not compacted)"),
                problems(report));
    }

    /** Offset of the line after the header. */
    private static long firstEntryOffset(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int i = 0;
        while (bytes[i] != '\n') {
            i++;
        }
        return i + 1;
    }
}
