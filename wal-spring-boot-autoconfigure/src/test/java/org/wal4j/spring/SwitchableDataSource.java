package org.wal4j.spring;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A DataSource a test switches off or makes hang: while down, {@code getConnection} fails with
 * SQLSTATE 08001; while hung, it blocks until the hang ends or its thread is interrupted (then it
 * fails with 08001).
 */
final class SwitchableDataSource implements DataSource {
    private final DataSource target;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicReference<@Nullable CountDownLatch> hang = new AtomicReference<>();

    SwitchableDataSource(DataSource target) {
        this.target = target;
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    /** Makes {@code getConnection} block (true) until called with false. */
    void hang(boolean hung) {
        CountDownLatch was = hang.getAndSet(hung ? new CountDownLatch(1) : null);
        if (was != null) {
            was.countDown();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        CountDownLatch hung = hang.get();
        if (hung != null) {
            try {
                hung.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while the test made the database hang", "08001", e);
            }
        }
        if (down.get()) {
            throw new SQLException("the test switched the database off", "08001");
        }
        return target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
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
        return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target.isWrapperFor(iface);
    }
}
