package org.wal4j.internal;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.Priority;
import org.wal4j.WalEntry;

/**
 * One entry not yet finished for one target, held in that target's window. Not thread-safe:
 * confined to the target's worker thread.
 *
 * <p>An entry of several lanes ({@link WalEntry#lanes()}) is one object held in each of its
 * {@link #lanes}; its first, {@link #lane}, is its <em>primary</em> lane: the one the scheduler
 * files it under and whose partition applies it. Invariant: it is held in all of its lanes or in
 * none.
 */
final class PendingEntry {
    final WalEntry entry;
    /** The primary lane: that of the entry's key. */
    final Lane lane;
    /** Every lane the entry is held in, {@link #lane} first; one element for an entry of one lane. */
    final List<Lane> lanes;
    /** Payload size in UTF-8 bytes, as counted for backpressure and the window. */
    final long bytes;
    /** When the entry's time to live ends, on the engine's monotonic timeline, or null. */
    final @Nullable Instant expiresAt;
    /** Attempts charged so far. */
    int attempts;
    /** PENDING or RETRYING. */
    EntryStatus status;
    /** Earliest time of the next attempt, on the engine's monotonic timeline. */
    Instant dueAt;
    /**
     * {@link ApplyRound}'s count of calls that applied something, as it was when a call of this
     * entry alone last threw; -1 if none did. A larger count later means other entries applied
     * since: the target is up and the entry is at fault.
     */
    long appliedCallsAtLastThrow = -1;

    PendingEntry(WalEntry entry, Lane lane, long bytes, EntryStatus status, int attempts, Instant dueAt,
                 @Nullable Instant expiresAt) {
        this(entry, List.of(lane), bytes, status, attempts, dueAt, expiresAt);
    }

    /** An entry held in {@code lanes}, the first its primary lane. */
    PendingEntry(WalEntry entry, List<Lane> lanes, long bytes, EntryStatus status, int attempts, Instant dueAt,
                 @Nullable Instant expiresAt) {
        this.entry = entry;
        this.lane = lanes.get(0);
        this.lanes = lanes;
        this.bytes = bytes;
        this.expiresAt = expiresAt;
        this.status = status;
        this.attempts = attempts;
        this.dueAt = dueAt;
    }

    long seq() {
        return entry.seq();
    }

    /** True if the entry belongs to more than one lane. */
    boolean multiLane() {
        return lanes.size() > 1;
    }

    /**
     * True if nothing of its lanes stands before the entry: it is the head of every one of its
     * lanes and none of them is in a batch. Only then may it be applied.
     */
    boolean atHeadOfEveryLane() {
        for (Lane l : lanes) {
            if (l.busy || l.head() != this) {
                return false;
            }
        }
        return true;
    }

    /** True if a flushLane boost of one of its lanes reaches it. */
    boolean boosted() {
        for (Lane l : lanes) {
            if (l.boostThrough >= seq()) {
                return true;
            }
        }
        return false;
    }

    Priority priority() {
        return entry.lifecycle().priority();
    }

    boolean isDue(Instant now) {
        return !dueAt.isAfter(now);
    }

    boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "PendingEntry{seq=" + seq() + ", lane=" + lane.key + (multiLane() ? " and " + (lanes.size() - 1)
                + " more" : "") + ", status=" + status + ", attempts=" + attempts
                + ", dueAt=" + dueAt + '}';
    }
}
