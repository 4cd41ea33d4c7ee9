package org.wal4j.jdbc.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;

/**
 * A pool of one connection, for measurements and tests that must not pay for a new connection
 * per call (as an application with a real pool does not): {@code getConnection()} waits until
 * the connection is free and returns it; {@code close()} rolls back anything uncommitted,
 * restores auto-commit and frees it. A connection that is no longer valid is replaced.
 *
 * <p>Thread-safe: one borrower at a time.
 */
public final class ReusedConnectionDataSource extends ForwardingDataSource {
    private final Semaphore free = new Semaphore(1, true);
    private Connection physical; // @GuardedBy free

    public ReusedConnectionDataSource(DataSource target) {
        super(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
        free.acquireUninterruptibly();
        try {
            if (physical == null || !physical.isValid(2)) {
                closePhysical();
                physical = target.getConnection();
            }
            return borrowed(physical);
        } catch (SQLException | RuntimeException e) {
            free.release();
            throw e;
        }
    }

    /** Closes the physical connection (when it is free). */
    public void shutdown() {
        free.acquireUninterruptibly();
        try {
            closePhysical();
        } finally {
            free.release();
        }
    }

    private Connection borrowed(Connection connection) {
        boolean[] returned = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!returned[0]) {
                            returned[0] = true;
                            giveBack(connection);
                        }
                        return null;
                    }
                    if (method.getName().equals("isClosed") && returned[0]) {
                        return true;
                    }
                    if (returned[0]) {
                        throw new SQLException("connection already returned to the pool", "08003");
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void giveBack(Connection connection) {
        try {
            if (!connection.isClosed() && !connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            closePhysical();
        } finally {
            free.release();
        }
    }

    private void closePhysical() {
        if (physical != null) {
            try {
                physical.close();
            } catch (SQLException ignored) {
                // broken anyway
            }
            physical = null;
        }
    }
}
