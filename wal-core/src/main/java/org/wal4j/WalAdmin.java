package org.wal4j;

import java.util.stream.Stream;
import org.wal4j.spi.CompactionResult;

/**
 * The rare, administrative operations of a {@link Wal}: dead letters, replay, re-apply and
 * compaction, kept off the {@code Wal} itself as Caffeine keeps its rare operations behind
 * {@code policy()}. Obtained from {@link Wal#admin()} (acting as the
 * {@link UserContext#system() system}) or {@link WalView#admin() wal.as(user).admin()} (acting as
 * that user): every operation but {@link #compact()} is checked against the {@link AccessPolicy}
 * and audited with that user.
 *
 * <p>Implemented by the {@code Wal}; not for users to implement. Thread-safe.
 */
public interface WalAdmin {

    /** {@return the user the operations are checked and audited as} */
    UserContext user();

    /**
     * The dead letters matching {@code filter} that the user may see, in seq order, read lazily
     * page by page. Audited.
     */
    Stream<DeadLetter> deadLetters(DeadLetterFilter filter);

    /**
     * Moves a dead letter back to PENDING with its attempts reset; it is applied in its lane's seq
     * order. Audited.
     *
     * @return true if it was requeued
     * @throws IllegalArgumentException if it is not a dead letter for {@code target}
     * @throws WalAccessDeniedException if the user may not
     * @throws IllegalStateException    if the Wal is not running
     */
    boolean requeue(long seq, String target);

    /** Requeues every dead letter matching {@code filter} that the user may requeue; returns how many. */
    int requeue(DeadLetterFilter filter);

    /** Drops a dead letter for good (status DISCARDED); it may then be compacted. Audited. */
    boolean discard(long seq, String target);

    /** Discards every dead letter matching {@code filter} that the user may discard; returns how many. */
    int discard(DeadLetterFilter filter);

    /**
     * The entries still in the log matching {@code query} that the user may see, in seq order,
     * with their statuses. Read lazily from the storage: close the stream. Audited.
     */
    Stream<ReplayRecord> replay(ReplayQuery query);

    /**
     * Makes every entry matching {@code query} that names {@code target} and is finished for it
     * PENDING again, so that the target applies it again in lane order (for example after its
     * database was restored from a backup). Audited.
     *
     * @return how many entries were made pending
     */
    int reapply(ReplayQuery query, String target);

    /**
     * Compacts now (it also runs every {@link WalConfig#compactionInterval()}): drops entries at
     * or below the lowest target checkpoint, older than the retention period, finished for every
     * target and not dead-lettered. Maintenance, not subject to the access policy.
     *
     * @throws IllegalStateException if the Wal is not running
     */
    CompactionResult compact();
}
