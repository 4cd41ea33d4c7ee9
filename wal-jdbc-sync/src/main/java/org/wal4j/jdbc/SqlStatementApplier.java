package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.wal4j.WalEntry;

/**
 * Applies {@link SqlStatementEntry} entries: prepares the statement, binds its typed parameters,
 * executes it. Any update count is accepted: an {@code UPDATE} that matches no row is a valid
 * effect. Stateless apart from its configuration; thread-safe.
 */
final class SqlStatementApplier implements EntryApplier {
    private final int queryTimeoutSeconds;

    /** @param queryTimeoutSeconds per statement, 0 for none */
    SqlStatementApplier(int queryTimeoutSeconds) {
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    @Override
    public void apply(WalEntry entry, Connection connection) throws SQLException {
        SqlStatementEntry statement = SqlStatementEntry.read(entry);
        try (PreparedStatement prepared = connection.prepareStatement(statement.sql())) {
            if (queryTimeoutSeconds > 0) {
                prepared.setQueryTimeout(queryTimeoutSeconds);
            }
            SqlParameters.bind(prepared, statement.parameters());
            prepared.execute();
        }
    }
}
