package org.wal4j.storage.file;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A read-only {@link WalFileChannel} over bytes in memory, to run a {@link LineReader} without a file. */
final class ByteArrayChannel implements WalFileChannel {
    private final Path path;
    private final byte[] bytes;

    ByteArrayChannel(Path path, byte[] bytes) {
        this.path = path;
        this.bytes = bytes;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int read(ByteBuffer dst, long position) {
        if (position >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), bytes.length - position);
        dst.put(bytes, (int) position, n);
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void force() {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void truncate(long size) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public Closeable tryLock() {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void close() {
    }
}
