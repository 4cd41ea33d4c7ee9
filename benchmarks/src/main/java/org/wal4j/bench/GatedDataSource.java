package org.wal4j.bench;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that hands out no connection while it is {@link #shut()}: {@code getConnection}
 * waits at the gate, as on a database that accepts no connections yet, until {@link #open()}, then
 * takes one from the data source it wraps. The end-to-end benchmark's drain workload writes its backlog while the gate is shut, so
 * that nothing is applied before the database "comes back". Everything but
 * {@code getConnection} goes straight to the wrapped data source.
 *
 * <p>Thread-safe: the gate is a latch, replaced by a new one when shut again.
 */
final class GatedDataSource implements DataSource {
    private final DataSource target;
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));

    /** A data source whose gate is open. */
    GatedDataSource(DataSource target) {
        this.target = target;
    }

    /** Lets every waiting and later {@code getConnection} through. */
    void open() {
        gate.get().countDown();
    }

    /** Makes later {@code getConnection} calls wait until {@link #open()}; does nothing if shut. */
    void shut() {
        gate.updateAndGet(current -> current.getCount() == 0 ? new CountDownLatch(1) : current);
    }

    /** Whether {@code getConnection} goes through without waiting. */
    boolean isOpen() {
        return gate.get().getCount() == 0;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            gate.get().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for the database to come back", "08001", e);
        }
        return target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("GatedDataSource hands out its target's connections only");
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

    @Override
    public String toString() {
        return "GatedDataSource{" + (isOpen() ? "open" : "shut") + ", " + target + '}';
    }
}
