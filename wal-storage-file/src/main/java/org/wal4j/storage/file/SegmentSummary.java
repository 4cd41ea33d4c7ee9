package org.wal4j.storage.file;

import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * What compaction learned about one version of a closed segment the last time it read it all,
 * so that a later compaction can tell, without reading the file, that nothing in it can go.
 *
 * <p>Each held entry is either <em>pinned</em> (the index tracked it: some target still needs it,
 * or it is dead-lettered) or <em>free</em> (kept only because it was above the safe point or too
 * young). For status records it keeps the range of seqs they name, for checkpoint records the
 * lowest seq per target. A later compaction has something to do in the segment only if
 * <ul>
 *   <li>a free entry may now be at or below the safe point and old enough: the lowest free seq is
 *       at or below the limit and the earliest free creation time is before the cut-off;</li>
 *   <li>a pinned entry is no longer tracked (a target finished it);</li>
 *   <li>a status record may name an entry that is no longer held: one in the named range is
 *       dropped by this compaction (see below), or the range reaches below the log's first
 *       segment;</li>
 *   <li>a checkpoint record is superseded: below its target's checkpoint.</li>
 * </ul>
 *
 * <p>Why the status rule is enough: when the summary is made, every status record of the segment
 * names an entry held at that moment (a compaction that read the segment either dropped the other
 * records or found none). An entry goes away only by a compaction dropping it, and a status record
 * comes after its entry in the log, so such a drop happens in a segment at or before this one,
 * which compaction decides before this one in the same run: each run either sees the drop in the
 * named range and reads the segment, or sees none and the rule still holds afterwards. Every other
 * way the log changes (quarantine, a reopen) starts segments without a summary.
 *
 * <p>Immutable; made and read only by the compaction running.
 */
final class SegmentSummary {
    /** The seq of bit 0 of {@link #held} and {@link #pinned}: the segment's first seq. */
    private final long base;
    private final BitSet held;
    private final BitSet pinned;
    private final long minFreeSeq;
    private final Instant minFreeCreatedAt;
    private final long minStatusSeq;
    private final long maxStatusSeq;
    private final Map<String, Long> minCheckpoint;

    private SegmentSummary(Builder b) {
        this.base = b.base;
        this.held = b.held;
        this.pinned = b.pinned;
        this.minFreeSeq = b.minFreeSeq;
        this.minFreeCreatedAt = b.minFreeCreatedAt;
        this.minStatusSeq = b.minStatusSeq;
        this.maxStatusSeq = b.maxStatusSeq;
        this.minCheckpoint = Map.copyOf(b.minCheckpoint);
    }

    /**
     * True if the segment may hold something a compaction with these limits drops.
     *
     * @param limit             entries above this seq stay
     * @param createdBefore     entries created at or after this stay
     * @param tracked           whether the index tracks a seq now
     * @param firstHeldSeq      the first seq of the log's first segment: status records below it
     *                          name entries no longer held
     * @param droppedInRange    whether this run drops an entry with a seq in [from, to]
     * @param checkpoints       the current checkpoint per target
     */
    boolean mayHaveDroppable(long limit, Instant createdBefore, LongPredicate tracked, long firstHeldSeq,
                             DroppedRange droppedInRange, Map<String, Long> checkpoints) {
        if (minFreeSeq <= limit && minFreeCreatedAt.isBefore(createdBefore)) {
            return true;
        }
        for (int i = pinned.nextSetBit(0); i >= 0; i = pinned.nextSetBit(i + 1)) {
            if (!tracked.test(base + i)) {
                return true;
            }
        }
        if (minStatusSeq <= maxStatusSeq
                && (minStatusSeq < firstHeldSeq || droppedInRange.any(minStatusSeq, maxStatusSeq))) {
            return true;
        }
        for (Map.Entry<String, Long> e : minCheckpoint.entrySet()) {
            if (e.getValue() < checkpoints.getOrDefault(e.getKey(), 0L)) {
                return true;
            }
        }
        return false;
    }

    /** Calls {@code action} with each run [from, to) of consecutive held seqs. */
    void forEachHeldRange(SeqRangeAction action) {
        for (int from = held.nextSetBit(0); from >= 0; ) {
            int to = held.nextClearBit(from);
            action.accept(base + from, base + to);
            from = held.nextSetBit(to);
        }
    }

    /** Whether a compaction run drops an entry in a range of seqs. */
    interface DroppedRange {
        boolean any(long fromSeq, long toSeq);
    }

    interface SeqRangeAction {
        void accept(long fromSeq, long toSeqExclusive);
    }

    /** Collects a summary line by line, in file order. Not thread-safe. */
    static final class Builder {
        private final long base;
        private final BitSet held = new BitSet();
        private final BitSet pinned = new BitSet();
        private long minFreeSeq = Long.MAX_VALUE;
        private Instant minFreeCreatedAt = Instant.MAX;
        private long minStatusSeq = Long.MAX_VALUE;
        private long maxStatusSeq = Long.MIN_VALUE;
        private final Map<String, Long> minCheckpoint = new HashMap<>();

        Builder(long base) {
            this.base = base;
        }

        /** A kept entry the index tracks. */
        void pinnedEntry(long seq) {
            held.set(bit(seq));
            pinned.set(bit(seq));
        }

        /** A kept entry the index does not track. */
        void freeEntry(long seq, Instant createdAt) {
            held.set(bit(seq));
            minFreeSeq = Math.min(minFreeSeq, seq);
            if (createdAt.isBefore(minFreeCreatedAt)) {
                minFreeCreatedAt = createdAt;
            }
        }

        void status(long seq) {
            minStatusSeq = Math.min(minStatusSeq, seq);
            maxStatusSeq = Math.max(maxStatusSeq, seq);
        }

        void checkpoint(String target, long seq) {
            minCheckpoint.merge(target, seq, Math::min);
        }

        SegmentSummary build() {
            return new SegmentSummary(this);
        }

        private int bit(long seq) {
            long b = seq - base;
            if (b < 0 || b > Integer.MAX_VALUE) {
                throw new IllegalStateException("entry seq " + seq + " is outside the segment starting at " + base);
            }
            return (int) b;
        }
    }
}
