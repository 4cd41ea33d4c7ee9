package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Arrays;

/**
 * Where every {@value #INTERVAL}th entry of one segment starts, so that reading any entry scans at
 * most {@value #INTERVAL} entries from the nearest point before it instead of the whole segment,
 * while memory stays at 16 bytes per {@value #INTERVAL} entries.
 *
 * <p>Invariant: {@code seqs[0..size)} strictly increasing. Thread-safe: the writer adds points to
 * the active segment's index while readers look up; both synchronize on the index.
 */
final class SparseIndex {
    static final int INTERVAL = 64;

    @GuardedBy("this")
    private long[] seqs = new long[8];
    @GuardedBy("this")
    private long[] offsets = new long[8];
    @GuardedBy("this")
    private int size;
    @GuardedBy("this")
    private long entries;

    /** Tells the index about the next entry of the segment, in seq order. */
    synchronized void onEntry(long seq, long offset) {
        if (entries++ % INTERVAL == 0) {
            if (size == seqs.length) {
                seqs = Arrays.copyOf(seqs, size * 2);
                offsets = Arrays.copyOf(offsets, size * 2);
            }
            seqs[size] = seq;
            offsets[size] = offset;
            size++;
        }
    }

    /** The offset of the last indexed entry with seq at or below {@code seq}, or {@code otherwise}. */
    synchronized long floorOffset(long seq, long otherwise) {
        int i = Arrays.binarySearch(seqs, 0, size, seq);
        if (i >= 0) {
            return offsets[i];
        }
        int below = -i - 2;
        return below >= 0 ? offsets[below] : otherwise;
    }

    synchronized long entries() {
        return entries;
    }
}
