package org.wal4j.storage.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.TrackedEntry;

/**
 * Finds and reads entries in the segment files: by seq (nearest sparse-index point, then forward),
 * at a known offset (the {@code StatusIndex} locator), or as a lazy cursor over a seq range. Every
 * line read is checked against its checksum again; a mismatch is a {@link WalCorruptionException}
 * naming file and offset, never a wrong entry. Payloads stored encoded are read as the
 * {@link PayloadReading} given says (decoded, or as stored); one that cannot be decoded is a
 * {@link org.wal4j.WalPayloadException}, never a skipped line.
 *
 * <p>Thread-safe: each call works on its own reader and a per-thread {@link LineScanner}, and holds
 * a reference on each segment version it reads (see {@link SegmentFile}).
 */
final class LogReader {
    /** Where a user gives the file log its payload keys, named when an encoded line cannot be read. */
    static final String PAYLOAD_KEYS = "FileStorageConfig.Builder.payloadCodec, wal.payload.key.file, or wal --payload-key-file";

    /** Room a line needs beyond its payload: the largest metadata the format allows, and then some. */
    static final int LINE_SLACK = 64 * 1024;
    private static final int READ_BUFFER = 16 * 1024;

    /** Where an entry's line is and which targets it names. */
    record Located(long offset, List<String> targets) {
    }

    private final SegmentSet segments;
    private final int maxLine;
    private final PayloadReading payloads;
    private final ThreadLocal<LineScanner> scanners = ThreadLocal.withInitial(LineScanner::new);

    LogReader(SegmentSet segments, int maxLine, PayloadReading payloads) {
        this.segments = segments;
        this.maxLine = maxLine;
        this.payloads = payloads;
    }

    /** The longest line this library reads: the largest payload any configuration allows, plus metadata. */
    static int maxLine() {
        return FileStorageConfig.MAX_MAX_ENTRY_BYTES + LINE_SLACK;
    }

    /** Where entry {@code seq} is, without decoding it; null if no segment holds it. */
    @Nullable Located locate(long seq) {
        SegmentFile seg = segments.acquireFloor(seq);
        if (seg == null) {
            return null;
        }
        try {
            LineScanner s = scanners.get();
            LineReader r = seekEntry(seg, seq, s);
            return r == null ? null : new Located(r.offset, s.targets());
        } catch (IOException e) {
            throw readFailed(seg, e);
        } finally {
            seg.release();
        }
    }

    Optional<WalEntry> read(long seq) {
        SegmentFile seg = segments.acquireFloor(seq);
        if (seg == null) {
            return Optional.empty();
        }
        try {
            LineReader r = seekEntry(seg, seq, scanners.get());
            return r == null ? Optional.empty()
                    : Optional.of(EntryDecoder.decode(r.buf(), r.start, r.end, seg.path, r.offset, payloads));
        } catch (IOException e) {
            throw readFailed(seg, e);
        } finally {
            seg.release();
        }
    }

    /**
     * The entries of {@code states}, read at their locators, each with its status: the read path
     * shared by the storage and the inspector (unfinished entries, dead letters).
     */
    List<TrackedEntry> tracked(List<StatusIndex.State> states) {
        List<TrackedEntry> out = new ArrayList<>(states.size());
        for (StatusIndex.State s : states) {
            out.add(new TrackedEntry(readAt(s.seq(), s.locator()), s.target(), s.status(), s.attempts(),
                    s.lastChangeAt(), s.reason()));
        }
        return out;
    }

    /** The entry at {@code offset} of the segment holding {@code seq}; the index says it is there. */
    WalEntry readAt(long seq, long offset) {
        SegmentFile seg = segments.acquireFloor(seq);
        if (seg == null) {
            throw new IllegalStateException("no segment holds seq " + seq + " although the index tracks it");
        }
        try {
            LineScanner s = scanners.get();
            LineReader r = new LineReader(seg.reader(), offset, seg.end(), READ_BUFFER, maxLine);
            if (!r.next()) {
                throw new WalCorruptionException(seg.path, offset, "entry " + seq + " expected here is missing");
            }
            check(seg, r, s);
            if (s.type != LineScanner.ENTRY || s.seq != seq) {
                throw new WalCorruptionException(seg.path, offset, "entry " + seq + " expected here, found a "
                        + "different record");
            }
            return EntryDecoder.decode(r.buf(), r.start, r.end, seg.path, r.offset, payloads);
        } catch (IOException e) {
            throw readFailed(seg, e);
        } finally {
            seg.release();
        }
    }

    /** Up to {@code limit} entries with {@code fromSeq <= seq <= toSeq}, in order. */
    List<WalEntry> read(long fromSeq, long toSeq, int limit) {
        List<WalEntry> out = new ArrayList<>(Math.min(limit, 256));
        try (Cursor cursor = cursor(fromSeq, toSeq)) {
            while (out.size() < limit && cursor.hasNext()) {
                out.add(cursor.next());
            }
        }
        return out;
    }

