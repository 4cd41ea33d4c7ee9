package org.wal4j.storage.file;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads a region of a segment file as a sequence of pieces: whole lines ending in {@code \n},
 * broken lines (ended by a zero byte, by the end of the region, or longer than the limit), and
 * runs of zero bytes (preallocated space, or a torn write). A well-formed line never contains a
 * zero byte, so zeros always end a line; this keeps a torn line in a 64 MiB preallocated segment
 * from being buffered whole. Lines longer than {@code maxLine} are skipped without buffering, so
 * damaged files cannot exhaust memory.
 *
 * <p>Not thread-safe. The bytes of the current piece stay valid until the next call to {@link #next()}.
 */
final class LineReader {
    enum Kind {
        /** A line ending in {@code \n}: bytes {@code [start, end)} without the {@code \n}. */
        LINE,
        /** A line without its {@code \n}; its bytes {@code [start, end)} are empty if it was too long. */
        BROKEN,
        /** A run of zero bytes. */
        ZEROS
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;

    private final WalFileChannel channel;
    private final long to;
    private final int maxLine;
    private byte[] buf;
    /** File offset of {@code buf[0]}. */
    private long base;
    private int cur;
    private int fill;
    private boolean eof;

    /** What the current piece is; null until {@link #next()} reads one. */
    @Nullable Kind kind;
    /** File offset of the current piece. */
    long offset;
    /** Bytes the current piece takes in the file (a line's {@code \n} included). */
    long length;
    int start;
    int end;

    LineReader(WalFileChannel channel, long from, long to, int initialBuffer, int maxLine) {
        this.channel = channel;
        this.to = to;
        this.maxLine = maxLine;
        this.buf = new byte[Math.max(64, Math.min(initialBuffer, maxLine + 1))];
        this.base = from;
    }

    byte[] buf() {
        return buf;
    }

    /** File offset just after the current piece: where the next one starts. */
    long nextOffset() {
        return offset + length;
    }

    /** Advances to the next piece; false at the end of the region. */
    boolean next() throws IOException {
        if (cur == fill && !refill()) {
            return false;
        }
        offset = base + cur;
        if (buf[cur] == 0) {
            zeros();
            return true;
        }
        int lineStart = cur;
        int scan = cur;
        while (true) {
            int i = endOfLine(buf, scan, fill);
            if (i < fill) {
                start = lineStart;
                end = i;
                if (buf[i] == '\n') {
                    kind = Kind.LINE;
                    cur = i + 1;
                    length = end - start + 1L;
                } else {
                    kind = Kind.BROKEN;
                    cur = i;
                    length = (long) end - start;
                }
                return true;
            }
            if (fill - lineStart >= maxLine) {
                overlong(fill - lineStart);
                return true;
            }
            int scanned = fill - lineStart;
            cur = lineStart;
            if (!refill()) {
                kind = Kind.BROKEN;
                start = cur;
                end = fill;
                length = (long) end - start;
                cur = fill;
                return true;
            }
            lineStart = cur;
            scan = cur + scanned;
        }
    }

    /**
     * The index of the first {@code \n} or zero byte of {@code b[from, limit)}, or {@code limit}.
     * Eight bytes at a time: recovery spends most of its time here, and a byte-by-byte loop
     * managed about 2 GB/s, half of what opening a log of 4 KiB entries needs to stay under its
     * target. For a long {@code v}, {@code (v - 0x01..01) & ~v & 0x80..80} has the high bit of
     * the lowest zero byte set, and only bits above it may be set besides (a borrow runs upward
     * only), so the lowest bit of the two masks, for zero and for {@code v ^ 0x0a..0a}, marks
     * the first byte wanted.
     */
    static int endOfLine(byte[] b, int from, int limit) {
        int i = from;
        for (; i <= limit - Long.BYTES; i += Long.BYTES) {
            long v = (long) LONGS.get(b, i);
            long newlines = v ^ NEWLINES;
            long found = (((v - ONES) & ~v) | ((newlines - ONES) & ~newlines)) & HIGH_BITS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < limit; i++) {
            if (b[i] == '\n' || b[i] == 0) {
                return i;
            }
        }
        return limit;
    }

    private void zeros() throws IOException {
        long count = 0;
        while (true) {
            while (cur < fill && buf[cur] == 0) {
                cur++;
                count++;
            }
            if (cur < fill || !refill()) {
                break;
            }
        }
        kind = Kind.ZEROS;
        length = count;
        start = end = cur;
    }

    /** Skips the rest of a line longer than {@code maxLine}, up to and including its end. */
    private void overlong(long seen) throws IOException {
        long skipped = seen;
        cur = fill;
        kind = Kind.BROKEN;
        while (refill()) {
            int i = cur;
            while (i < fill && buf[i] != '\n' && buf[i] != 0) {
                i++;
            }
            if (i < fill) {
                skipped += i - cur + (buf[i] == '\n' ? 1 : 0);
                cur = buf[i] == '\n' ? i + 1 : i;
                break;
            }
            skipped += fill - cur;
            cur = fill;
        }
        length = skipped;
        start = end = cur;
    }

    /**
     * Keeps the unread bytes {@code [cur, fill)} (moved to the front, the buffer grown if they fill
     * it) and reads more after them; false if nothing more could be read.
     */
    private boolean refill() throws IOException {
        if (eof) {
            return false;
        }
        if (cur > 0) {
            System.arraycopy(buf, cur, buf, 0, fill - cur);
            base += cur;
            fill -= cur;
            cur = 0;
        }
        if (fill == buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min((long) maxLine + 1, buf.length * 2L));
        }
        long position = base + fill;
        int room = (int) Math.min(buf.length - fill, to - position);
        if (room <= 0) {
            eof = true;
            return false;
        }
        ByteBuffer target = ByteBuffer.wrap(buf, fill, room);
        int read = 0;
        while (target.hasRemaining()) {
            int n = channel.read(target, position + read);
            if (n < 0) {
                eof = true;
                break;
            }
            read += n;
            if (n == 0) {
                break;
            }
        }
        fill += read;
        return read > 0;
    }
}
