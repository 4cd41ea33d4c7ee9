package org.wal4j.jdbc.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A data source that counts the calls on its statements that go to the database
 * ({@code execute}, {@code executeUpdate}, {@code executeQuery}, {@code executeBatch} and their
 * variants), by method name, so a test can check how many round trips an operation makes.
 *
 * <p>Thread-safe.
 */
public final class StatementCountingDataSource extends ForwardingDataSource {
    private static final Set<String> EXECUTING = Set.of("execute", "executeUpdate", "executeQuery", "executeBatch",
            "executeLargeUpdate", "executeLargeBatch");

    private final boolean hideBatchCounts;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    public StatementCountingDataSource(DataSource target) {
        this(target, false);
    }

    /**
     * @param hideBatchCounts if true, {@code executeBatch} answers {@link Statement#SUCCESS_NO_INFO}
     *                        for every statement, as MySQL's driver does for batches it rewrites
     */
    public StatementCountingDataSource(DataSource target, boolean hideBatchCounts) {
        super(target);
        this.hideBatchCounts = hideBatchCounts;
    }

    /** Calls of {@code method} (such as {@code executeBatch}) since the last {@link #reset()}. */
    public int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** Calls of every executing method since the last {@link #reset()}. */
    public int roundTrips() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public String toString() {
        return "statements sent " + calls;
    }

    public void reset() {
        calls.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = target.getConnection();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(connection, method, args);
                    if (result instanceof Statement) {
                        return counting((Statement) result);
                    }
                    return result;
                });
    }

    private Object counting(Statement statement) {
        Class<?> type = statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (EXECUTING.contains(method.getName())) {
                calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
            }
            Object result = invoke(statement, method, args);
            if (hideBatchCounts && method.getName().equals("executeBatch")) {
                int[] counts = ((int[]) result).clone();
                java.util.Arrays.fill(counts, Statement.SUCCESS_NO_INFO);
                return counts;
            }
            return result;
        });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
