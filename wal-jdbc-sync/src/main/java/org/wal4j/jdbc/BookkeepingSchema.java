package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates or validates the bookkeeping tables of {@link JdbcSyncTarget}: the applied keys
 * (with an index by time, for the purge, and the {@code call_outcome} column, which an
 * applied-keys table created by an earlier version lacks: it is added with {@code ALTER TABLE}),
 * the rejected calls (added in the version that stores rejections: created like the others), the
 * checkpoints and the partition owners (added with fencing for a log shared by several instances,
 * {@link PartitionFence}: created like the others). Creation is
 * {@code CREATE ... IF NOT EXISTS}, one statement per table or index, and is safe when several
 * processes race: some databases still fail one of two concurrent creations of the same object
 * (PostgreSQL reports a unique violation on its catalog), so a failed statement is run once more,
 * and only a second failure is reported.
 *
 * <p>Stateless apart from its configuration; thread-safe. Runs on the caller's connection with
 * auto-commit off, and commits.
 */
final class BookkeepingSchema {
    private final SqlDialect dialect;
    private final String appliedKeysTable;
    private final String checkpointTable;
    private final String partitionOwnersTable;
    private final int queryTimeoutSeconds;

    BookkeepingSchema(SqlDialect dialect, String appliedKeysTable, String checkpointTable, String partitionOwnersTable,
            int queryTimeoutSeconds) {
        this.dialect = dialect;
        this.appliedKeysTable = appliedKeysTable;
        this.checkpointTable = checkpointTable;
        this.partitionOwnersTable = partitionOwnersTable;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * Creates the tables and index that do not exist yet. A statement that fails is run once
     * more: when another process created the object meanwhile, the second {@code IF NOT EXISTS}
     * finds it; a real failure (no privilege) fails twice and is thrown.
     */
    void create(Connection connection) throws SQLException {
        for (String statement : dialect.ddl(appliedKeysTable, checkpointTable, partitionOwnersTable)) {
            try {
                execute(connection, statement);
            } catch (SQLException first) {
                rollbackQuietly(connection, first);
                try {
                    execute(connection, statement);
                } catch (SQLException second) {
                    rollbackQuietly(connection, second);
                    second.addSuppressed(first);
                    throw second;
                }
            }
        }
        addCallOutcomeColumnIfMissing(connection);
    }

    /**
     * Adds {@code call_outcome} to an applied-keys table created before it existed. Another
     * process may add it at the same time: a failed {@code ALTER} is fine if the column is there
     * afterwards.
     */
    private void addCallOutcomeColumnIfMissing(Connection connection) throws SQLException {
        if (hasCallOutcomeColumn(connection)) {
            return;
        }
        try {
            execute(connection, dialect.addCallOutcomeColumn(appliedKeysTable));
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            if (!hasCallOutcomeColumn(connection)) {
                throw e;
            }
        }
    }

    private boolean hasCallOutcomeColumn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.executeQuery("SELECT call_outcome FROM " + appliedKeysTable + " WHERE 1 = 0").close();
            connection.commit();
            return true;
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            return false;
        }
    }

    private void execute(Connection connection, String ddl) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.execute(ddl);
            connection.commit();
        }
    }

    /**
     * Checks that the four tables exist (applied keys, rejected calls, checkpoints, partition
     * owners), and the applied keys' {@code call_outcome} column.
     *
     * @return null if they do, otherwise which one is missing and the error
     */
    String missingTable(Connection connection) throws SQLException {
        for (String table : new String[] {appliedKeysTable, checkpointTable}) {
            try {
                probe(connection, table);
            } catch (SQLException e) {
                rollbackQuietly(connection, e);
                return "table " + table + " is not usable (" + SqlFailures.describe(e) + "); create it with the DDL in "
                        + dialect.ddlResource() + " or let the target create it (createSchema(true))";
            }
        }
        if (!hasCallOutcomeColumn(connection)) {
            return "table " + appliedKeysTable + " has no column call_outcome (added for request ids in this version); "
                    + "add it with: " + dialect.addCallOutcomeColumn(appliedKeysTable) + ", or let the target do it "
                    + "(createSchema(true))";
        }
        String rejected = SqlDialect.rejectedCallsTable(appliedKeysTable);
        try {
            probe(connection, rejected);
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            return "table " + rejected + " is not usable (" + SqlFailures.describe(e) + "; it keeps the verdicts of "
                    + "rejected calls with a request id, added in this version); create it with its statements in "
                    + dialect.ddlResource() + " or let the target create it (createSchema(true))";
        }
        try {
            probe(connection, partitionOwnersTable);
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            return "table " + partitionOwnersTable + " is not usable (" + SqlFailures.describe(e) + "; it keeps which "
                    + "instance applies each partition of a log shared by several instances, added in this version); "
                    + "create it with its statement in " + dialect.ddlResource() + " or let the target create it "
                    + "(createSchema(true))";
        }
        connection.commit();
        return null;
    }

    private void probe(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE 1 = 0").close();
        }
    }

    static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
