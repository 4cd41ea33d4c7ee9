package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.testing.ManualClock;

/**
 * The log's byte-level output on its own, without the writer thread or requests: where lines go,
 * when a force happens and whom it tells, when a segment rotates and what the MANIFEST says after,
 * and what a failed call says it was doing.
 */
class SegmentWriterTest {
    private static final long SEGMENT_BYTES = FileStorageConfig.MIN_SEGMENT_BYTES;

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atEpochOfTests();
    private final List<Long> durable = new ArrayList<>();
    private final SegmentSet segments = new SegmentSet();
    private SegmentWriter out;

    @AfterEach
    void closeChannel() throws IOException {
        if (out != null) {
            out.close();
        }
    }

    private SegmentWriter open(WalFileSystem fs, boolean preallocate) throws IOException {
        FileStorageConfig config = FileStorageConfig.builder(dir).fileSystem(fs).clock(clock)
                .segmentBytes(SEGMENT_BYTES).segmentMaxAge(Duration.ofMinutes(1)).preallocate(preallocate).build();
        ActiveSegment first = ActiveSegment.create(fs, dir, new SegmentFile.Id(1, 0), clock.instant(),
                preallocate ? SEGMENT_BYTES : 0);
        segments.add(first.file);
        Manifest manifest = new Manifest(fs, dir, 0, null);
        manifest.write(segments);
        out = new SegmentWriter(config, segments, manifest, first, 0, durable::add);
        return out;
    }

    private SegmentWriter open() throws IOException {
        return open(RealFileSystem.INSTANCE, false);
    }

    private static byte[] body(int bytes) {
        byte[] b = new byte[bytes];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private List<String> manifestNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (Manifest.Listed l : ManifestFile.read(RealFileSystem.INSTANCE, dir).content().segments()) {
            names.add(l.name() + (l.isActive() ? " (active)" : " " + l.length() + " bytes, last seq " + l.lastSeq()));
        }
        return names;
    }

    @Test
    void framedEntries_getGapFreeSeqsAndTheOffsetsTheirLinesAreWrittenAt() throws IOException {
        SegmentWriter out = open();
        long first = out.frameEntry(body(10));
        long second = out.frameEntry(body(20));
        assertEquals(3, out.nextSeq());
        out.flush();
        byte[] file = Files.readAllBytes(dir.resolve(SegmentFile.fileName(new SegmentFile.Id(1, 0))));
        assertEquals(second + LineCodec.entryLineLength(2, body(20)), file.length, "written up to the second line's end");
        assertEquals(first + LineCodec.entryLineLength(1, body(10)), second, "lines back to back");
        String text = new String(file, StandardCharsets.UTF_8);
        assertTrue(text.substring((int) first).matches("(?s)\\{[^\n]*\"type\":\"entry\",\"seq\":1,.*"), text);
        assertTrue(text.substring((int) second).matches("(?s)\\{[^\n]*\"type\":\"entry\",\"seq\":2,.*"), text);
    }

