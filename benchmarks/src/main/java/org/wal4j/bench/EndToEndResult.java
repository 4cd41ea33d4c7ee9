package org.wal4j.bench;

/**
 * One workload's figures in the end-to-end benchmark ({@link EndToEndBenchmark}). Rates are calls
 * of the application per second, whatever number of log entries a call makes.
 *
 * <p>Immutable.
 *
 * @param workload              short id, for example {@code repository_t16}
 * @param what                  what the application does
 * @param threads               application threads
 * @param calls                 calls measured (after any warm-up)
 * @param seconds               from the first call to the last call applied (for the drain: from
 *                              the database's return to the last call applied)
 * @param acknowledgedPerSecond calls returned to the application per second while it was calling
 * @param appliedPerSecond      calls committed in the database per second over {@code seconds}: the
 *                              throughput the application can sustain
 * @param backlogAtEnd          calls acknowledged but not yet applied when the application stopped
 *                              calling (0 for the direct DAO)
 * @param entriesPerApplyCall   mean entries per {@code SyncTarget.apply} call, or null without the log
 * @param applyP50Micros        median time of one apply call, or null without the log
 * @param applyP99Micros        99th percentile of one apply call, or null without the log
 */
record EndToEndResult(String workload, String what, int threads, long calls, double seconds,
                      double acknowledgedPerSecond, double appliedPerSecond, long backlogAtEnd,
                      Double entriesPerApplyCall, Long applyP50Micros, Long applyP99Micros) {
}
