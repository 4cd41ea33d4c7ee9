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
 * The directory forced after a segment is renamed or deleted. A log opened in the current directory
 * ({@code Path.of("")}) names its segments by bare file names, which have no parent: the directory
 * force then got null (a NullPointerException after the rename was done) until
 * {@link SegmentFile#directoryOf} gave the current directory instead.
 */
class SegmentDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void directoryOf_isTheParent_whenThePathHasOne() {
        assertEquals(dir, SegmentFile.directoryOf(dir.resolve("00000000000000000001.seg")));
        assertEquals(Path.of("wal"), SegmentFile.directoryOf(Path.of("wal", "00000000000000000001.seg")));
    }

    @Test
    void directoryOf_isTheCurrentDirectory_forABareFileName() {
        assertEquals(Path.of("").toAbsolutePath(), SegmentFile.directoryOf(Path.of("00000000000000000001.seg")));
    }

    @Test
    void commit_forcesTheCurrentDirectory_forASegmentNamedByABareFileName() throws IOException {
        InCurrentDirectory fs = new InCurrentDirectory(dir);
        Path segment = Path.of("00000000000000000001.seg");
        Files.writeString(dir.resolve(segment), "old\n");
        try (SegmentRewrite rw = SegmentRewrite.begin(fs, segment)) {
            rw.append("new\n".getBytes(StandardCharsets.US_ASCII), 0, 4);
            rw.commit();
        }
        assertEquals("new\n", Files.readString(dir.resolve(segment)));
        assertEquals(List.of(Path.of("").toAbsolutePath()), fs.synced);
    }

    /**
     * The real file system, with relative paths taken against {@code cwd} instead of the process's
     * current directory (a test cannot change that); records the directories it forces.
     */
    private static final class InCurrentDirectory implements WalFileSystem {
        private final WalFileSystem real = WalFileSystem.real();
        private final Path cwd;
        final List<Path> synced = new ArrayList<>();

        InCurrentDirectory(Path cwd) {
            this.cwd = cwd;
        }

        private Path at(Path p) {
            return cwd.resolve(p);
        }

        @Override
        public WalFileChannel open(Path file, OpenMode mode) throws IOException {
            return real.open(at(file), mode);
        }

        @Override
        public List<Path> list(Path directory) throws IOException {
            return real.list(at(directory));
        }

        @Override
        public void createDirectories(Path directory) throws IOException {
            real.createDirectories(at(directory));
        }

        @Override
        public void rename(Path source, Path target) throws IOException {
            real.rename(at(source), at(target));
        }

        @Override
        public void delete(Path file) throws IOException {
            real.delete(at(file));
        }

        @Override
        public void syncDirectory(Path directory) {
            synced.add(directory); // recorded, not forced: the test directory is what holds the files
        }
    }
}
