package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.WalEntry;

/**
 * Applies the recorded calls of one critical method on one target: reads the arguments back
 * from the entry and calls the target's DAO instance with them, on the applying thread, where
 * the target's {@link TransactionAwareDataSource} hands the DAO the apply transaction. The DAO's
 * SQL thus commits or rolls back with the entry's idempotency record.
 *
 * <p>An exception that is one of the method's {@link MethodRejections rejections} rejects the
 * entry ({@link EntryRejectedException}): a business verdict, final, not a dead letter. Anything
 * else the DAO throws fails the entry, classified as usual ({@link SqlStateClassifier}): an
 * {@link SQLException}, or an exception caused by one, by its SQLSTATE; anything else (a
 * business rule the DAO enforces, arguments that cannot be read) is permanent. A checked
 * exception that is not an {@code SQLException} is wrapped in an unchecked one to leave the
 * applier. If the caller waits for the result, the run's return value or exception is recorded
 * in its {@link PendingCalls.PendingCall}. For a method with a request id ({@link IdempotencyKey}),
 * the result target also stores what the DAO returned with the entry's applied key, in the same
 * transaction ({@link CallOutcomes}), for the call's retries; a rejection's type and message go
 * with the {@link EntryRejectedException}, which the target stores when it commits the rejection.
 *
 * <p>A method returning a future must return it completed: work finished on another thread
 * would have run outside the apply transaction, so an incomplete future fails the entry.
 *
 * <p>A DAO that takes no connection from the target's data source during a call probably writes
 * through another one, outside the transaction, and loses the exactly-once effect: that is
 * logged once per method and target as a warning.
 *
 * <p>Thread-safe: the target may apply batches on several threads.
 */
final class DaoCallApplier implements EntryApplier {
    private static final Logger LOG = LoggerFactory.getLogger(DaoCallApplier.class);

    private final CriticalMethod method;
    private final Object dao;
    private final JdbcSyncTarget target;
    private final PendingCalls results;
    private final AtomicBoolean warnedNoConnection = new AtomicBoolean();

    /** @param results where to record runs for waiting callers, or null if this target is not the method's result target */
    DaoCallApplier(CriticalMethod method, Object dao, JdbcSyncTarget target, PendingCalls results) {
        this.method = method;
        this.dao = dao;
        this.target = target;
        this.results = results;
    }

    @Override
    public void apply(WalEntry entry, Connection connection) throws SQLException {
        Object[] args = method.codec().decode(entry);
        PendingCalls.PendingCall waiting = results == null ? null : results.find(entry.id());
        TransactionBinding binding = target.transactionAwareDataSource().currentBinding();
        Object result;
        try {
            result = DaoInvoker.invoke(method.method(), dao, args);
            if (method.returnKind() == ReturnKind.FUTURE) {
                result = completedValue((Future<?>) result);
            }
        } catch (Throwable thrown) {
            if (waiting != null) {
                waiting.threw(thrown);
            }
            if (method.rejections().rejects(thrown)) {
                // the result target keeps the verdict of a call with a request id, for its retries
                throw new EntryRejectedException(method.display() + " rejected the call: " + thrown, thrown,
                        keepsVerdict() ? method.outcomes().encodeRejection(entry, thrown) : null);
            }
            throw failure(thrown);
        }
        if (keepsValue()) {
            // the result target keeps the outcome with the key, for retries of the request id and for
            // a caller waiting on another instance of a shared log
            target.recordCallOutcome(connection, entry, method.outcomes().encode(entry, result));
        }
        if (waiting != null) {
            waiting.returned(result);
        }
        if (binding != null && binding.dataSourceHandles() == 0 && warnedNoConnection.compareAndSet(false, true)) {
            LOG.warn("{} ran on target '{}' without taking a connection from target.transactionAwareDataSource(): if it "
                    + "wrote to the database, it did so outside the apply transaction, and a crash can apply it twice; build "
                    + "the DAO instance of this target on that data source (logged once)", method.display(), target.name());
        }
    }

    /**
     * Whether the result target stores a rejected call's verdict with its key: for a call with a
     * request id (its retries get the first call's answer), and on a log shared by several instances
     * (the caller may wait on another instance, which reads the verdict from the database).
     */
    private boolean keepsVerdict() {
        return results != null && method.outcomes() != null && (method.hasRequestId() || target.sharedLog());
    }

    /**
     * Whether the result target stores an applied call's value with its key, one statement more in
     * the apply transaction: as {@link #keepsVerdict()}, except on a shared log for a method without
     * a value (its caller, on whatever instance, returns nothing once the call is applied).
     */
    private boolean keepsValue() {
        return keepsVerdict() && (method.hasRequestId() || method.returnKind() != ReturnKind.VOID);
    }

    /** True once a call ran without taking a connection from the target's data source (and that was logged). */
    boolean warnedNoConnection() {
        return warnedNoConnection.get();
    }

    private Object completedValue(Future<?> future) throws Throwable {
        if (future == null) {
            return null;
        }
        if (!future.isDone()) {
            throw new IllegalStateException(method.display() + " returned a future that was not complete when the method "
                    + "returned: its work ran on another thread, outside the apply transaction; a critical method must do "
                    + "its work on the calling thread and return a completed future");
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() != null ? e.getCause() : e;
        }
    }

    /** What leaves the applier for {@code thrown}: SQLExceptions, unchecked exceptions and errors as they are. */
    private SQLException failure(Throwable thrown) {
        if (thrown instanceof SQLException) {
            return (SQLException) thrown;
        }
        if (thrown instanceof RuntimeException) {
            throw (RuntimeException) thrown;
        }
        if (thrown instanceof Error) {
            throw (Error) thrown;
        }
        throw new DaoCallException(method.display() + " threw " + thrown, thrown);
    }

    /** A checked exception of a DAO, other than an SQLException, on its way out of the applier. */
    static final class DaoCallException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DaoCallException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
