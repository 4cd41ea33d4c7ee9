package org.wal4j;

/**
 * What a caller asks the {@link Wal} to do, as the {@link AccessPolicy} and the audit trail see it.
 *
 * <p>Immutable and thread-safe, as every enum.
 */
public enum WalAction {
    /** Append an entry. */
    WRITE,
    /** Read entries back with a replay query. */
    REPLAY,
    /** Make matching entries pending again for a target, to be applied again. */
    REAPPLY,
    /** List dead letters. */
    READ_DEAD_LETTERS,
    /** Move a dead letter back to PENDING. */
    REQUEUE,
    /** Drop a dead letter for good (status DISCARDED). */
    DISCARD
}
