package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit rule of a segment rewrite (compaction, quarantine, a link's copy): the new file's bytes
 * reach the disk before the rename makes it the segment, and the directory after it. A rename of an
 * unforced file can survive a power loss that its contents do not: the segment would be empty.
 */
class SegmentRewriteTest {
    @TempDir
    Path dir;

    @Test
    void commit_forcesTheNewFile_beforeRenamingItOverTheSegment() throws IOException {
        List<String> calls = new ArrayList<>();
        WalFileSystem fs = new ForwardingFileSystem() {
            @Override
            protected WalFileChannel wrap(WalFileChannel channel, OpenMode mode) {
                return new Channel(channel) {
                    @Override
                    public void force() throws IOException {
                        calls.add("force " + channel.path().getFileName());
                        super.force();
                    }
                };
            }

            @Override
            public void rename(Path source, Path target) throws IOException {
                calls.add("rename " + source.getFileName() + " " + target.getFileName());
                super.rename(source, target);
            }

            @Override
            public void syncDirectory(Path directory) throws IOException {
                calls.add("sync " + directory.getFileName());
                super.syncDirectory(directory);
            }
        };
        Path segment = dir.resolve("00000000000000000001.seg");
        Files.writeString(segment, "old\n");
        try (SegmentRewrite rw = SegmentRewrite.begin(fs, segment)) {
            rw.append("new\n".getBytes(StandardCharsets.US_ASCII), 0, 4);
            rw.commit();
        }
        assertEquals(List.of("force 00000000000000000001.seg.tmp",
                "rename 00000000000000000001.seg.tmp 00000000000000000001.seg", "sync " + dir.getFileName()), calls);
        assertEquals("new\n", Files.readString(segment));
    }
}
