package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection handles of an apply transaction, on embedded H2. */
class TransactionBindingTest {
    private JdbcDataSource h2;
    private Connection keepAlive;
    private Connection transaction;

    @BeforeEach
    void open() throws SQLException {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:binding" + System.nanoTime() + ";DB_CLOSE_DELAY=0");
        keepAlive = h2.getConnection();
        try (Statement statement = keepAlive.createStatement()) {
            statement.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
        transaction = h2.getConnection();
        transaction.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        transaction.close();
        keepAlive.close();
    }

    private long committedRows() throws SQLException {
        try (Statement statement = keepAlive.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM t")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void handle_ignoresCommitCloseAndAutoCommit_theTransactionStaysOpen() throws SQLException {
        TransactionBinding binding = new TransactionBinding(transaction, "entry seq=1");
        Connection handle = binding.newHandle();

        handle.setAutoCommit(true);
        try (Statement statement = handle.createStatement()) {
            statement.execute("INSERT INTO t VALUES (1)");
        }
        handle.commit();
        handle.close();

        assertEquals(0, committedRows(), "nothing committed by the handle");
        assertFalse(transaction.getAutoCommit());
        transaction.commit();
        assertEquals(1, committedRows());
    }

    @Test
    void handle_reportsTheTransactionTruthfully() throws SQLException {
        Connection handle = new TransactionBinding(transaction, "entry seq=1").newHandle();
        assertFalse(handle.getAutoCommit());
        assertFalse(handle.isClosed());
        assertTrue(handle.isValid(1));
        assertSame(handle, handle.unwrap(Connection.class));
        assertTrue(handle.isWrapperFor(Connection.class));
        assertEquals(handle, handle);
        assertTrue(handle.toString().contains("entry seq=1"), handle.toString());
    }

    @Test
    void closedHandle_refusesWork_otherHandlesGoOn() throws SQLException {
        TransactionBinding binding = new TransactionBinding(transaction, "entry seq=2 on target 'p'");
        Connection first = binding.newHandle();
        Connection second = binding.newHandle();
        first.close();

        SQLException e = assertThrows(SQLException.class, first::createStatement);
        assertEquals("08003", e.getSQLState());
        assertEquals("Connection.createStatement called on a closed connection handle of the apply transaction of "
                + "entry seq=2 on target 'p'", e.getMessage());
        assertTrue(first.isClosed());
        assertNotSame(first, second);
        second.createStatement().close();
    }

    @Test
    void endedBinding_refusesWork() throws SQLException {
        TransactionBinding binding = new TransactionBinding(transaction, "entry seq=3");
        Connection handle = binding.newHandle();
        binding.end();

        SQLException e = assertThrows(SQLException.class, () -> handle.prepareStatement("SELECT 1"));
        assertEquals("Connection.prepareStatement called on a connection handle of entry seq=3 after that entry's "
                + "apply ended; do not keep connections beyond one call", e.getMessage());
        assertTrue(handle.isClosed());
    }

    @Test
    void rollback_isRecorded_savepointsPassThrough() throws SQLException {
        TransactionBinding binding = new TransactionBinding(transaction, "entry seq=4");
        Connection handle = binding.newHandle();
        try (Statement statement = handle.createStatement()) {
            statement.execute("INSERT INTO t VALUES (1)");
            java.sql.Savepoint savepoint = handle.setSavepoint();
            statement.execute("INSERT INTO t VALUES (2)");
            handle.rollback(savepoint);
        }
        assertFalse(binding.rollbackRequested());
        handle.rollback();
        assertTrue(binding.rollbackRequested());
        transaction.commit();
        assertEquals(1, committedRows(), "the savepoint rollback undid row 2 only; rollback() did nothing");
    }

    @SuppressWarnings("try") // the scope is opened only for the binding it holds; the body never uses it
    @Test
    void transactionAwareDataSource_outsideABinding_delegates_insideReturnsHandles() throws SQLException {
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(h2);
        assertSame(dataSource, TransactionAwareDataSource.wrap(dataSource));
        assertSame(h2, dataSource.targetDataSource());
        try (Connection own = dataSource.getConnection()) {
            assertTrue(own.getAutoCommit(), "a plain connection of the wrapped data source");
        }
        TransactionBinding binding = new TransactionBinding(transaction, "entry seq=5");
        try (TransactionAwareDataSource.Scope scope = dataSource.bind(binding)) {
            assertTrue(dataSource.isBoundToCurrentThread());
            Connection handle = dataSource.getConnection();
            assertFalse(handle.getAutoCommit());
            IllegalStateException nested = assertThrows(IllegalStateException.class,
                    () -> dataSource.bind(new TransactionBinding(transaction, "entry seq=6")));
            assertEquals("thread " + Thread.currentThread().getName() + " is already applying entry seq=5 through "
                    + "this TransactionAwareDataSource; cannot also apply entry seq=6", nested.getMessage());
        }
        assertFalse(dataSource.isBoundToCurrentThread());
        assertSame(h2, dataSource.unwrap(JdbcDataSource.class));
    }
}
