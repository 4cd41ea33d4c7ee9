package org.wal4j.bench;

import java.util.List;

/**
 * What the report shows, in which order, and the performance targets: the single place
 * that names the benchmarks of the comparison.
 *
 * <h2>Rows and benchmarks</h2>
 * A row shows its result when one with that exact {@code Class.method} and mode is in the JMH
 * output; the targets then compute themselves. A row whose method does not exist (yet) shows as
 * <i>pending</i>, one whose method exists but did not run as <i>not run</i>. The wal4j rows:
 * <ul>
 *   <li>{@code WalAppendBenchmark.always_t1/_t16/_t64} (throughput) and
 *       {@code alwaysLatency_t1/_t16/_t64} (sample time), {@code alwaysAsyncPipelined_t1},
 *       {@code interval_t1}, {@code none_t1} (throughput); {@code @Param payloadBytes}.</li>
 *   <li>{@code WalApplyBenchmark.applyJdbcSyncTarget} and {@code rawJdbcBatchInsert}
 *       (throughput, entries per second).</li>
 *   <li>{@code WalRecoveryBenchmark.open1M} (single shot) with an {@code @AuxCounters} metric
 *       {@code heapBytesPerUnfinishedEntry}.</li>
 * </ul>
 * Any other result in the JMH output is listed too, after these, so ad-hoc benchmarks are not lost.
 *
 * <p>Immutable.
 */
final class BenchmarkCatalog {

    /** What a row is measured as. */
    enum Kind {
        BASELINE("baseline"), PEER("peer"), WAL4J("wal4j");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * A row of the report.
     *
     * @param benchmark  {@code Class.method}
     * @param mode       JMH mode: {@code thrpt}, {@code sample} or {@code ss}
     * @param what       what is measured, for a reader
     * @param durability what is true of a record when the call returns
     */
    record Row(Kind kind, String benchmark, String mode, String what, String durability) {
    }

    /** Which number of a result a target reads. */
    enum Statistic {
        SCORE, P50, P99, SECONDARY
    }

    /**
     * A number taken from a result: {@code statistic} of {@code benchmark} in {@code mode}; for
     * {@link Statistic#SECONDARY}, the secondary metric {@code secondaryName}.
     */
    record Metric(String benchmark, String mode, Statistic statistic, String secondaryName) {
        static Metric score(String benchmark, String mode) {
            return new Metric(benchmark, mode, Statistic.SCORE, null);
        }

        static Metric p50(String benchmark) {
            return new Metric(benchmark, SAMPLE, Statistic.P50, null);
        }

        static Metric p99(String benchmark) {
            return new Metric(benchmark, SAMPLE, Statistic.P99, null);
        }
    }

    /**
     * A target of issue 6: {@code measured} must be at least ({@code atLeast}) or at most
     * {@code factor} × the best of {@code references} (higher is better for throughput, lower for
     * time), or, when {@code references} is empty, {@code factor} itself in {@code unit}.
     */
    record Target(String description, Metric measured, boolean atLeast, double factor, List<Metric> references,
                  String unit) {
        boolean isAbsolute() {
            return references.isEmpty();
        }
    }

    static final String THRPT = "thrpt";
    static final String SAMPLE = "sample";
    static final String SINGLE_SHOT = "ss";

    static final String RAW_FORCE = "FileChannelForceBenchmark.writeAndForce";
    static final String RAW_FORCE_LATENCY = "FileChannelForceBenchmark.writeAndForceLatency";
    static final String RAW_WRITE = "FileChannelWriteBenchmark.write_t1";
    static final String GROUP_COMMIT_T1 = "GroupCommitBenchmark.append_t1";
    static final String GROUP_COMMIT_T16 = "GroupCommitBenchmark.append_t16";
    static final String GROUP_COMMIT_T64 = "GroupCommitBenchmark.append_t64";
    static final String OUTBOX_T1 = "PostgresOutboxBenchmark.insert_t1";
    static final String OUTBOX_T16 = "PostgresOutboxBenchmark.insert_t16";
    static final String OUTBOX_T64 = "PostgresOutboxBenchmark.insert_t64";
    static final String TAPE_T1 = "TapeQueueFileBenchmark.add_t1";
    static final String TAPE_T64 = "TapeQueueFileBenchmark.addSynchronized_t64";
    static final String CHRONICLE = "ChronicleQueueBenchmark.append_t1";

