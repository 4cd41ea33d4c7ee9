package org.wal4j;

import java.util.Map;
import org.wal4j.spi.StorageStats;

/**
 * A snapshot of a {@link Wal}'s counters and of its storage's.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state                 the Wal's state
 * @param lastSeq               the highest sequence number in the log
 * @param unfinishedEntries     entries some configured target has not finished (PENDING or
 *                              RETRYING for it): the backpressure figure, the largest over the
 *                              targets
 * @param unfinishedBytes       their payload bytes, the largest over the targets
 * @param deadLetters           (entry, target) pairs in the dead-letter queue
 * @param writes                entries written since start (duplicates not counted)
 * @param duplicateWrites       writes answered with an earlier entry's result (idempotency key seen)
 * @param writeLatencyP50Micros median time from a write's call to its durable acknowledgement
 *                              (excluding any backpressure wait and immediate apply), measured with
 *                              {@link System#nanoTime()}
 * @param writeLatencyP99Micros 99th percentile
 * @param writeLatencyP999Micros 99.9th percentile
 * @param idempotencyKeys       caller-supplied idempotency keys remembered (within the retention period)
 * @param targets               per target name, its figures
 * @param storage               the storage's own figures
 */
public record WalStats(WalState state, long lastSeq, long unfinishedEntries, long unfinishedBytes, long deadLetters,
                       long writes, long duplicateWrites, long writeLatencyP50Micros, long writeLatencyP99Micros,
                       long writeLatencyP999Micros, long idempotencyKeys, Map<String, TargetStats> targets,
                       StorageStats storage) {
    public WalStats {
        targets = Map.copyOf(targets);
    }

    /** The figures of one target. */
    public TargetStats target(String name) {
        TargetStats stats = targets.get(name);
        if (stats == null) {
            throw new IllegalArgumentException("no target '" + name + "'; targets are " + targets.keySet());
        }
        return stats;
    }
}
