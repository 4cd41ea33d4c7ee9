package org.wal4j.bench;

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
 * A connection pool of one, for benchmarks: {@link #getConnection()} lends the one physical
 * connection (waiting while it is lent) and the borrower's {@code close()} gives it back, rolling
 * back anything left uncommitted and restoring auto-commit. Like a real pool it keeps the connection
 * open between borrowers and does not check it on each loan, so a benchmark that gets a connection
 * per call measures what an application with a pool pays, not a TCP connect and a server fork.
 *
 * <p>Thread-safe: one borrower at a time.
 */
final class OneConnectionDataSource implements DataSource, AutoCloseable {
    private final Connection physical;
    private final Semaphore free = new Semaphore(1);

    /** Opens the one connection. */
    OneConnectionDataSource(DataSource target) throws SQLException {
        this.physical = target.getConnection();
    }

    @Override
    public Connection getConnection() {
        free.acquireUninterruptibly();
        return lent();
    }

    /** Closes the physical connection. */
    @Override
    public void close() throws SQLException {
        physical.close();
    }

    private Connection lent() {
        boolean[] returned = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!returned[0]) {
                            returned[0] = true;
                            giveBack();
                        }
                        return null;
                    }
                    if (returned[0]) {
                        if (method.getName().equals("isClosed")) {
                            return true;
                        }
                        throw new SQLException("Connection already given back to the pool", "08003");
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void giveBack() throws SQLException {
        try {
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
        } finally {
            free.release();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("OneConnectionDataSource lends one connection with fixed credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // nothing is logged
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the one connection is opened in the constructor
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("OneConnectionDataSource wraps nothing of type " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
