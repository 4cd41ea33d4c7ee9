package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * {@link WalFileSystem#real()}: {@link FileChannel} for reading, {@link UninterruptibleChannel} for
 * writing and directory forces, and {@link Files}. Stateless and thread-safe.
 */
final class RealFileSystem implements WalFileSystem {
    static final RealFileSystem INSTANCE = new RealFileSystem();

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("windows");

    private RealFileSystem() {
    }

    /**
     * Opens {@code file}: for reading, a {@link FileChannel} (a reader interrupted during a read
     * closes it, and {@code SegmentFile} reopens it); for writing, an {@link UninterruptibleChannel},
     * because the log writes on application threads, which may be interrupted.
     */
    @Override
    public WalFileChannel open(Path file, OpenMode mode) throws IOException {
        switch (mode) {
            case READ:
                return new RealChannel(file, FileChannel.open(file, StandardOpenOption.READ));
            case READ_WRITE:
                return UninterruptibleChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
            case CREATE_NEW:
                return UninterruptibleChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE_NEW));
            default:
                return UninterruptibleChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE));
        }
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> stream = Files.list(dir)) {
            stream.filter(Files::isRegularFile).forEach(files::add);
        }
        return files;
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        // Linux and macOS allow opening a directory read-only and fsyncing it; Windows does not
        // open directories as files and makes renames durable by itself (NTFS journal).
        if (WINDOWS) {
            return;
        }
        try (UninterruptibleChannel channel = UninterruptibleChannel.open(dir, Set.of(StandardOpenOption.READ))) {
            channel.forceWithMetadata();
        }
    }

    private static final class RealChannel implements WalFileChannel {
        private final Path path;
        private final FileChannel channel;

        RealChannel(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return channel.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return channel.write(src, position);
        }

        @Override
        public void force() throws IOException {
            channel.force(false);
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public @Nullable Closeable tryLock() throws IOException {
            FileLock lock = channel.tryLock();
            return lock == null ? null : lock::release;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
