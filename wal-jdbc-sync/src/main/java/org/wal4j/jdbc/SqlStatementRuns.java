package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Executes SQL-statement entries of one apply transaction as JDBC batches: consecutive statements
 * with the same SQL text are bound to one {@link PreparedStatement} and sent with one
 * {@code executeBatch}, which a driver sends in one round trip (the PostgreSQL driver pipelines the
 * statements), where executing them one by one costs a round trip each. Order is kept: a statement
 * with other SQL first executes the run before it.
 *
 * <p>A failure says only that some statement of a run failed, not which one
 * ({@link #failedRunStart()}, {@link #failedRunSize()}): for a run of one statement that is its
 * entry; otherwise the caller rolls the transaction back and applies entry by entry to find it
 * ({@link BatchTransaction}).
 *
 * <p>One instance per transaction; not thread-safe.
 */
final class SqlStatementRuns implements AutoCloseable {
    private final Connection connection;
    private final int queryTimeoutSeconds;
    private String sql;
    private PreparedStatement statement;
    /** Batch index of the first entry of the current run, and the statements added to it. */
    private int runStart;
    private int pending;
    /** True from the start of an {@code executeBatch} until it returned its counts. */
    private boolean executing;

    /** @param queryTimeoutSeconds per JDBC batch, 0 for none */
    SqlStatementRuns(Connection connection, int queryTimeoutSeconds) {
        this.connection = connection;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * Adds the statement of the entry at {@code index} of the batch to the current run, first
     * executing the run if its SQL differs.
     */
    void add(int index, SqlStatementEntry entry) throws SQLException {
        if (!entry.sql().equals(sql)) {
            execute();
            closeStatement();
            statement = connection.prepareStatement(entry.sql());
            sql = entry.sql();
            if (queryTimeoutSeconds > 0) {
                statement.setQueryTimeout(queryTimeoutSeconds);
            }
            runStart = index;
        }
        SqlParameters.bind(statement, entry.parameters());
        statement.addBatch();
        pending++;
    }

    /** After {@link #add} or {@link #execute} threw: the batch index of the first entry of the run that failed. */
    int failedRunStart() {
        return runStart;
    }

    /**
     * After {@link #add} or {@link #execute} threw: how many statements the run that failed held;
     * 0 if no run failed (preparing or binding a statement did).
     */
    int failedRunSize() {
        return executing ? pending : 0;
    }

    /** Executes the current run. */
    void execute() throws SQLException {
        if (pending == 0) {
            return;
        }
        executing = true;
        int[] counts = statement.executeBatch();
        if (counts.length != pending) {
            throw new SQLException("the driver reported " + counts.length + " results for a batch of " + pending
                    + " statements of: " + sql);
        }
        executing = false;
        pending = 0;
    }

    /** Closes the statement; a failure to close is not the batch's result (the connection is closed after it). */
    @Override
    public void close() {
        closeStatement();
    }

    private void closeStatement() {
        if (statement == null) {
            return;
        }
        try {
            statement.close();
        } catch (SQLException ignored) {
            // the batch's outcome is decided by then; the connection is closed after the batch anyway
        }
        statement = null;
    }
}
