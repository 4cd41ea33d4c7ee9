package org.wal4j.internal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.Priority;
import org.wal4j.WalEntry;

/**
 * One entry not yet finished for one target, held in that target's window. Not thread-safe:
 * confined to the target's worker thread.
 */
final class PendingEntry {
    final WalEntry entry;
    final Lane lane;
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
        this.entry = entry;
        this.lane = lane;
        this.bytes = bytes;
        this.expiresAt = expiresAt;
        this.status = status;
        this.attempts = attempts;
        this.dueAt = dueAt;
    }

    long seq() {
        return entry.seq();
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
        return "PendingEntry{seq=" + seq() + ", lane=" + lane.key + ", status=" + status + ", attempts=" + attempts
                + ", dueAt=" + dueAt + '}';
    }
}
