package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The real file system with every force and directory fsync left out, for tests that open a log
 * thousands of times and test parsing, not durability.
 */
final class NoSyncFileSystem implements WalFileSystem {
    private final WalFileSystem real = WalFileSystem.real();

    @Override
    public WalFileChannel open(Path file, OpenMode mode) throws IOException {
        WalFileChannel channel = real.open(file, mode);
        return new WalFileChannel() {
            @Override
            public Path path() {
                return channel.path();
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
            public void force() {
                // left out: nothing in these tests depends on durability
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
            public Closeable tryLock() throws IOException {
                return channel.tryLock();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return real.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        real.createDirectories(dir);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        real.rename(source, target);
    }

    @Override
    public void delete(Path file) throws IOException {
        real.delete(file);
    }

    @Override
    public void syncDirectory(Path dir) {
        // left out, as force
    }
}