    static final String WAL_ALWAYS_T1 = "WalAppendBenchmark.always_t1";
    static final String WAL_ALWAYS_T16 = "WalAppendBenchmark.always_t16";
    static final String WAL_ALWAYS_T64 = "WalAppendBenchmark.always_t64";
    static final String WAL_ALWAYS_LATENCY_T1 = "WalAppendBenchmark.alwaysLatency_t1";
    static final String WAL_ALWAYS_LATENCY_T16 = "WalAppendBenchmark.alwaysLatency_t16";
    static final String WAL_ALWAYS_LATENCY_T64 = "WalAppendBenchmark.alwaysLatency_t64";
    static final String WAL_ASYNC = "WalAppendBenchmark.alwaysAsyncPipelined_t1";
    static final String WAL_INTERVAL = "WalAppendBenchmark.interval_t1";
    static final String WAL_NONE = "WalAppendBenchmark.none_t1";
    static final String WAL_APPLY = "WalApplyBenchmark.applyJdbcSyncTarget";
    static final String RAW_JDBC_BATCH = "WalApplyBenchmark.rawJdbcBatchInsert";
    static final String WAL_OPEN = "WalRecoveryBenchmark.open1M";
    static final String HEAP_PER_ENTRY = "heapBytesPerUnfinishedEntry";

    private static final String FDATASYNC_EACH = "on disk: fdatasync per record";
    private static final String FDATASYNC_GROUP = "on disk: one fdatasync per group";

    static final List<Row> THROUGHPUT = List.of(
            new Row(Kind.BASELINE, RAW_FORCE, THRPT, "raw FileChannel write + force(false)", FDATASYNC_EACH),
            new Row(Kind.BASELINE, RAW_WRITE, THRPT, "raw FileChannel write, no force",
                    "written, **not fsynced**: in the page cache"),
            new Row(Kind.BASELINE, GROUP_COMMIT_T1, THRPT, "ideal group commit, raw FileChannel", FDATASYNC_GROUP),
            new Row(Kind.BASELINE, GROUP_COMMIT_T16, THRPT, "ideal group commit, raw FileChannel", FDATASYNC_GROUP),
            new Row(Kind.BASELINE, GROUP_COMMIT_T64, THRPT, "ideal group commit, raw FileChannel", FDATASYNC_GROUP),
            new Row(Kind.PEER, OUTBOX_T1, THRPT, "PostgreSQL outbox INSERT, autocommit",
                    "on disk: WAL flushed (synchronous_commit=on)"),
            new Row(Kind.PEER, OUTBOX_T16, THRPT, "PostgreSQL outbox INSERT, autocommit",
                    "on disk: WAL flushed (synchronous_commit=on)"),
            new Row(Kind.PEER, OUTBOX_T64, THRPT, "PostgreSQL outbox INSERT, autocommit",
                    "on disk: WAL flushed (synchronous_commit=on)"),
            new Row(Kind.PEER, TAPE_T1, THRPT, "Tape QueueFile.add", "on disk: synchronous (rwd) writes"),
            new Row(Kind.PEER, TAPE_T64, THRPT, "Tape QueueFile.add, synchronized on the queue",
                    "on disk: synchronous (rwd) writes"),
            new Row(Kind.PEER, CHRONICLE, THRPT, "Chronicle Queue append",
                    "**not fsynced**: in the page cache (mmap)"),
            new Row(Kind.WAL4J, WAL_ALWAYS_T1, THRPT, "wal4j append, ALWAYS", FDATASYNC_GROUP),
            new Row(Kind.WAL4J, WAL_ALWAYS_T16, THRPT, "wal4j append, ALWAYS", FDATASYNC_GROUP),
            new Row(Kind.WAL4J, WAL_ALWAYS_T64, THRPT, "wal4j append, ALWAYS", FDATASYNC_GROUP),
            new Row(Kind.WAL4J, WAL_ASYNC, THRPT, "wal4j appendAsync pipelined, ALWAYS", FDATASYNC_GROUP),
            new Row(Kind.WAL4J, WAL_INTERVAL, THRPT, "wal4j append, INTERVAL",
                    "written, fsync on a timer"),
            new Row(Kind.WAL4J, WAL_NONE, THRPT, "wal4j append, NONE", "written, **not fsynced**"),
            new Row(Kind.WAL4J, WAL_APPLY, THRPT, "wal4j apply to PostgreSQL (JdbcSyncTarget)",
                    "committed, with idempotency records"),
            new Row(Kind.BASELINE, RAW_JDBC_BATCH, THRPT, "raw JDBC batch INSERT of the same rows", "committed"));

