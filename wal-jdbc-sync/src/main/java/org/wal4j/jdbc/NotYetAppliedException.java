package org.wal4j.jdbc;

import org.wal4j.EntryStatus;

/**
 * A critical call of a {@link DurableRepository} is durable in the log, but its primary target
 * had not applied it when the call stopped waiting: the wait
 * ({@link RepositoryOptions#applyWait()}, {@link RepositoryOptions#asyncResultTimeout()}) ran
 * out, the target's circuit breaker is open (the database is down, so the call does not wait),
 * the {@code Wal} stopped, or the waiting thread was interrupted.
 *
 * <p><b>The call is not lost</b>: the entry ({@link #entryId()}, {@link #seq()}) stays in the
 * log and will be applied, in its lane's order, when the target can; only its result is not
 * returned. Do not repeat the call to "retry" it: that would apply it twice. To learn when it is
 * applied, use {@code Wal.awaitApplied(seq, target, timeout)}. The cause, if any, is the last
 * exception the DAO threw while being applied.
 *
 * <p>Thread-safe once thrown: its state does not change.
 */
public class NotYetAppliedException extends CriticalCallException {
    private static final long serialVersionUID = 1L;

    /** @param status PENDING or RETRYING: the entry is unfinished for the target */
    public NotYetAppliedException(String message, String entryId, long seq, String target, EntryStatus status,
                                  Throwable cause) {
        super(message, entryId, seq, target, status, cause);
    }
}
