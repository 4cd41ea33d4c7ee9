package org.wal4j.jdbc;

import org.wal4j.EntryStatus;
import org.wal4j.WalException;

/**
 * A critical call of a {@link DurableRepository} whose result is not returned because its primary
 * target has not applied its entry: either not yet ({@link NotYetAppliedException}: the entry is
 * in the log and will be applied) or not at all ({@link EntryNotAppliedException}: dead-lettered,
 * expired or discarded). Catch this type to handle both; the subclass says which, and
 * {@link #status()} says the entry's status for the target when the call returned.
 *
 * <p>Immutable and thread-safe.
 */
public abstract class CriticalCallException extends WalException {
    private static final long serialVersionUID = 1L;

    private final String entryId;
    private final long seq;
    private final String target;
    private final EntryStatus status;

    CriticalCallException(String message, String entryId, long seq, String target, EntryStatus status,
                          Throwable cause) {
        super(message, cause);
        this.entryId = entryId;
        this.seq = seq;
        this.target = target;
        this.status = status;
    }

    /** The id of the call's entry. */
    public String entryId() {
        return entryId;
    }

    /** The seq of the call's entry. */
    public long seq() {
        return seq;
    }

    /** The target whose result the call waited for. */
    public String target() {
        return target;
    }

    /** The entry's status for {@link #target()} when the call returned; each subclass says which ones. */
    public EntryStatus status() {
        return status;
    }
}
