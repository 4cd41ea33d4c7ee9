package org.wal4j.internal;

import java.util.List;
import org.wal4j.WalEntry;

/**
 * Entries just acknowledged by the storage, handed to every worker so that new entries reach the
 * window without reading them back. A worker may drop it: the storage is the source of truth.
 * Immutable and thread-safe.
 *
 * @param firstSeq the first entry's sequence number
 * @param entries  the entries, sequence numbers assigned, consecutive from {@code firstSeq}
 */
record AppendedBatch(long firstSeq, List<WalEntry> entries) {
    long lastSeq() {
        return firstSeq + entries.size() - 1;
    }
}
