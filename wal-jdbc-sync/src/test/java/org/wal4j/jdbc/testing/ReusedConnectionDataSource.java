package org.wal4j.jdbc.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A pool of one connection, for measurements and tests that must not pay for a new connection
 * per call (as an application with a real pool does not): {@code getConnection()} waits until
 * the connection is free and returns it; {@code close()} rolls back anything uncommitted,
 * restores auto-commit and frees it. A connection that is no longer valid is replaced.
 *
 * <p>Thread-safe: one borrower at a time.
 */
public final class ReusedConnectionDataSource implements DataSource {
    private final DataSource target;
    private final Semaphore free = new Semaphore(1, true);
    private Connection physical; // @GuardedBy free

    public ReusedConnectionDataSource(DataSource target) {
        this.target = target;
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

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("ReusedConnectionDataSource has one set of credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
