package org.wal4j;

import java.util.Map;

/**
 * An entry's statuses for the targets someone waited on, as {@link Wal#awaitApplied} completes
 * them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq            the entry's sequence number
 * @param statusByTarget per awaited target, its status; empty when the entry had already been
 *                       compacted away (it was finished for every target it names)
 */
public record EntryOutcome(long seq, Map<String, EntryStatus> statusByTarget) {
    public EntryOutcome {
        statusByTarget = Map.copyOf(statusByTarget);
    }

    /** True when every awaited target applied the entry (or it was compacted away after being finished). */
    public boolean applied() {
        return statusByTarget.values().stream().allMatch(s -> s == EntryStatus.APPLIED);
    }

    /** True when no awaited target will attempt the entry again without an operator. */
    public boolean settled() {
        return statusByTarget.values().stream().allMatch(EntryStatus::isTerminal);
    }
}
