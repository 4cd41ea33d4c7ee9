package org.wal4j.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.wal4j.TargetStats;
import org.wal4j.config.ConfigSources;
import org.wal4j.jdbc.SqlStatementEntry;

/**
 * The workloads of the end-to-end benchmark, each on a fresh database of the shared embedded
 * PostgreSQL ({@code fsync=on}, {@code synchronous_commit=on}) seeded by {@link TradingTables}, and
 * each checked afterwards: every call measured or warmed up took effect exactly once
 * ({@link TradingTables#requireExactlyOnce}).
 *
 * <ul>
 *   <li>{@link #direct}: the DAO called directly on a HikariCP pool of one connection per thread —
 *       the baseline.</li>
 *   <li>{@link #repository}: the same DAO through {@code DurableRepository}; the application calls
 *       for the measured time, then the harness waits until the target has applied everything it
 *       acknowledged. Applied per second is calls over that whole time.</li>
 *   <li>{@link #sqlBatch}: the same two statements as two {@link SqlStatementEntry} per call,
 *       written together with {@code Wal.writeBatch}.</li>
 *   <li>{@link #drain}: a backlog written while the target gets no connection, then drained when it
 *       does; the rate is calls over the time from the database's return to the last applied.</li>
 * </ul>
 * While the application calls, the log's backlog is bounded by backpressure
 * ({@code wal.backpressure.max.entries}, {@link Settings#backlogEntries}) unless the settings name
 * it, so a run ends within about {@code backlog ÷ apply rate} of the measured time. The drain has no
 * such bound.
 *
 * <p>Not thread-safe: one workload at a time (each runs its own threads).
 */
final class EndToEndWorkloads {

    /**
     * How the workloads run.
     *
     * @param measure        how long the application calls in a measured phase
     * @param warmup         how long it calls before that, unmeasured (zero: no warm-up)
     * @param drainCalls     calls in the drain's backlog
     * @param backlogEntries the backpressure bound while the application calls
     * @param walProperties  {@code wal.*} settings of the {@code Wal} and its log, over the harness's
     * @param applyTimeout   longest wait for a backlog to be applied before the run fails
     */
    record Settings(Duration measure, Duration warmup, long drainCalls, long backlogEntries, Properties walProperties,
                    Duration applyTimeout) {
    }

    /** Work that may fail with SQL. */
    @FunctionalInterface
    private interface Workload {
        EndToEndResult run(EmbeddedPostgresServer.BenchDatabase database) throws SQLException;
    }

    private final EmbeddedPostgresServer server;
    private final Settings settings;

    EndToEndWorkloads(EmbeddedPostgresServer server, Settings settings) {
        this.server = server;
        this.settings = settings;
    }

    /** The DAO called directly by {@code threads} threads on a pool of as many connections. */
    EndToEndResult direct(int threads) throws SQLException {
        return onFreshDatabase(database -> {
            try (HikariDataSource pool = Pipeline.pool(database.dataSource(), threads, "e2e-direct")) {
                JdbcTradingDao dao = new JdbcTradingDao(pool);
                LoadDriver.Load warm = warmup(threads, dao);
                LoadDriver.Load load = LoadDriver.forDuration("m", threads, settings.measure(), dao::trade);
                TradingTables.requireExactlyOnce(pool, warm.calls() + load.calls(), warm.amount() + load.amount());
                return new EndToEndResult("direct_t" + threads, "DAO called directly", threads, load.calls(),
                        load.seconds(), load.callsPerSecond(), load.callsPerSecond(), 0, null, null, null);
            }
        });
    }

    /** The DAO through {@code DurableRepository}, {@code threads} threads. */
    EndToEndResult repository(int threads) throws SQLException {
        return onFreshDatabase(database -> {
            try (Pipeline pipeline = Pipeline.start(database.dataSource(), threads, callingSettings(), true)) {
                TradingDao dao = pipeline.repository();
                return continuous("repository_t" + threads, "DAO through DurableRepository", threads, 1, pipeline,
                        dao::trade, database);
            }
        });
    }

