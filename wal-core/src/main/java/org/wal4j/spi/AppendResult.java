package org.wal4j.spi;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What an append assigned: one sequence number per appended entry, in the order of the entries,
 * and whether they were already forced to stable storage when the append was acknowledged.
 *
 * <p>A storage with one writer assigns a consecutive range, {@code firstSeq .. lastSeq()}
 * ({@link #AppendResult(long, int, boolean)}). A storage shared by several writers
 * ({@link WalStorage#attach}) numbers the entries as it reads them back, interleaved with other
 * writers' entries, and reports them one by one ({@link #of(long[], boolean)}); it has then
 * reported every sequence number up to {@link #lastSeq()} as held before the append completes.
 *
 * <p>Immutable and thread-safe.
 */
public final class AppendResult {
    private final long firstSeq;
    private final int count;
    private final boolean durable;
    private final long @Nullable [] seqs;

    /**
     * A consecutive range.
     *
     * @param firstSeq the first entry's sequence number
     * @param count    how many entries were appended (at least 1)
     * @param durable  true when the entries were forced before the acknowledgement
     *                 ({@code SyncPolicy.ALWAYS}); false when they were only handed to the operating
     *                 system ({@code INTERVAL}, {@code NONE}): use
     *                 {@link WalStorage#whenDurable(long)} to wait for the force
     */
    public AppendResult(long firstSeq, int count, boolean durable) {
        if (firstSeq < 1 || count < 1) {
            throw new IllegalArgumentException("firstSeq and count must be at least 1 but were " + firstSeq
                    + " and " + count);
        }
        this.firstSeq = firstSeq;
        this.count = count;
        this.durable = durable;
        this.seqs = null;
    }

    private AppendResult(long[] seqs, boolean durable) {
        this.firstSeq = seqs[0];
        this.count = seqs.length;
        this.durable = durable;
        this.seqs = seqs;
    }

    /**
     * Sequence numbers given one by one, in the order of the appended entries (distinct, each at
     * least 1, not necessarily consecutive nor ascending).
     *
     * @throws IllegalArgumentException for no sequence number, one below 1, or one given twice
     */
    public static AppendResult of(long[] seqs, boolean durable) {
        long[] copy = seqs.clone();
        if (copy.length == 0) {
            throw new IllegalArgumentException("an append assigns at least one sequence number");
        }
        long[] sorted = copy.clone();
        Arrays.sort(sorted);
        if (sorted[0] < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1 but one was " + sorted[0]);
        }
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("sequence number " + sorted[i] + " was given twice");
            }
        }
        return new AppendResult(copy, durable);
    }

    /** The first entry's sequence number. */
    public long firstSeq() {
        return firstSeq;
    }

    /** How many entries were appended. */
    public int count() {
        return count;
    }

    /** True when the entries were forced before the acknowledgement. */
    public boolean durable() {
        return durable;
    }

    /** True when the entries hold {@code firstSeq .. lastSeq()}, in order. */
    public boolean consecutive() {
        return seqs == null;
    }

    /** The highest sequence number assigned. */
    public long lastSeq() {
        long[] given = seqs;
        if (given == null) {
            return firstSeq + count - 1;
        }
        long highest = given[0];
        for (long seq : given) {
            highest = Math.max(highest, seq);
        }
        return highest;
    }

    /** The sequence number of the {@code index}-th appended entry (from 0). */
    public long seq(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (count - 1));
        }
        long[] given = seqs;
        return given == null ? firstSeq + index : given[index];
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof AppendResult other && durable == other.durable && count == other.count
                && firstSeq == other.firstSeq && Arrays.equals(seqs, other.seqs);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(firstSeq) * 31 + count * 2 + (durable ? 1 : 0);
    }

    @Override
    public String toString() {
        long[] given = seqs;
        return "AppendResult[" + (given == null ? "seqs " + firstSeq + ".." + lastSeq() : "seqs "
                + Arrays.toString(given)) + ", durable " + durable + "]";
    }
}
