package org.wal4j;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a write achieved: where the entry is in the log, whether it was forced to stable storage
 * when acknowledged, and how far the immediate apply got.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq            the entry's sequence number
 * @param id             the entry's id
 * @param idempotencyKey the entry's idempotency key
 * @param timestamp      the entry's {@link WalEntry#createdAt() creation time}
 * @param durable        true when the entry was forced before the acknowledgement; false when the
 *                       storage's sync policy acknowledges before the force
 *                       ({@link SyncPolicy#INTERVAL}, {@link SyncPolicy#NONE})
 * @param statusByTarget per target the entry names, its status when the write returned: APPLIED
 *                       if the immediate apply succeeded within
 *                       {@link WalConfig#immediateApplyWait()}, otherwise PENDING, RETRYING, DEAD
 *                       or EXPIRED (all PENDING when immediate apply is off)
 * @param duplicate      true when the idempotency key had already been written within the
 *                       retention period: this is the original entry's result, nothing was
 *                       written, and {@code statusByTarget} is as the original write saw it
 *                       (empty when the original was found by the scan at start)
 */
public record WriteResult(long seq, String id, String idempotencyKey, Instant timestamp, boolean durable,
                          Map<String, EntryStatus> statusByTarget, boolean duplicate) {
    public WriteResult {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey must not be null");
        Objects.requireNonNull(timestamp, "timestamp must not be null");
        statusByTarget = Map.copyOf(statusByTarget);
    }

    /** True when every target the entry names had applied it when the write returned. */
    public boolean applied() {
        return !statusByTarget.isEmpty() && statusByTarget.values().stream().allMatch(s -> s == EntryStatus.APPLIED);
    }

    /** This result marked as the answer to a duplicate write. */
    public WriteResult asDuplicate() {
        return new WriteResult(seq, id, idempotencyKey, timestamp, durable, statusByTarget, true);
    }

    /** This result with the statuses seen at the end of the immediate apply. */
    public WriteResult withStatuses(Map<String, EntryStatus> statuses) {
        return new WriteResult(seq, id, idempotencyKey, timestamp, durable, statuses, duplicate);
    }
}
