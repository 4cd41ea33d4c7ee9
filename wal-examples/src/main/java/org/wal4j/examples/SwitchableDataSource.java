package org.wal4j.examples;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * The examples' database outage: a {@link DataSource} in front of the real one that can be cut
 * off. While cut off, every {@link #getConnection()} fails the way a driver reports a database
 * it cannot reach: an {@link SQLException} with SQLSTATE {@value #CONNECTION_FAILURE}
 * ("unable to establish connection"). wal4j's {@code SqlStateClassifier} treats class 08 as
 * retryable, so the calls stay in the log, the target's circuit breaker opens, and applying
 * resumes once connections work again. Connections handed out before the cut keep working.
 *
 * <p>Thread-safe.
 */
final class SwitchableDataSource extends DataSourceAdapter {
    /** The SQLSTATE of the failure while cut off. */
    static final String CONNECTION_FAILURE = "08001";

    private final DataSource database;
    private final String name;
    private volatile boolean reachable = true;

    SwitchableDataSource(DataSource database, String name) {
        this.database = database;
        this.name = name;
    }

    /** From now on, connections fail. */
    void cutOff() {
        reachable = false;
    }

    /** From now on, connections work again. */
    void restore() {
        reachable = true;
    }

    boolean isReachable() {
        return reachable;
    }

    /** What the examples call the database in their output: "the database", "the replica". */
    String name() {
        return name;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!reachable) {
            throw new SQLTransientConnectionException("Connection to " + name + " refused (the example cut it off)",
                    CONNECTION_FAILURE);
        }
        return database.getConnection();
    }

    @Override
    public String toString() {
        return "SwitchableDataSource{" + name + (reachable ? ", reachable" : ", cut off") + '}';
    }
}
