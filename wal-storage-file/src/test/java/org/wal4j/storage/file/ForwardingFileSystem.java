package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link WalFileSystem} that passes every call to another (by default the real one), and whose
 * files pass every call to the other's ({@link Channel}): tests override the calls they change.
 */
class ForwardingFileSystem implements WalFileSystem {
    private final WalFileSystem delegate;

    ForwardingFileSystem() {
        this(WalFileSystem.real());
    }

    ForwardingFileSystem(WalFileSystem delegate) {
        this.delegate = delegate;
    }

    /** Opens the file on the delegate and gives it to {@link #wrap}. */
    @Override
    public final WalFileChannel open(Path file, OpenMode mode) throws IOException {
        return wrap(delegate.open(file, mode), mode);
    }

    /** The channel callers get for {@code channel}, opened with {@code mode}: {@code channel} itself here. */
    protected WalFileChannel wrap(WalFileChannel channel, OpenMode mode) {
        return channel;
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return delegate.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        delegate.createDirectories(dir);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        delegate.rename(source, target);
    }

    @Override
    public void delete(Path file) throws IOException {
        delegate.delete(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        delegate.syncDirectory(dir);
    }

    /** A {@link WalFileChannel} that passes every call to another. */
    static class Channel implements WalFileChannel {
        private final WalFileChannel delegate;

        Channel(WalFileChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public Path path() {
            return delegate.path();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return delegate.write(src, position);
        }

        @Override
        public void force() throws IOException {
            delegate.force();
        }

        @Override
        public void truncate(long size) throws IOException {
            delegate.truncate(size);
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public Closeable tryLock() throws IOException {
            return delegate.tryLock();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
