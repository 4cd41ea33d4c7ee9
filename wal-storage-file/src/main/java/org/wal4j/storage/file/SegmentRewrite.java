package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Replaces a segment file with a new version the crash-safe way: write the new content to
 * {@code <segment>.tmp}, force it, rename it over the segment (atomic), force the directory. A
 * crash at any step leaves either the old file or the new one under the segment's name, never a
 * mix; a leftover temp file is deleted on the next open.
 *
 * <p>Not thread-safe: one rewrite is driven by one thread.
 */
final class SegmentRewrite implements AutoCloseable {
    static final String TEMP_SUFFIX = ".tmp";

    private final WalFileSystem fs;
    private final Path target;
    private final Path temp;
    private final WalFileChannel channel;
    private final ByteBuffer copyBuffer = ByteBuffer.allocate(64 * 1024);
    private long length;
    private boolean committed;
    private boolean forced;

    private SegmentRewrite(WalFileSystem fs, Path target, Path temp, WalFileChannel channel) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    static SegmentRewrite begin(WalFileSystem fs, Path segment) throws IOException {
        Path temp = segment.resolveSibling(segment.getFileName() + TEMP_SUFFIX);
        fs.delete(temp);
        return new SegmentRewrite(fs, segment, temp, fs.open(temp, WalFileSystem.OpenMode.CREATE_NEW));
    }

    /** Bytes written so far: the offset the next line will have in the new file. */
    long length() {
        return length;
    }

    void append(byte[] bytes, int from, int to) throws IOException {
        length += ActiveSegment.writeFully(channel, ByteBuffer.wrap(bytes, from, to - from), length);
    }

    /** Copies {@code source[from, to)} to the end of the new file. */
    void copy(WalFileChannel source, long from, long to) throws IOException {
        for (long at = from; at < to; ) {
            copyBuffer.clear().limit((int) Math.min(copyBuffer.capacity(), to - at));
            int n = source.read(copyBuffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of " + source.path() + " at offset " + at);
            }
            copyBuffer.flip();
            length += ActiveSegment.writeFully(channel, copyBuffer, length);
            at += n;
        }
    }

    /** Forces the new file; {@link #commit()} then only renames. */
    void force() throws IOException {
        channel.force();
        forced = true;
    }

    /**
     * Forces the new file (unless {@link #force()} did), renames it over the segment and forces the
     * directory. If this throws, {@link #renamed()} says whether the new file already is the
     * segment (only the directory fsync failed) or the old one still is.
     */
    void commit() throws IOException {
        if (!forced) {
            channel.force();
        }
        fs.rename(temp, target);
        committed = true;
        fs.syncDirectory(SegmentFile.directoryOf(target));
    }

    /** True once the new file was renamed over the segment. */
    boolean renamed() {
        return committed;
    }

    /** The channel of the new file, which after {@link #commit()} is the segment itself. */
    WalFileChannel channel() {
        return channel;
    }

    /** Closes the channel; before {@link #commit()} also deletes the temp file. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (!committed) {
                fs.delete(temp);
            }
        }
    }
}
