package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates or validates the two bookkeeping tables of {@link JdbcSyncTarget}: the applied keys
 * and the checkpoints. Creation is {@code CREATE TABLE IF NOT EXISTS}, one statement per table,
 * and is safe when several processes race: some databases still fail one of two concurrent
 * creations of the same table (PostgreSQL reports a unique violation on its catalog), so a
 * failed statement is followed by a check that the table now exists, and only if it does not
 * is the failure reported.
 *
 * <p>Stateless apart from its configuration; thread-safe. Runs on the caller's connection with
 * auto-commit off, and commits.
 */
final class BookkeepingSchema {
    private final SqlDialect dialect;
    private final String appliedKeysTable;
    private final String checkpointTable;
    private final int queryTimeoutSeconds;

    BookkeepingSchema(SqlDialect dialect, String appliedKeysTable, String checkpointTable, int queryTimeoutSeconds) {
        this.dialect = dialect;
        this.appliedKeysTable = appliedKeysTable;
        this.checkpointTable = checkpointTable;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** Creates the tables that do not exist yet. */
    void create(Connection connection) throws SQLException {
        List<String> ddl = dialect.ddl(appliedKeysTable, checkpointTable);
        String[] tables = {appliedKeysTable, checkpointTable};
        for (int i = 0; i < ddl.size(); i++) {
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                statement.execute(ddl.get(i));
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection, e);
                if (!exists(connection, tables[i])) {
                    throw e;
                }
            }
        }
    }

    /**
     * Checks that both tables exist.
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
        connection.commit();
        return null;
    }

    private boolean exists(Connection connection, String table) {
        try {
            probe(connection, table);
            connection.commit();
            return true;
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            return false;
        }
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