    /** Each call as two {@link SqlStatementEntry} in one {@code Wal.writeBatch}, {@code threads} threads. */
    EndToEndResult sqlBatch(int threads) throws SQLException {
        return onFreshDatabase(database -> {
            try (Pipeline pipeline = Pipeline.start(database.dataSource(), threads, callingSettings(), true)) {
                LoadDriver.Call call = (accountId, amount, tradeId) -> {
                    String key = Long.toString(accountId);
                    pipeline.wal().writeBatch(List.of(
                            SqlStatementEntry.builder(TradingTables.NAMESPACE, TradingTables.UPDATE_BALANCE, amount,
                                    accountId).key(key),
                            SqlStatementEntry.builder(TradingTables.NAMESPACE, TradingTables.INSERT_TRADE, tradeId,
                                    accountId, amount).key(key)));
                };
                return continuous("sqlBatch_t" + threads, "2 SqlStatementEntry per call, Wal.writeBatch", threads, 2,
                        pipeline, call, database);
            }
        });
    }

    /**
     * {@link Settings#drainCalls} calls through {@code DurableRepository} by {@code threads} threads
     * while the database is unreachable, then the time to apply them all once it is back.
     */
    EndToEndResult drain(int threads) throws SQLException {
        return onFreshDatabase(database -> {
            try (Pipeline pipeline = Pipeline.start(database.dataSource(), threads, sources(new Properties()), false)) {
                TradingDao dao = pipeline.repository();
                LoadDriver.Load load = LoadDriver.forCount("d", threads, settings.drainCalls(), dao::trade);
                long backlog = load.calls() - pipeline.appliedEntries();
                long back = System.nanoTime();
                pipeline.databaseBack();
                long end = pipeline.awaitApplied(load.calls(), settings.applyTimeout());
                TargetStats stats = pipeline.targetStats();
                pipeline.shutDown();
                TradingTables.requireExactlyOnce(database.dataSource(), load.calls(), load.amount());
                double seconds = (end - back) / 1e9;
                return new EndToEndResult("drain_t" + threads, "drain a backlog written while the database was down",
                        threads, load.calls(), seconds, load.callsPerSecond(), load.calls() / seconds, backlog,
                        perCall(stats), stats.applyLatencyP50Micros(), stats.applyLatencyP99Micros());
            }
        });
    }

    /**
     * Calls for the measured time (after the warm-up, applied first), then waits for the backlog;
     * checks the database once the pipeline is closed.
     */
    private EndToEndResult continuous(String workload, String what, int threads, int entriesPerCall,
                                      Pipeline pipeline, LoadDriver.Call call,
                                      EmbeddedPostgresServer.BenchDatabase database) throws SQLException {
        LoadDriver.Load warm = settings.warmup().isZero() ? new LoadDriver.Load(0, 0, 0, 1)
                : LoadDriver.forDuration("w", threads, settings.warmup(), call);
        pipeline.awaitApplied(warm.calls() * entriesPerCall, settings.applyTimeout());
        long before = pipeline.appliedEntries();
        LoadDriver.Load load = LoadDriver.forDuration("m", threads, settings.measure(), call);
        long backlog = load.calls() - (pipeline.appliedEntries() - before) / entriesPerCall;
        long end = pipeline.awaitApplied(before + load.calls() * entriesPerCall, settings.applyTimeout());
        TargetStats stats = pipeline.targetStats();
        pipeline.shutDown();
        TradingTables.requireExactlyOnce(database.dataSource(), warm.calls() + load.calls(),
                warm.amount() + load.amount());
        double seconds = (end - load.startNanos()) / 1e9;
        return new EndToEndResult(workload, what, threads, load.calls(), seconds, load.callsPerSecond(),
                load.calls() / seconds, backlog, perCall(stats), stats.applyLatencyP50Micros(),
                stats.applyLatencyP99Micros());
    }

    private LoadDriver.Load warmup(int threads, TradingDao dao) {
        return settings.warmup().isZero() ? new LoadDriver.Load(0, 0, 0, 1)
                : LoadDriver.forDuration("w", threads, settings.warmup(), dao::trade);
    }

    /** The settings while the application calls: the harness's backlog bound, then the user's. */
    private ConfigSources callingSettings() {
        Properties bound = new Properties();
        bound.setProperty("wal.backpressure.max.entries", Long.toString(settings.backlogEntries()));
        return sources(bound);
    }

    private ConfigSources sources(Properties harness) {
        Properties merged = new Properties();
        merged.putAll(harness);
        merged.putAll(settings.walProperties());
        return ConfigSources.defaults().properties(merged);
    }

    private static Double perCall(TargetStats stats) {
        return stats.applyCalls() == 0 ? null : (double) stats.applied() / stats.applyCalls();
    }

    private EndToEndResult onFreshDatabase(Workload workload) throws SQLException {
        try (EmbeddedPostgresServer.BenchDatabase database = server.createDatabase("e2e")) {
            TradingTables.create(database.dataSource());
            return workload.run(database);
        }
    }
}
