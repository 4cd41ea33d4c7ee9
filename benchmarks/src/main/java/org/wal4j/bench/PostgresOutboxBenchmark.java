package org.wal4j.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmarks/run.sh --jmh PostgresOutboxBenchmark}: peer — what a user would do instead of a
 * local log: {@code INSERT} each event into an outbox table of PostgreSQL, committed one by one
 * ({@code autocommit}, {@code synchronous_commit=on}, {@code fsync=on}), one connection per thread,
 * at 1, 16 and 64 threads.
 *
 * <p>The server is the embedded one of {@link EmbeddedPostgresServer}, on the same disk as the
 * other benchmarks, reached over loopback TCP: a best case for PostgreSQL, which in production is
 * usually a network hop away. PostgreSQL groups concurrent commits into shared WAL flushes by
 * itself, so its figure rises with the thread count.
 *
 * <p>Threads share the database ({@link Outbox}, {@link Scope#Benchmark}) and each has its own
 * connection ({@link Session}, {@link Scope#Thread}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 8, time = 1)
public class PostgresOutboxBenchmark {

    /** The outbox table: the usual shape, an identity key, a routing key, a type and a JSON body. */
    static final String CREATE_TABLE = "CREATE TABLE outbox ("
            + " id bigserial PRIMARY KEY,"
            + " aggregate_key text NOT NULL,"
            + " event_type text NOT NULL,"
            + " payload jsonb NOT NULL,"
            + " created_at timestamptz NOT NULL DEFAULT now())";

    static final String INSERT = "INSERT INTO outbox (aggregate_key, event_type, payload) VALUES (?, ?, ?::jsonb)";

    /** One database per trial, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Outbox {
        @Param({Payloads.SMALL, Payloads.LARGE})
        int payloadBytes;

        EmbeddedPostgresServer.BenchDatabase database;
        String payload;

        @Setup(Level.Trial)
        public void create() throws SQLException {
            database = EmbeddedPostgresServer.shared().createDatabase("outbox");
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.execute(CREATE_TABLE);
            }
            payload = new String(Payloads.json(payloadBytes), StandardCharsets.UTF_8);
        }

        @TearDown(Level.Trial)
        public void drop() throws SQLException {
            database.close();
        }
    }

    /** Each thread's own connection, as a connection pool would hand out. */
    @State(Scope.Thread)
    public static class Session {
        Connection connection;
        PreparedStatement insert;

        @Setup(Level.Trial)
        public void connect(Outbox outbox, ThreadParams thread) throws SQLException {
            connect(outbox, thread.getThreadIndex());
        }

        void connect(Outbox outbox, int threadIndex) throws SQLException {
            connection = outbox.database.connect();
            connection.setAutoCommit(true);
            insert = connection.prepareStatement(INSERT);
            insert.setString(1, "account-" + threadIndex);
            insert.setString(2, "AccountDebited");
            insert.setString(3, outbox.payload);
        }

        @TearDown(Level.Trial)
        public void disconnect() throws SQLException {
            connection.close();
        }

        int insert() throws SQLException {
            int rows = insert.executeUpdate();
            if (rows != 1) {
                throw new IllegalStateException("Outbox INSERT reported " + rows + " rows, expected 1");
            }
            return rows;
        }
    }

    @Benchmark
    @Threads(1)
    public int insert_t1(Session session) throws SQLException {
        return session.insert();
    }

    @Benchmark
    @Threads(16)
    public int insert_t16(Session session) throws SQLException {
        return session.insert();
    }

    @Benchmark
    @Threads(64)
    public int insert_t64(Session session) throws SQLException {
        return session.insert();
    }
}