    /** A lazy cursor over the entries with {@code fromSeq <= seq <= toSeq}. Close it. */
    Cursor cursor(long fromSeq, long toSeq) {
        return new Cursor(fromSeq, toSeq);
    }

    /**
     * Positions a reader on the line of entry {@code seq} in {@code seg}, starting from the nearest
     * sparse-index point; null if the segment does not hold it (never written, or compacted away).
     */
    private @Nullable LineReader seekEntry(SegmentFile seg, long seq, LineScanner s) throws IOException {
        if (seq > seg.lastEntrySeq()) {
            return null;
        }
        long from = seg.sparse.floorOffset(seq, seg.dataStart);
        LineReader r = new LineReader(seg.reader(), from, seg.end(), READ_BUFFER, maxLine);
        while (r.next()) {
            check(seg, r, s);
            if (s.type == LineScanner.ENTRY) {
                if (s.seq == seq) {
                    return r;
                }
                if (s.seq > seq) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Checks the current piece is a whole, checksum-valid, well-formed line. */
    static void check(SegmentFile seg, LineReader r, LineScanner s) {
        if (r.kind != LineReader.Kind.LINE) {
            throw new WalCorruptionException(seg.path, r.offset, r.kind == LineReader.Kind.ZEROS
                    ? r.length + " zero bytes inside the log" : "a line without its end (" + r.length + " bytes)");
        }
        if (!s.checksumOk(r.buf(), r.start, r.end)) {
            if (s.storedCrc < 0) {
                throw new WalCorruptionException(seg.path, r.offset, "the line has no checksum frame");
            }
            throw new WalCorruptionException(seg.path, r.offset, s.storedCrc, s.computedCrc);
        }
        try {
            s.parse();
        } catch (LineScanner.Malformed e) {
            throw new WalCorruptionException(seg.path, r.offset, e.getMessage());
        }
    }

    private static WalIOException readFailed(SegmentFile seg, IOException e) {
        return new WalIOException("Reading " + seg.path + " failed: " + IoErrors.describe(e), e);
    }

    /**
     * Entries of a seq range across segments, read one line at a time. Holds a reference on the
     * segment it is in and releases it on moving on or on {@link #close()}.
     *
     * <p>Not thread-safe.
     */
    final class Cursor implements Iterator<WalEntry>, AutoCloseable {
        private final long fromSeq;
        private final long toSeq;
        private final LineScanner scanner = new LineScanner();
        /** The segment being read, held; null before the first and after the last. */
        private @Nullable SegmentFile seg;
        /** The reader over {@link #seg}; null once it is read to its end, or when {@code seg} is null. */
        private @Nullable LineReader reader;
        /** The entry {@link #hasNext()} read ahead; null if none is waiting. */
        private @Nullable WalEntry next;
        private boolean done;

        private Cursor(long fromSeq, long toSeq) {
            this.fromSeq = fromSeq;
            this.toSeq = toSeq;
            this.done = fromSeq > toSeq;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                try {
                    next = advance();
                } catch (IOException e) {
                    SegmentFile failed = seg;
                    close();
                    throw failed == null ? new UncheckedIOException(e) : readFailed(failed, e);
                } catch (RuntimeException e) {
                    close();
                    throw e;
                }
                if (next == null) {
                    close();
                }
            }
            return next != null;
        }

        @Override
        public WalEntry next() {
            WalEntry e = hasNext() ? next : null; // hasNext() true: the entry read ahead
            if (e == null) {
                throw new NoSuchElementException();
            }
            next = null;
            return e;
        }

        private @Nullable WalEntry advance() throws IOException {
            while (true) {
                LineReader r = reader;
                SegmentFile s = seg;
                if (r == null || s == null) { // a reader is only ever set together with its segment
                    if (!openNextSegment()) {
                        return null;
                    }
                    continue;
                }
                while (r.next()) {
                    check(s, r, scanner);
                    if (scanner.type != LineScanner.ENTRY || scanner.seq < fromSeq) {
                        continue;
                    }
                    if (scanner.seq > toSeq) {
                        return null;
                    }
                    return EntryDecoder.decode(r.buf(), r.start, r.end, s.path, r.offset, payloads);
                }
                reader = null;
            }
        }

        private boolean openNextSegment() {
            SegmentFile previous = seg;
            if (previous == null) {
                seg = segments.acquireFloor(fromSeq);
                if (seg == null) {
                    seg = segments.acquireNext(null);
                }
            } else {
                seg = segments.acquireNext(previous.id);
                previous.release();
            }
            SegmentFile opened = seg;
            if (opened == null || opened.firstSeq > toSeq) {
                return false;
            }
            long from = previous == null ? opened.sparse.floorOffset(fromSeq, opened.dataStart) : opened.dataStart;
            reader = new LineReader(opened.reader(), from, opened.end(), READ_BUFFER * 4, maxLine);
            return true;
        }

        @Override
        public void close() {
            done = true;
            reader = null;
            if (seg != null) {
                seg.release();
                seg = null;
            }
        }
    }
}
