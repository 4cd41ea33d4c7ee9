package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.testing.TestEntries;

/**
 * Opening a log reads each segment the manifest lists once: the file-set check reads only the
 * header of a segment that is the one its manifest line names, and recovery's scan reads its lines.
 * Counted on a log of 256 KiB segments through a file system that counts the bytes read.
 */
class OpenReadCostTest {
    @TempDir
    Path dir;

    @Test
    void open_readsEachListedSegmentOnce_theFileSetCheckOnlyItsHeader() throws IOException {
        FileStorageConfig.Builder builder = FileStorageConfig.builder(dir).segmentBytes(256 * 1024);
        try (FileWalStorage log = FileWalStorage.open(builder.build())) {
            for (int i = 1; i <= 2000; i++) {
                log.append(TestEntries.sized(i, 900));
            }
        }
        long onDisk = 0;
        for (Path segment : Logs.segments(dir)) {
            onDisk += Files.size(segment);
        }
        int segments = Logs.segments(dir).size();
        assertTrue(segments >= 6, "segments: " + segments);

        AtomicLong read = new AtomicLong();
        WalFileSystem counting = new ForwardingFileSystem() {
            @Override
            protected WalFileChannel wrap(WalFileChannel channel, OpenMode mode) {
                return new Channel(channel) {
                    @Override
                    public int read(ByteBuffer dst, long position) throws IOException {
                        int n = super.read(dst, position);
                        if (n > 0 && SegmentFile.isSegmentName(channel.path().getFileName().toString())) {
                            read.addAndGet(n);
                        }
                        return n;
                    }
                };
            }
        };
        try (FileWalStorage log = FileWalStorage.open(builder.fileSystem(counting).build())) {
            assertEquals(2000, log.lastSeq());
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
        }
        System.out.println("OpenReadCostTest: " + segments + " segments, " + onDisk + " bytes on disk, " + read.get()
                + " bytes read by the open");
        // the scan reads every byte once; the check one 4 KiB read per segment for its header
        assertTrue(read.get() <= onDisk + segments * 4096L, read.get() + " bytes read for " + onDisk + " on disk");
    }
}
