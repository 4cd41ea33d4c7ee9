package org.wal4j.internal;

import org.wal4j.LaneId;
import java.time.Instant;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;
import org.wal4j.Priority;

/**
 * The entries of one lane held in a target's window, in sequence order, plus the lane's
 * scheduling state. Not thread-safe: confined to the target's worker thread.
 *
 * <p>Invariants: {@code entries} is strictly increasing by seq; when {@link #truncated} the lane
 * has unfinished entries after {@link #resumeAfter} that the window skipped (they are loaded by a
 * refill, never out of order), and every held entry has {@code seq <= resumeAfter}. The
 * {@code sched*} fields are written only by {@link LaneScheduler} and hold the values the lane
 * was filed under, so that it can be found again in the scheduler's sorted sets.
 */
final class Lane {
    final LaneId key;
    /** The apply partition the lane belongs to, for good; see {@link LanePartitions}. */
    final int partition;
    final ArrayDeque<PendingEntry> entries = new ArrayDeque<>();
    boolean truncated;
    long resumeAfter;
    /** Entries with seq at or below this are served before every other lane (flushLane). */
    long boostThrough;
    /** In a batch being applied: not in any scheduler set. */
    boolean busy;

    // LaneScheduler bookkeeping; schedDue and schedPriority are set whenever the lane is filed
    long schedSeq;
    @Nullable Instant schedDue;
    @Nullable Instant schedExpiry;
    @Nullable Priority schedPriority;
    boolean schedBoosted;
    boolean inReady;
    boolean inWaiting;
    boolean inExpiring;

    Lane(LaneId key, int partition) {
        this.key = key;
        this.partition = partition;
    }

    /** The first entry held, or null if none is. */
    @Nullable PendingEntry head() {
        return entries.peekFirst();
    }

    long lastHeldSeq() {
        PendingEntry last = entries.peekLast();
        return last == null ? resumeAfter : last.seq();
    }

    @Override
    public String toString() {
        return "Lane{" + key + ", partition " + partition + ", held=" + entries.size() + (truncated ? ", truncated after " + resumeAfter : "")
                + (busy ? ", busy" : "") + '}';
    }
}
