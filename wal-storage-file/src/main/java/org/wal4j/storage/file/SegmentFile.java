package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One version of one segment file as readers see it: its path, the seq its name gives, where its
 * lines end, its sparse index and a read channel. Compaction replaces a closed segment's version
 * with a new one for the rewritten file; readers that acquired the old version go on reading the
 * old file (still open, so still readable after the rename) with offsets that match it, and the
 * old channel closes when the last of them releases it.
 *
 * <p>Thread-safe. Reference counting: the segment set holds one reference until {@link #retire()};
 * readers {@link #acquire()} and {@link #release()}; an acquire after the count reached zero fails.
 */
final class SegmentFile {
    static final String SUFFIX = ".wal";
    private static final Pattern NAME = Pattern.compile("(\\d{20})(?:_(\\d{6,10}))?\\.wal");

    /**
     * Where a segment stands in the log: the seq its first entry has or will have, then the part
     * number among segments with that first seq. Only a segment that held no entry when it was
     * closed is followed by one with the same first seq (part + 1); every entry of the log is in
     * the last part of its first seq. Ordered by first seq, then part: the order of the log.
     */
    record Id(long firstSeq, int part) implements Comparable<Id> {
        /** Sorts after every part of {@code seq}: the floor of it is the segment that can hold entry {@code seq}. */
        static Id lastPartOf(long seq) {
            return new Id(seq, Integer.MAX_VALUE);
        }

        @Override
        public int compareTo(Id o) {
            int bySeq = Long.compare(firstSeq, o.firstSeq);
            return bySeq != 0 ? bySeq : Integer.compare(part, o.part);
        }

        @Override
        public String toString() {
            return part == 0 ? String.valueOf(firstSeq) : firstSeq + "_" + part;
        }
    }

    final Id id;
    final long firstSeq;
    final Path path;
    final Instant createdAt;
    /** Length of the header line: where the first record starts. */
    final long dataStart;
    final SparseIndex sparse;
    private final WalFileSystem fs;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final Object channelLock = new Object();
    /** The read channel, opened on first read; null until then and after it is dropped or closed. */
    @GuardedBy("channelLock")
    private @Nullable WalFileChannel channel;
    private volatile long end;
    private volatile long lastEntrySeq;
    /** What compaction last learned of this version, or null if it has not read it all yet. */
    private volatile @Nullable SegmentSummary summary;

    SegmentFile(WalFileSystem fs, Path path, Id id, Instant createdAt, long dataStart, long end,
                SparseIndex sparse, @Nullable WalFileChannel channel) {
        this.fs = fs;
        this.path = path;
        this.id = id;
        this.firstSeq = id.firstSeq();
        this.createdAt = createdAt;
        this.dataStart = dataStart;
        this.end = end;
        this.sparse = sparse;
        this.channel = channel;
        this.lastEntrySeq = firstSeq - 1;
    }

    /** {@code 00000000000000000042.wal} for part 0, {@code 00000000000000000042_000001.wal} for part 1. */
    static String fileName(Id id) {
        return id.part() == 0 ? String.format("%020d%s", id.firstSeq(), SUFFIX)
                : String.format("%020d_%06d%s", id.firstSeq(), id.part(), SUFFIX);
    }

    /**
     * The directory holding {@code file}, to force after a rename or delete in it: its parent, or the
     * current directory for a bare file name (a log opened in the current directory, {@code Path.of("")},
     * names its segments so).
     */
    static Path directoryOf(Path file) {
        Path parent = file.getParent();
        if (parent != null) {
            return parent;
        }
        return Objects.requireNonNull(file.toAbsolutePath().getParent(), () -> file + " has no directory");
    }

    /** True for exactly the names {@link #fileName} gives; other files in the directory are not the log's. */
    static boolean isSegmentName(String name) {
        try {
            return fileName(idOf(name)).equals(name);
        } catch (IllegalArgumentException e) { // NumberFormatException too: a number out of range
            return false;
        }
    }

    /** The id a segment name gives. @throws IllegalArgumentException if it is not a segment name */
    static Id idOf(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment file name: " + name);
        }
        return new Id(Long.parseLong(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    static long seqOf(String name) {
        return idOf(name).firstSeq();
    }

    /** Bytes of whole lines: readers never read past it. */
    long end() {
        return end;
    }

    /** Called by the writer after each write to the active segment, and by recovery. */
    void setEnd(long end) {
        this.end = end;
    }

    /** The highest entry seq in this segment, {@code firstSeq - 1} if none. */
    long lastEntrySeq() {
        return lastEntrySeq;
    }

    void setLastEntrySeq(long seq) {
        this.lastEntrySeq = seq;
    }

    /** What compaction last learned of this version, or null if it has not read it all yet. */
    @Nullable SegmentSummary summary() {
        return summary;
    }

    /** @param summary what compaction learned of this version, or null to make it read the segment again */
    void setSummary(@Nullable SegmentSummary summary) {
        this.summary = summary;
    }

    boolean acquire() {
        while (true) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            closeChannel();
        }
    }

    /** Drops the segment set's reference: the version is no longer current. */
    void retire() {
        release();
    }

    /**
     * Reads at {@code position}. A read channel closed because some reader thread was
     * interrupted during a read (a {@link java.nio.channels.FileChannel} rule) is reopened for the
     * others instead of failing every later read.
     */
    int read(ByteBuffer dst, long position) throws IOException {
        for (int attempt = 0; ; attempt++) {
            WalFileChannel ch = channel();
            try {
                return ch.read(dst, position);
            } catch (ClosedByInterruptException e) {
                dropChannel(ch);
                throw e;
            } catch (ClosedChannelException e) {
                dropChannel(ch);
                if (attempt > 0 || refs.get() == 0) {
                    throw e;
                }
            }
        }
    }

    /** A {@link WalFileChannel} view over {@link #read} for {@link LineReader}. */
    WalFileChannel reader() {
        return new ReadView();
    }

    private WalFileChannel channel() throws IOException {
        synchronized (channelLock) {
            if (channel == null) {
                if (refs.get() == 0) {
                    throw new ClosedChannelException();
                }
                channel = fs.open(path, WalFileSystem.OpenMode.READ);
            }
            return channel;
        }
    }

    private void dropChannel(WalFileChannel ch) {
        synchronized (channelLock) {
            if (channel == ch) {
                channel = null;
            }
        }
        closeQuietly(ch);
    }

    private void closeChannel() {
        WalFileChannel ch;
        synchronized (channelLock) {
            ch = channel;
            channel = null;
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(@Nullable WalFileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // a read channel: nothing was written through it, nothing can be lost
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private final class ReadView implements WalFileChannel {
        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return SegmentFile.this.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException("read-only view of " + path);
        }

        @Override
        public void force() {
            throw new UnsupportedOperationException("read-only view of " + path);
        }

        @Override
        public void truncate(long size) {
            throw new UnsupportedOperationException("read-only view of " + path);
        }

        @Override
        public long size() {
            return end;
        }

        @Override
        public java.io.Closeable tryLock() {
            throw new UnsupportedOperationException("read-only view of " + path);
        }

        @Override
        public void close() {
            // the segment file owns the channel
        }
    }
}
