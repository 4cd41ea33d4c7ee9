package org.wal4j;

import java.util.Map;
import java.util.Objects;

/**
 * One entry a replay returns, with its status for each target it names.
 *
 * <p>Immutable and thread-safe.
 *
 * @param entry          the entry, payload included
 * @param statusByTarget its status per target it names
 */
public record ReplayRecord(WalEntry entry, Map<String, EntryStatus> statusByTarget) {
    public ReplayRecord {
        Objects.requireNonNull(entry, "entry must not be null");
        statusByTarget = Map.copyOf(statusByTarget);
    }
}
