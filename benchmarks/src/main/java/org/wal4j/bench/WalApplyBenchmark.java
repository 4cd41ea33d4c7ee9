package org.wal4j.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.SqlDialect;
import org.wal4j.jdbc.SqlStatementEntry;
import org.wal4j.spi.ApplyResult;

/**
 * {@code benchmarks/run.sh --jmh WalApplyBenchmark}: applying the log to PostgreSQL — wal4j's
 * {@link JdbcSyncTarget} applying batches of {@value #BATCH} SQL-statement entries, each with its
 * idempotency record and the checkpoint row in the same transaction, against a raw JDBC batch insert
 * of the same rows in one transaction per {@value #BATCH}. Figures are rows per second.
 *
 * <h2>The rows</h2>
 * Those of {@link PostgresOutboxBenchmark}: its outbox table and its {@code INSERT}, with the payload
 * of {@link Payloads#json(int)}. Each wal4j entry is a {@link SqlStatementEntry} of that
 * {@code INSERT} with its three parameters, a new id (so a new idempotency key: nothing is skipped as
 * already applied) and the next seq. The batch size is the {@code Wal}'s default,
 * {@link WalConfig#DEFAULT_MAX_BATCH_SIZE}. The entries are built before each call, outside the
 * timing: the log hands the target entries it has read, not built.
 *
 * <h2>Connections</h2>
 * Both sides use one connection for the trial, kept open: the raw side holds it; the target gets it
 * from a {@link OneConnectionDataSource} per batch, as it would from an application's pool. The
 * database is the embedded, durably configured server of {@link EmbeddedPostgresServer}
 * ({@code synchronous_commit=on}), so every commit waits for PostgreSQL's WAL flush on this disk.
 *
 * <p>One thread ({@link Scope#Thread}).
 */
@State(Scope.Thread)
@Threads(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 8, time = 1)
public class WalApplyBenchmark {

    /** Entries per apply call and rows per raw batch: the {@code Wal}'s default batch size. */
    static final int BATCH = WalConfig.DEFAULT_MAX_BATCH_SIZE;

    static final String EVENT_TYPE = "AccountDebited";

    @Param({Payloads.SMALL, Payloads.LARGE})
    int payloadBytes;

    EmbeddedPostgresServer.BenchDatabase database;
    private String payload;
    private OneConnectionDataSource pool;
    private JdbcSyncTarget target;
    private Connection rawConnection;
    private PreparedStatement rawInsert;
    private long nextSeq = 1;
    private List<WalEntry> batch = List.of();

    @Setup(Level.Trial)
    public void open() throws SQLException {
        database = EmbeddedPostgresServer.shared().createDatabase("apply");
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(PostgresOutboxBenchmark.CREATE_TABLE);
        }
        payload = new String(Payloads.json(payloadBytes), StandardCharsets.UTF_8);
        pool = new OneConnectionDataSource(database.dataSource());
        target = JdbcSyncTarget.builder("primary", pool).dialect(SqlDialect.POSTGRESQL).build();
        target.createSchema();
        rawConnection = database.connect();
        rawConnection.setAutoCommit(false);
        rawInsert = rawConnection.prepareStatement(PostgresOutboxBenchmark.INSERT);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        try {
            rawInsert.close();
            rawConnection.close();
            pool.close();
        } finally {
            database.close();
        }
    }

    /** The next {@value #BATCH} entries, with new ids and the next seqs. */
    @Setup(Level.Invocation)
    public void nextBatch() {
        List<WalEntry> entries = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            long seq = nextSeq++;
            entries.add(SqlStatementEntry.builder("bench", PostgresOutboxBenchmark.INSERT, aggregateKey(seq), EVENT_TYPE,
                            payload)
                    .key(aggregateKey(seq)).createdAt(Instant.parse("2026-01-01T00:00:00Z")).targets("primary")
                    .build().withSeq(seq));
        }
        batch = entries;
    }

    /** Applies one batch through the target; fails unless every entry was applied. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public ApplyResult applyJdbcSyncTarget() {
        ApplyResult result = target.apply(batch);
        if (!result.allApplied()) {
            throw new IllegalStateException("JdbcSyncTarget did not apply the batch: " + result);
        }
        return result;
    }

    /** Inserts the same rows with one JDBC batch and commits. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int rawJdbcBatchInsert() throws SQLException {
        for (WalEntry entry : batch) {
            rawInsert.setString(1, aggregateKey(entry.seq()));
            rawInsert.setString(2, EVENT_TYPE);
            rawInsert.setString(3, payload);
            rawInsert.addBatch();
        }
        int[] counts = rawInsert.executeBatch();
        rawConnection.commit();
        if (counts.length != BATCH) {
            throw new IllegalStateException("JDBC batch reported " + counts.length + " counts, expected " + BATCH);
        }
        return counts.length;
    }

    static String aggregateKey(long seq) {
        return "account-" + (seq % 64);
    }
}
