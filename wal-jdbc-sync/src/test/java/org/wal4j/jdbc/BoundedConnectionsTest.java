package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.wal4j.jdbc.testing.ForwardingDataSource;

class BoundedConnectionsTest {
    private static DataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    /** A data source whose getConnection waits for {@code gate} before it connects; counts the connections closed. */
    private static final class GatedDataSource extends ForwardingDataSource {
        private final CountDownLatch gate;
        private final CountDownLatch arrived;
        private final AtomicInteger closed = new AtomicInteger();

        GatedDataSource(DataSource target, CountDownLatch gate, CountDownLatch arrived) {
            super(target);
            this.gate = gate;
            this.arrived = arrived;
        }

        @Override
        public Connection getConnection() throws SQLException {
            arrived.countDown();
            try {
                if (!gate.await(20, TimeUnit.SECONDS)) {
                    throw new SQLException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
            Connection connection = target.getConnection();
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            closed.incrementAndGet();
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @Test
    void open_byMoreCallersThanTheAbandonedLimit_atOnce_givesEachAConnection() throws Exception {
        int callers = 2 * BoundedConnections.MAX_ABANDONED_CONNECTS;
        // getConnection returns only once every caller is inside it: as a pool that makes callers wait
        CountDownLatch arrived = new CountDownLatch(callers);
        GatedDataSource gated = new GatedDataSource(h2("bounded_many"), arrived, arrived);
        BoundedConnections connections = new BoundedConnections("t", gated, Duration.ofSeconds(20), Duration.ZERO);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<BoundedConnections.OpenConnection>> opens = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                opens.add(pool.submit(connections::open));
            }
            for (Future<BoundedConnections.OpenConnection> open : opens) {
                BoundedConnections.OpenConnection connection = open.get(30, TimeUnit.SECONDS);
                assertTrue(connection.connection().isValid(1));
                connections.release(connection);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(callers, gated.closed.get());
    }

    @Test
    void open_whileFourGivenUpCallsStillRun_isRefusedAtOnce_andAllowedAgainOnceTheyReturn() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(BoundedConnections.MAX_ABANDONED_CONNECTS);
        GatedDataSource gated = new GatedDataSource(h2("bounded_hung"), gate, arrived);
        BoundedConnections connections = new BoundedConnections("t", gated, Duration.ofMillis(100), Duration.ZERO);
        for (int i = 0; i < BoundedConnections.MAX_ABANDONED_CONNECTS; i++) {
            SQLTimeoutException late = assertThrows(SQLTimeoutException.class, connections::open);
            assertTrue(late.getMessage().startsWith("target 't': getConnection gave no answer within 100 ms"),
                    late.getMessage());
        }

        SQLTransientConnectionException refused = assertThrows(SQLTransientConnectionException.class, connections::open);
        assertEquals("target 't': getConnection not attempted: 4 earlier getConnection calls that were given up have "
                + "not returned (the database or the pool does not answer)", refused.getMessage());
        assertEquals("08001", refused.getSQLState());

        gate.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (gated.closed.get() < BoundedConnections.MAX_ABANDONED_CONNECTS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(BoundedConnections.MAX_ABANDONED_CONNECTS, gated.closed.get(), "the late connections were closed");
        BoundedConnections.OpenConnection open = connections.open();
        assertTrue(open.connection().isValid(1));
        connections.release(open);
    }
}
