package org.wal4j;

/**
 * The state of one entry for one sync target.
 *
 * <pre>
 *   PENDING ──► APPLIED
 *      │
 *      ├──► REJECTED
 *      └──► RETRYING ──► … ──► APPLIED | REJECTED | DEAD | EXPIRED
 *   DEAD ──(requeue)──► PENDING          DEAD ──(discard)──► DISCARDED
 * </pre>
 *
 * An entry is <em>completed</em> when every target it names has applied it.
 */
public enum EntryStatus {
    /** Not yet attempted, or requeued from the dead-letter queue. */
    PENDING(false),
    /** At least one attempt failed with a retryable error; another attempt will follow. */
    RETRYING(false),
    /** The target applied the entry. */
    APPLIED(true),
    /** Dead-lettered: a permanent failure, or attempts exhausted. Kept until requeued or discarded. */
    DEAD(true),
    /** Its time to live passed before the target applied it. */
    EXPIRED(true),
    /** Dropped from the dead-letter queue by an operator. */
    DISCARDED(true),
    /**
     * The target answered with a business verdict against the entry (for example insufficient
     * funds): nothing of it was applied and it will not be tried again. A normal outcome, not a
     * fault: not in the dead-letter queue, not retried, counted apart from dead letters.
     */
    REJECTED(true);

    private final boolean terminal;

    EntryStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /** True when no further attempt will be made unless an operator requeues the entry. */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * True when compaction may drop an entry in this status once it is past the retention period:
     * terminal and not waiting in the dead-letter queue.
     */
    public boolean isCompactable() {
        return terminal && this != DEAD;
    }
}
