package org.wal4j.jdbc;

import org.wal4j.EntryStatus;

/**
 * A critical call of a {@link DurableRepository} is finished without its primary target having
 * applied it, and will not be applied unless an operator acts: it was dead-lettered (a permanent
 * failure, or its attempts ran out), it expired (its time to live passed), or it was discarded.
 * When the DAO itself threw while the entry was being applied and that made it dead, the caller
 * gets the DAO's exception instead; this one covers the other causes (a commit that failed
 * permanently, arguments that could not be read back, an expiry), with the reason the target gave.
 *
 * <p>The entry stays in the dead-letter queue ({@code Wal.deadLetters}) where it can be requeued
 * or discarded.
 *
 * <p>Thread-safe once thrown: its state does not change.
 */
public class EntryNotAppliedException extends CriticalCallException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** @param status DEAD, EXPIRED or DISCARDED */
    public EntryNotAppliedException(String message, String entryId, long seq, String target, EntryStatus status,
                                    String reason, Throwable cause) {
        super(message, entryId, seq, target, status, cause);
        this.reason = reason;
    }

    /** The target's last failure reason (the dead letter's reason), or null if none was seen. */
    public String reason() {
        return reason;
    }
}