    @Test
    void linesStayInTheBuffer_untilFlushed() throws IOException {
        SegmentWriter out = open();
        Path path = dir.resolve(SegmentFile.fileName(new SegmentFile.Id(1, 0)));
        long header = Files.size(path);
        out.putLine("S 1 primary APPLIED\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(header, Files.size(path));
        assertTrue(out.holdsRecords(), "a buffered line counts as a record");
        out.flush();
        assertEquals(header + 20, Files.size(path));
    }

    @Test
    void force_tellsTheListenerTheLastFramedSeq_andSkipsTheFsyncWhenNothingIsNew() throws IOException {
        SegmentWriter out = open();
        out.frameEntry(body(10));
        out.frameEntry(body(10));
        out.flush();
        assertTrue(out.hasUnforcedWrites());
        out.force();
        assertEquals(1, out.fsyncs());
        assertFalse(out.hasUnforcedWrites());
        out.force();
        assertEquals(1, out.fsyncs(), "nothing written since the last force: no fsync");
        assertEquals(List.of(2L, 2L), durable);
    }

    @Test
    void aLineThatWouldPassTheSegmentSize_rotatesFirst_andTheManifestListsTheNewSegment() throws IOException {
        SegmentWriter out = open();
        long seq = 0;
        while (segments.all().size() == 1) {
            out.frameEntry(body(100));
            seq++;
        }
        out.flush();
        String oldName = SegmentFile.fileName(new SegmentFile.Id(1, 0));
        String newName = SegmentFile.fileName(new SegmentFile.Id(seq, 0));
        long oldLength = Files.size(dir.resolve(oldName));
        assertTrue(oldLength <= SEGMENT_BYTES, "old segment within its size: " + oldLength);
        assertEquals(List.of(oldName + " " + oldLength + " bytes, last seq " + (seq - 1), newName + " (active)"),
                manifestNames());
        assertEquals(1, out.fsyncs(), "the old segment was forced before the new one was started");
        assertEquals(List.of(seq - 1), durable, "everything before the rotation is durable");
    }

    @Test
    void aSegmentHoldingOnlyItsHeader_neverRotates_evenForALineLargerThanASegment() throws IOException {
        SegmentWriter out = open();
        out.frameEntry(body((int) SEGMENT_BYTES * 2));
        out.flush();
        assertEquals(1, segments.all().size());
        out.frameEntry(body(10));
        assertEquals(2, segments.all().size(), "the next line goes to a new segment");
    }

    @Test
    void aPreallocatedSegment_isCutToItsLinesOnRotation() throws IOException {
        SegmentWriter out = open(RealFileSystem.INSTANCE, true);
        Path first = dir.resolve(SegmentFile.fileName(new SegmentFile.Id(1, 0)));
        assertEquals(SEGMENT_BYTES, Files.size(first), "preallocated");
        out.frameEntry(body(10));
        out.flush();
        out.rotate();
        byte[] content = Files.readAllBytes(first);
        assertEquals('\n', content[content.length - 1], "ends with its last line, no zeros");
        assertEquals(1, out.fsyncs(), "the cut segment forced again (a new segment's creation is not counted)");
    }

    @Test
    void aSegmentWithoutEntries_isFollowedByTheNextPartOfTheSameFirstSeq() throws IOException {
        SegmentWriter out = open();
        out.putLine("S 1 primary APPLIED\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        out.rotate();
        String first = SegmentFile.fileName(new SegmentFile.Id(1, 0));
        assertEquals(List.of(first + " " + Files.size(dir.resolve(first)) + " bytes, last seq 0",
                SegmentFile.fileName(new SegmentFile.Id(1, 1)) + " (active)"), manifestNames());
    }

    @Test
    void anExpiredAge_rotatesOnTheBatchsFirstLine_andOnlyOnce() throws IOException {
        SegmentWriter out = open();
        out.frameEntry(body(10));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(out.ageExpired());
        out.startBatch();
        out.frameEntry(body(10));
        out.frameEntry(body(10));
        out.frameEntry(body(10));
        assertEquals(2, segments.all().size(), "one rotation for the age, not one per line");
        assertFalse(out.ageExpired(), "the new segment is young");
        assertEquals(Duration.ofMinutes(1).toNanos(), out.nanosUntilAgeExpires());
    }

    @Test
    void aRotationRequestedInABatchWithAnExpiredAge_leavesTheFreshSegmentAlone() throws IOException {
        SegmentWriter out = open();
        out.frameEntry(body(10));
        clock.advance(Duration.ofMinutes(1));
        out.startBatch();
        out.flush();
        out.rotate(); // a rotation request ahead of the batch's first line
        out.frameEntry(body(10));
        out.frameEntry(body(10));
        out.flush();
        // before SegmentWriter, the age sampled for the batch survived the requested rotation, and the
        // fresh segment's second line rotated it again, leaving a segment of one entry
        assertEquals(2, segments.all().size(), "segments: " + segments.all());
    }

    @Test
    void aFailedForce_isThrown_andTheContextNamesTheStepAndFile() throws IOException {
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(1);
        SegmentWriter out = open(fs, false);
        fs.failOn(FaultInjectingFileSystem.Op.FORCE, 1, true, FaultInjectingFileSystem::ioError);
        out.frameEntry(body(10));
        out.flush();
        assertThrows(IOException.class, out::force);
        assertEquals("forcing " + dir.resolve(SegmentFile.fileName(new SegmentFile.Id(1, 0))), out.failureContext());
        assertEquals(List.of(), durable, "a failed force makes nothing durable");
        assertEquals(0, out.fsyncs());
    }

    @Test
    void aFailedWrite_namesTheOffset() throws IOException {
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(1);
        SegmentWriter out = open(fs, false);
        Path path = dir.resolve(SegmentFile.fileName(new SegmentFile.Id(1, 0)));
        long header = Files.size(path);
        fs.failOn(FaultInjectingFileSystem.Op.WRITE, 1, true, FaultInjectingFileSystem::noSpace);
        out.frameEntry(body(10));
        assertThrows(IOException.class, out::flush);
        assertEquals("writing " + path + " at offset " + header, out.failureContext());
    }

    @Test
    void aFailedManifestWrite_afterCreatingTheNextSegment_namesThatSegment() throws IOException {
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(1);
        SegmentWriter out = open(fs, false);
        out.frameEntry(body(10));
        out.flush();
        Path next = dir.resolve(SegmentFile.fileName(new SegmentFile.Id(2, 0)));
        fs.failOn(FaultInjectingFileSystem.Op.WRITE, p -> p.getFileName().toString().startsWith(Manifest.NAME), 1,
                true, FaultInjectingFileSystem::ioError, false);
        IOException e = assertThrows(IOException.class, out::rotate);
        assertEquals("writing the manifest after creating " + next, out.failureContext(), e.toString());
        assertTrue(Files.exists(next), "the segment was created and its directory entry forced first");
    }
}
