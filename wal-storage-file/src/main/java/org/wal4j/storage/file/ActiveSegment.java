package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The segment being written: its write channel, the offset where the next line goes and the
 * offset up to which the file is forced. Owned by the writer thread (and by recovery before the
 * writer starts); readers go through the {@link SegmentFile}'s own read channel, never this one,
 * so an interrupted reader cannot close the writer's channel.
 *
 * <p>Not thread-safe.
 */
final class ActiveSegment {
    final SegmentFile file;
    final WalFileChannel channel;
    /** Where the next line goes: the end of the lines written. */
    long writePos;
    /** Up to where the file is known forced. */
    long forcedPos;

    ActiveSegment(SegmentFile file, WalFileChannel channel, long writePos) {
        this.file = file;
        this.channel = channel;
        this.writePos = writePos;
        this.forcedPos = writePos;
    }

    /**
     * Creates segment {@code id} in {@code dir} the crash-safe way: create, write the header
     * (and zeros up to {@code preallocateTo} if above the header), force the file, then force the
     * directory entry. Only then may an entry go into it: a power loss before that leaves at most
     * a header-less or torn-header file, which recovery deletes.
     */
    static ActiveSegment create(WalFileSystem fs, Path dir, SegmentFile.Id id, Instant createdAt,
                                long preallocateTo) throws IOException {
        Path path = dir.resolve(SegmentFile.fileName(id));
        byte[] header = LineCodec.headerLine(id, createdAt);
        WalFileChannel channel = fs.open(path, WalFileSystem.OpenMode.CREATE_NEW);
        try {
            writeFully(channel, ByteBuffer.wrap(header), 0);
            if (preallocateTo > header.length) {
                ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 20, preallocateTo));
                for (long at = header.length; at < preallocateTo; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), preallocateTo - at));
                    at += writeFully(channel, zeros, at);
                }
            }
            channel.force();
            fs.syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        SegmentFile file = new SegmentFile(fs, path, id, createdAt, header.length, header.length,
                new SparseIndex(), null);
        return new ActiveSegment(file, channel, header.length);
    }

    static int writeFully(WalFileChannel channel, ByteBuffer src, long position) throws IOException {
        int total = 0;
        while (src.hasRemaining()) {
            total += channel.write(src, position + total);
        }
        return total;
    }
}
