package org.wal4j;

import java.util.Map;
import org.wal4j.spi.StorageStats;

/**
 * A snapshot of a {@link Wal}'s counters and of its storage's, read from {@link Wal#stats()}.
 *
 * <p>An interface that the {@code Wal} implements, not for users to implement or construct: a new
 * figure is a new method here and breaks no caller, as with {@link TargetStats}.
 *
 * <p>Immutable and thread-safe.
 */
public interface WalStats {
    /** {@return the Wal's state} */
    WalState state();

    /** {@return the highest sequence number in the log} */
    long lastSeq();

    /**
     * {@return entries some configured target has not finished (PENDING or RETRYING for it): the
     * backpressure figure, the largest over the targets}
     */
    long unfinishedEntries();

    /** {@return the payload bytes of {@link #unfinishedEntries()}, the largest over the targets} */
    long unfinishedBytes();

    /** {@return (entry, target) pairs in the dead-letter queue} */
    long deadLetters();

    /** {@return entries written since start (duplicates not counted)} */
    long writes();

    /** {@return writes answered with an earlier entry's result (idempotency key seen)} */
    long duplicateWrites();

    /**
     * {@return the median time from a write's call to its durable acknowledgement (excluding any
     * backpressure wait and immediate apply), in microseconds, measured with System.nanoTime()}
     */
    long writeLatencyP50Micros();

    /** {@return the 99th percentile of the write latency, in microseconds} */
    long writeLatencyP99Micros();

    /** {@return the 99.9th percentile of the write latency, in microseconds} */
    long writeLatencyP999Micros();

    /** {@return caller-supplied idempotency keys remembered (within the retention period)} */
    long idempotencyKeys();

    /** {@return per target name, in the order the targets were added, its figures} */
    Map<String, TargetStats> targets();

    /** {@return the storage's own figures} */
    StorageStats storage();

    /**
     * The figures of one target.
     *
     * @throws IllegalArgumentException if this Wal has no target {@code name}
     */
    default TargetStats target(String name) {
        TargetStats stats = targets().get(name);
        if (stats == null) {
            throw new IllegalArgumentException("no target '" + name + "'; targets are " + targets().keySet());
        }
        return stats;
    }
}
