package org.wal4j.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The apply transaction of one entry, as handed to code that believes it owns its connection (an
 * {@link EntryApplier}, or a DAO through {@link TransactionAwareDataSource}). Each
 * {@link #newHandle()} is a {@link Connection} proxy on the transaction's connection whose
 * {@code commit}, {@code rollback()}, {@code setAutoCommit} and {@code close} change nothing:
 * the target alone ends the transaction, so the entry's effect and its idempotency record commit
 * or roll back together.
 *
 * <p>Hazards handled here:
 * <ul>
 *   <li>A handle used after the entry's apply ended (kept in a field by a DAO) would write into
 *       a later transaction: it throws instead.</li>
 *   <li>A {@code rollback()} cannot be honoured without undoing earlier entries of the batch, and
 *       ignoring it silently would commit work its caller wanted undone: it is recorded
 *       ({@link #rollbackRequested()}) and the target fails the entry.</li>
 *   <li>{@code getAutoCommit()} answers false, the truth about the transaction.</li>
 * </ul>
 * Savepoints, statements and every other call pass through to the connection.
 *
 * <p>Used by the one thread applying the entry; the flags are volatile so that a handle leaked to
 * another thread still sees that the binding ended.
 */
final class TransactionBinding {
    private final Connection transaction;
    private final String description;
    private volatile boolean active = true;
    private volatile boolean rollbackRequested;
    private int dataSourceHandles; // confined to the bound thread

    /**
     * @param transaction the batch's connection, auto-commit off
     * @param description what is being applied, for messages: the entry and the target
     */
    TransactionBinding(Connection transaction, String description) {
        this.transaction = transaction;
        this.description = description;
    }

    /** A new handle on the transaction, open until closed or until {@link #end()}. */
    Connection newHandle() {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Handle());
    }

    /** {@link #newHandle()} for a caller of {@link TransactionAwareDataSource#getConnection()}, counted. */
    Connection newDataSourceHandle() {
        dataSourceHandles++;
        return newHandle();
    }

    /** How many handles the {@link TransactionAwareDataSource} gave out during this apply. */
    int dataSourceHandles() {
        return dataSourceHandles;
    }

    /** The apply of the entry is over: every handle stops working. */
    void end() {
        active = false;
    }

    boolean rollbackRequested() {
        return rollbackRequested;
    }

    String description() {
        return description;
    }

    private final class Handle implements InvocationHandler {
        private boolean closed;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            boolean noArgs = args == null || args.length == 0;
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "TransactionBinding.Handle{" + description + (closed ? ", closed" : "")
                            + (active ? "" : ", ended") + '}';
                case "close":
                    closed = true;
                    return null;
                case "isClosed":
                    return closed || !active || transaction.isClosed();
                case "isValid":
                    return !closed && active && transaction.isValid((Integer) args[0]);
                case "unwrap":
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : invokeOnTransaction(method, args);
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) invokeOnTransaction(method, args);
                default:
                    break;
            }
            checkUsable(method);
            switch (method.getName()) {
                case "commit":
                    return null;
                case "setAutoCommit":
                    return null;
                case "getAutoCommit":
                    return false;
                case "rollback":
                    if (noArgs) {
                        rollbackRequested = true;
                        return null;
                    }
                    return invokeOnTransaction(method, args);
                default:
                    return invokeOnTransaction(method, args);
            }
        }

        private void checkUsable(Method method) throws SQLException {
            if (closed) {
                throw new SQLException("Connection." + method.getName() + " called on a closed connection handle of the "
                        + "apply transaction of " + description, "08003");
            }
            if (!active) {
                throw new SQLException("Connection." + method.getName() + " called on a connection handle of "
                        + description + " after that entry's apply ended; do not keep connections beyond one call",
                        "08003");
            }
        }

        private Object invokeOnTransaction(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(transaction, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
