package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of one {@link JdbcSyncTarget}, each bounded in time so that a database that
 * stops answering (its server stopped, a partition dropping packets) makes the target fail with
 * its own error instead of blocking the engine's worker until the engine's watchdog
 * ({@code WalConfig.targetCallTimeout}) abandons the call:
 * <ul>
 *   <li>{@code getConnection} runs on a thread of its own and is given up at
 *       {@code connectionTimeout}: a pool validating a pooled connection ({@code isValid}) or a
 *       driver in its startup handshake with a stopped server blocks in a socket read that no
 *       setting of ours reaches. A connection that arrives after the caller gave up is closed.</li>
 *   <li>every connection handed out gets {@link Connection#setNetworkTimeout} of
 *       {@code networkTimeout}, so each later call on it (a statement, {@code setAutoCommit},
 *       {@code commit}) fails after that long without an answer; the previous value is restored
 *       before the connection goes back (to a pool).</li>
 * </ul>
 *
 * <p>Hazard: a {@code getConnection} given up still runs on its thread until the data source
 * returns (for a driver without a login or socket timeout, until the server answers again). While
 * {@link #MAX_ABANDONED_CONNECTS} of those still run, a new request fails at once, so a hung
 * database costs a bounded number of threads, not one per probe. Requests whose caller still
 * waits are not limited: the target applies batches of several partitions at once, each calling
 * {@link #open} on a thread of its own, and a pool that makes them wait (fewer connections than
 * partitions) must not fail them as if the database did not answer; their number is bounded by
 * the callers.
 *
 * <p>A driver that does not support {@code setNetworkTimeout} (it throws
 * {@link SQLFeatureNotSupportedException}) is used without it; this is logged once, and then only
 * the statements' query timeouts and the engine's watchdog bound a call.
 *
 * <p>Thread-safe.
 */
final class BoundedConnections {
    /** Most {@code getConnection} calls given up by their caller that may still run before new ones are refused. */
    static final int MAX_ABANDONED_CONNECTS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(BoundedConnections.class);
    /** The driver runs what it needs for a network timeout on the calling thread, as HikariCP does. */
    private static final Executor SAME_THREAD = Runnable::run;

    /** Work on a connection that is given up with the connection at a deadline. */
    @FunctionalInterface
    interface ConnectionCheck<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String target;
    private final DataSource dataSource;
    private final long connectionTimeoutNanos;
    private final int networkTimeoutMillis;
    private final ThreadPoolExecutor connector;
    /** Calls given up by their caller that have not returned yet. */
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicBoolean networkTimeoutUnsupportedLogged = new AtomicBoolean();

    BoundedConnections(String target, DataSource dataSource, Duration connectionTimeout, Duration networkTimeout) {
        this.target = target;
        this.dataSource = dataSource;
        this.connectionTimeoutNanos = connectionTimeout.toNanos();
        this.networkTimeoutMillis = (int) networkTimeout.toMillis();
        AtomicInteger threads = new AtomicInteger();
        this.connector = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "wal4j-jdbc-connect-" + target + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * A connection of the data source within {@code connectionTimeout}, with the network timeout
     * set. Give it back with {@link #release}.
     *
     * @throws SQLException the data source's error, or an {@link SQLTimeoutException} (SQLSTATE
     *                      08001) if none came in time, or an {@link SQLTransientConnectionException}
     *                      if too many earlier requests that were given up still hang
     */
    OpenConnection open() throws SQLException {
        return within(connectionTimeoutNanos, "getConnection", this::connect, this::release);
    }

    /**
     * Opens a connection and runs {@code check} on it, both on a connection thread, and waits at
     * most {@code timeout} for the answer; the connection thread releases the connection. For the
     * probe: its answer must come within its timeout even when the check itself hangs.
     *
     * @throws SQLException as {@link #open}, the check's error, or an {@link SQLTimeoutException}
     *                      if the answer did not come within {@code timeout}
     */
    <T> T check(Duration timeout, String what, ConnectionCheck<T> check) throws SQLException {
        return within(timeout.toNanos(), what, () -> {
            OpenConnection open = connect();
            try {
                return check.run(open.connection());
            } finally {
                release(open);
            }
        }, late -> { });
    }

    /** Restores the connection's network timeout and closes it (to its pool); failures are logged. */
    void release(OpenConnection open) {
        Connection connection = open.connection();
        try {
            if (open.previousNetworkTimeout() >= 0 && !connection.isClosed()) {
                connection.setNetworkTimeout(SAME_THREAD, open.previousNetworkTimeout());
            }
        } catch (SQLException e) {
            LOG.debug("target '{}': could not restore the network timeout of a connection: {}", target,
                    SqlFailures.describe(e));
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("target '{}': closing a connection failed: {}", target, SqlFailures.describe(e));
        }
    }

    /** Runs on a connection thread: a connection of the data source with the network timeout set. */
    private OpenConnection connect() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            return new OpenConnection(connection, applyNetworkTimeout(connection));
        } catch (SQLException | RuntimeException e) {
            release(new OpenConnection(connection, -1));
            throw e;
        }
    }

    /**
     * Sets the network timeout on {@code connection}.
     *
     * @return the previous network timeout to restore, or -1 if none was set (unsupported or off)
     */
    private int applyNetworkTimeout(Connection connection) throws SQLException {
        if (networkTimeoutMillis == 0) {
            return -1;
        }
        try {
            int previous = connection.getNetworkTimeout();
            connection.setNetworkTimeout(SAME_THREAD, networkTimeoutMillis);
            return previous;
        } catch (SQLFeatureNotSupportedException e) {
            if (networkTimeoutUnsupportedLogged.compareAndSet(false, true)) {
                LOG.info("target '{}': the JDBC driver does not support Connection.setNetworkTimeout ({}); calls on "
                        + "its connections are bounded only by the query timeout and the engine's targetCallTimeout",
                        target, e.getMessage());
            }
            return -1;
        }
    }

    /** Work done on a connection thread. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} on a connection thread and waits for it at most {@code timeoutNanos}; a
     * result that arrives after that goes to {@code late} (which releases a connection).
     */
    private <T> T within(long timeoutNanos, String what, SqlWork<T> work, Consumer<T> late) throws SQLException {
        long started = System.nanoTime();
        if (abandoned.get() >= MAX_ABANDONED_CONNECTS) {
            throw new SQLTransientConnectionException("target '" + target + "': " + what + " not attempted: "
                    + MAX_ABANDONED_CONNECTS + " earlier getConnection calls that were given up have not returned (the "
                    + "database or the pool does not answer)", "08001");
        }
        CompletableFuture<T> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, connector);
        try {
            return answer.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            abandon(answer, what, late);
            throw new SQLTimeoutException("target '" + target + "': " + what + " gave no answer within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (waited "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms)", "08001");
        } catch (InterruptedException e) {
            abandon(answer, what, late);
            Thread.currentThread().interrupt();
            throw new SQLTimeoutException("target '" + target + "': interrupted while waiting for " + what, "08001");
        }
    }

    /**
     * The caller stops waiting for {@code answer}: counted until it returns, and a late result goes
     * to {@code late}; a late failure is only logged: it holds no connection to release, and the
     * caller has already been answered.
     */
    // the callback handles both outcomes; the future whenComplete returns has nothing more in it
    @SuppressWarnings("FutureReturnValueIgnored")
    private <T> void abandon(CompletableFuture<T> answer, String what, Consumer<T> late) {
        abandoned.incrementAndGet();
        answer.whenComplete((result, failure) -> {
            abandoned.decrementAndGet();
            if (failure == null) {
                late.accept(result);
            } else {
                LOG.debug("target '{}': {} failed after the caller stopped waiting: {}", target, what,
                        String.valueOf(failure.getCause() != null ? failure.getCause() : failure));
            }
        });
    }

    private static SQLException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof SQLException) {
            return (SQLException) cause;
        }
        if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new SQLException(cause.toString(), cause);
    }

    /**
     * A connection handed out by {@link #open}, with the network timeout to restore when it is
     * {@linkplain #release released} (-1: none was set).
     */
    record OpenConnection(Connection connection, int previousNetworkTimeout) {
    }
}
