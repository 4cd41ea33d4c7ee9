package org.wal4j;

import org.wal4j.spi.SyncTarget;

/**
 * A snapshot of one sync target's counters. Counts of events are since this {@link Wal} started;
 * backlog figures are current. Latencies are of {@link SyncTarget#apply} calls, in microseconds,
 * measured with {@link System#nanoTime()} (a measurement, never a decision: everything the engine
 * decides follows the injected clock).
 *
 * <p>Immutable and thread-safe.
 *
 * @param target              the target's name
 * @param breakerState        its circuit breaker's state
 * @param unappliedEntries    entries PENDING or RETRYING for this target (its lag in entries)
 * @param unappliedBytes      their payload bytes
 * @param lagSeconds          age of the oldest entry PENDING or RETRYING for this target, 0 when none
 * @param deadLetters         entries in the dead-letter queue for this target
 * @param checkpoint          the persisted checkpoint: every entry at or below it is terminal for
 *                            this target
 * @param applied             entries applied
 * @param retried             failed attempts followed by a retry
 * @param deadLettered        entries dead-lettered
 * @param expired             entries that expired before being applied
 * @param attempts            entries sent to the target (an entry sent twice counts twice)
 * @param applyCalls          {@link SyncTarget#apply} calls
 * @param applyLatencyP50Micros  median apply call latency
 * @param applyLatencyP99Micros  99th percentile
 * @param applyLatencyP999Micros 99.9th percentile
 */
public record TargetStats(String target, BreakerState breakerState, long unappliedEntries, long unappliedBytes,
                          double lagSeconds, long deadLetters, long checkpoint, long applied, long retried,
                          long deadLettered, long expired, long attempts, long applyCalls,
                          long applyLatencyP50Micros, long applyLatencyP99Micros, long applyLatencyP999Micros) {
}
