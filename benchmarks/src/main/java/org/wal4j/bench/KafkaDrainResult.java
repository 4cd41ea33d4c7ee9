package org.wal4j.bench;

/**
 * One row of the Kafka drain benchmark ({@link KafkaDrainBenchmark}): a drain by some instances,
 * or the DAO called directly. Rates are calls of the application per second.
 *
 * <p>Immutable.
 *
 * @param workload            short id: {@code direct_t18}, {@code drain_i3}
 * @param what                what ran
 * @param round               the drain's round (0 for the baseline)
 * @param instances           application instances draining (0 for the baseline)
 * @param threads             application threads calling (for a drain: writing the backlog)
 * @param calls               calls measured
 * @param seconds             the direct DAO: from the first call to the last return; a drain: from
 *                            the database's return to the last entry applied
 * @param callsPerSecond      {@code calls / seconds}
 * @param backlog             entries unapplied when the database came back (0 for the baseline)
 * @param writeSeconds        how long writing the backlog took (0 for the baseline)
 * @param commits             database transactions: apply calls during the drain, or calls
 * @param entriesPerCommit    entries per transaction
 * @param applyP50Micros      the slowest instance's median apply call since it started, or null
 * @param partitionsPerInstance the topic partitions each instance owned at the end, as "2+2+2"
 * @param cpu                 where the CPU went while it ran
 */
record KafkaDrainResult(String workload, String what, int round, int instances, int threads, long calls,
                        double seconds, double callsPerSecond, long backlog, double writeSeconds, long commits,
                        double entriesPerCommit, Long applyP50Micros, String partitionsPerInstance,
                        CpuMeter.Use cpu) {
}
