package org.wal4j.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for a DAO whose calls {@link JdbcSyncTarget} replays: while the target
 * applies an entry on a thread, {@link #getConnection()} on that thread returns the apply
 * transaction's connection, so the DAO's SQL and the entry's idempotency record commit or roll
 * back together. On that connection {@code commit}, {@code rollback()}, {@code setAutoCommit}
 * and {@code close} do nothing (a {@code rollback()} fails the entry instead; see below). On any
 * other thread, or outside an apply, it is the wrapped data source.
 *
 * <pre>{@code
 * TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(pool);
 * AccountDao dao = new JdbcAccountDao(dataSource);          // plain JDBC, commits as usual
 * JdbcSyncTarget primary = JdbcSyncTarget.builder("primary", dataSource).build();
 * }</pre>
 *
 * <p>Rules for the DAO during an apply: do all the work on the calling thread (a connection
 * obtained on another thread is a separate transaction); do not keep the connection after the
 * call returns (it throws once the apply ended); to abort, throw: a {@code rollback()} without
 * an exception is reported as a failed entry, since the target cannot undo one entry of a batch
 * alone. {@code getConnection(user, password)} also returns the apply transaction during an
 * apply: the credentials cannot change an open transaction.
 *
 * <p>Thread-safe. The binding is per thread and per instance.
 */
public final class TransactionAwareDataSource implements DataSource {
    private final DataSource target;
    @SuppressWarnings("ThreadLocalUsage") // per instance by design: each data source binds its own transactions
    private final ThreadLocal<TransactionBinding> bound = new ThreadLocal<>();

    private TransactionAwareDataSource(DataSource target) {
        this.target = target;
    }

    /** Wraps {@code target}; a {@code TransactionAwareDataSource} is returned as it is. */
    public static TransactionAwareDataSource wrap(DataSource target) {
        Objects.requireNonNull(target, "target must not be null");
        return target instanceof TransactionAwareDataSource ? (TransactionAwareDataSource) target
                : new TransactionAwareDataSource(target);
    }

    /** The wrapped data source. */
    public DataSource targetDataSource() {
        return target;
    }

    /** True while an entry's apply transaction is bound to the calling thread. */
    public boolean isBoundToCurrentThread() {
        return bound.get() != null;
    }

    @Override
    public Connection getConnection() throws SQLException {
        TransactionBinding binding = bound.get();
        return binding != null ? binding.newDataSourceHandle() : target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        TransactionBinding binding = bound.get();
        return binding != null ? binding.newDataSourceHandle() : target.getConnection(username, password);
    }

    /** The apply transaction bound to the calling thread, or null. */
    TransactionBinding currentBinding() {
        return bound.get();
    }

    /**
     * Binds {@code binding} to the calling thread until the returned scope is closed.
     *
     * @throws IllegalStateException if another apply is already bound to this thread
     */
    Scope bind(TransactionBinding binding) {
        TransactionBinding current = bound.get();
        if (current != null) {
            throw new IllegalStateException("thread " + Thread.currentThread().getName() + " is already applying "
                    + current.description() + " through this TransactionAwareDataSource; cannot also apply "
                    + binding.description());
        }
        bound.set(binding);
        return bound::remove;
    }

    /** Ends a {@link #bind} on the thread that made it. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
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
        return "TransactionAwareDataSource{" + target + '}';
    }
}
