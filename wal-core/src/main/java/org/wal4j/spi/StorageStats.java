package org.wal4j.spi;

import java.util.Map;

/**
 * A snapshot of a storage's counters. Latencies are from the moment an append is handed to the
 * storage to its acknowledgement, in microseconds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state               whether the storage accepts writes
 * @param lastSeq             the highest sequence number assigned, 0 for an empty log
 * @param entries             entries held (appended and not compacted away)
 * @param bytes               bytes on disk (or in memory) for the log's records
 * @param segments            segment files (1 for a storage without segments)
 * @param unfinished          entries some target has not reached a terminal status for
 * @param unfinishedByTarget  per target, entries not yet terminal for it
 * @param deadLetters         (entry, target) pairs in the dead-letter queue
 * @param checkpoints         per target, the persisted checkpoint
 * @param fsyncs              forces since open
 * @param appendedEntries     entries appended since open
 * @param averageGroupSize    entries acknowledged per force since open (0 when no force yet)
 * @param appendLatencyP50Micros  median append latency since open
 * @param appendLatencyP99Micros  99th percentile append latency since open
 * @param appendLatencyP999Micros 99.9th percentile append latency since open
 */
public record StorageStats(StorageState state, long lastSeq, long entries, long bytes, int segments, long unfinished,
                           Map<String, Long> unfinishedByTarget, long deadLetters, Map<String, Long> checkpoints,
                           long fsyncs, long appendedEntries, double averageGroupSize, long appendLatencyP50Micros,
                           long appendLatencyP99Micros, long appendLatencyP999Micros) {
    public StorageStats {
        unfinishedByTarget = Map.copyOf(unfinishedByTarget);
        checkpoints = Map.copyOf(checkpoints);
    }
}
