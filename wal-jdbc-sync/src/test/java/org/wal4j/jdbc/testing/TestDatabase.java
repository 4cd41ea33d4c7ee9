package org.wal4j.jdbc.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * One fresh database (a PostgreSQL or MariaDB database, an H2 database file) on a
 * {@link DatabaseEngine}, with helpers for tests: run SQL, count rows, find and kill a
 * connection's server session, wait until a session blocks on a lock.
 *
 * <p>Thread-safe: every helper opens its own connection.
 */
public final class TestDatabase {
    private final DatabaseEngine engine;
    private final String name;

    TestDatabase(DatabaseEngine engine, String name) {
        this.engine = engine;
        this.name = name;
    }

    public DatabaseEngine engine() {
        return engine;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return engine.jdbcUrl(name);
    }

    public String user() {
        return engine.user();
    }

    public String password() {
        return engine.password();
    }

    /** A non-pooled data source: every {@code getConnection()} opens a new connection. */
    public DataSource dataSource() {
        return engine.dataSource(name);
    }

    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /** Runs each statement in auto-commit mode. */
    public void execute(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** The first column of the first row of {@code sql}, as a long. */
    public long queryLong(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("no row from " + sql);
                }
                return rows.getLong(1);
            }
        }
    }

    public long count(String table) throws SQLException {
        return queryLong("SELECT COUNT(*) FROM " + table);
    }

    /** The server-side id of the session behind {@code connection}. */
    public String sessionId(Connection connection) throws SQLException {
        return engine.sessionId(connection);
    }

    /** Ends the session behind {@code connection} from the server side (the client finds out on its next call). */
    public void kill(Connection connection) throws SQLException {
        engine.killSession(this, sessionId(connection));
    }

    public void killSession(String sessionId) throws SQLException {
        engine.killSession(this, sessionId);
    }

    /** Waits until session {@code sessionId} is blocked waiting for a lock. */
    public void awaitLockWait(String sessionId, Duration timeout) throws SQLException, InterruptedException,
            TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!engine.isWaitingForLock(this, sessionId)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("session " + sessionId + " on " + engine.name() + " did not wait for a lock within "
                        + timeout);
            }
            // Not faster: InnoDB refreshes information_schema.innodb_trx only when it was last read more
            // than 100 ms ago, so polling every 20 ms kept serving the snapshot from before the wait.
            Thread.sleep(250);
        }
    }

    @Override
    public String toString() {
        return engine.name() + ":" + name;
    }
}