    static final List<Row> LATENCY = List.of(
            new Row(Kind.BASELINE, RAW_FORCE_LATENCY, SAMPLE, "raw FileChannel write + force(false)", FDATASYNC_EACH),
            new Row(Kind.WAL4J, WAL_ALWAYS_LATENCY_T1, SAMPLE, "wal4j append, ALWAYS", FDATASYNC_GROUP),
            new Row(Kind.WAL4J, WAL_ALWAYS_LATENCY_T16, SAMPLE, "wal4j append, ALWAYS", FDATASYNC_GROUP),
            new Row(Kind.WAL4J, WAL_ALWAYS_LATENCY_T64, SAMPLE, "wal4j append, ALWAYS", FDATASYNC_GROUP),
            new Row(Kind.WAL4J, WAL_OPEN, SINGLE_SHOT, "wal4j open + recovery, 1,000,000 unfinished entries",
                    "—"));

    /** Ratios between baselines and peers worth reading on their own, as (numerator, denominator). */
    static final List<List<String>> CONTEXT_RATIOS = List.of(
            List.of(GROUP_COMMIT_T64, RAW_FORCE),
            List.of(GROUP_COMMIT_T16, RAW_FORCE),
            List.of(OUTBOX_T64, GROUP_COMMIT_T64),
            List.of(OUTBOX_T1, RAW_FORCE),
            List.of(TAPE_T1, RAW_FORCE),
            List.of(TAPE_T64, GROUP_COMMIT_T64),
            List.of(CHRONICLE, RAW_FORCE),
            List.of(CHRONICLE, RAW_WRITE));

    static final List<Target> TARGETS = List.of(
            new Target("single-thread ALWAYS p50 ≤ 1.3× raw write+force p50",
                    Metric.p50(WAL_ALWAYS_LATENCY_T1), false, 1.3, List.of(Metric.p50(RAW_FORCE_LATENCY)), "µs"),
            new Target("single-thread ALWAYS p99 < 2 ms",
                    Metric.p99(WAL_ALWAYS_LATENCY_T1), false, 2000, List.of(), "µs"),
            new Target("64-thread ALWAYS throughput ≥ 0.8× ideal group commit (64 threads)",
                    Metric.score(WAL_ALWAYS_T64, THRPT), true, 0.8,
                    List.of(Metric.score(GROUP_COMMIT_T64, THRPT)), "ops/s"),
            new Target("64-thread ALWAYS throughput ≥ 5× PostgreSQL outbox INSERT (64 threads)",
                    Metric.score(WAL_ALWAYS_T64, THRPT), true, 5,
                    List.of(Metric.score(OUTBOX_T64, THRPT)), "ops/s"),
            new Target("64-thread ALWAYS throughput ≥ 20× Tape (best of 1 and 64 threads)",
                    Metric.score(WAL_ALWAYS_T64, THRPT), true, 20,
                    List.of(Metric.score(TAPE_T1, THRPT), Metric.score(TAPE_T64, THRPT)), "ops/s"),
            new Target("async pipelined ALWAYS from one thread ≥ 3× 64-thread blocking ALWAYS",
                    Metric.score(WAL_ASYNC, THRPT), true, 3, List.of(Metric.score(WAL_ALWAYS_T64, THRPT)), "ops/s"),
            new Target("NONE from one thread ≥ 0.5× Chronicle Queue append",
                    Metric.score(WAL_NONE, THRPT), true, 0.5, List.of(Metric.score(CHRONICLE, THRPT)), "ops/s"),
            new Target("apply to PostgreSQL ≥ 0.5× raw JDBC batch insert",
                    Metric.score(WAL_APPLY, THRPT), true, 0.5, List.of(Metric.score(RAW_JDBC_BATCH, THRPT)), "ops/s"),
            new Target("open 1,000,000 unfinished entries ≤ 2 s",
                    Metric.score(WAL_OPEN, SINGLE_SHOT), false, 2_000_000, List.of(), "µs"),
            new Target("heap per unfinished entry ≤ 128 bytes",
                    new Metric(WAL_OPEN, SINGLE_SHOT, Statistic.SECONDARY, HEAP_PER_ENTRY), false, 128, List.of(),
                    "bytes"));

    private BenchmarkCatalog() {
    }
}
