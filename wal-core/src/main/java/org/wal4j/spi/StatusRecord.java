package org.wal4j.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;

/**
 * A change of one entry's {@link EntryStatus} for one target, appended to the log after the
 * entry. Records are never rewritten; the last record for an (entry, target) pair wins.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq      the entry's sequence number
 * @param target   the sync target's name
 * @param status   the new status
 * @param attempts attempts made so far for this target (0 when none; reset to 0 by a requeue)
 * @param at       when the change happened
 * @param reason   why, for RETRYING, DEAD, REJECTED, EXPIRED and DISCARDED; may be null. Long reasons
 *                 are cut to {@link #MAX_REASON_LENGTH} characters.
 */
public record StatusRecord(long seq, String target, EntryStatus status, int attempts, Instant at,
                           @Nullable String reason) {
    /** Longest reason kept, in characters. */
    public static final int MAX_REASON_LENGTH = 2000;

    public StatusRecord {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1 but was " + seq);
        }
        Names.requireTarget(target);
        Objects.requireNonNull(status, "status must not be null");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative but was " + attempts);
        }
        Objects.requireNonNull(at, "at must not be null");
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            reason = reason.substring(0, MAX_REASON_LENGTH - 3) + "...";
        }
    }

    public static StatusRecord of(long seq, String target, EntryStatus status, int attempts, Instant at) {
        return new StatusRecord(seq, target, status, attempts, at, null);
    }
}
