package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * One target's row in the checkpoint table: the highest seq the target has applied. It only
 * moves forward: the update is conditional ({@code WHERE checkpoint_seq < ?}), so a replayed or
 * late batch with lower seqs leaves it alone, whatever order transactions commit in. It is not a
 * gap-free watermark: entries of other lanes below it may still be pending.
 *
 * <p>Stateless apart from its configuration; thread-safe.
 */
final class CheckpointRow {
    private final String table;
    private final String target;
    private final int queryTimeoutSeconds;

    CheckpointRow(String table, String target, int queryTimeoutSeconds) {
        this.table = table;
        this.target = target;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** Inserts the row at 0 if it is missing, and commits; tolerates a concurrent insert of the same row. */
    void ensureExists(Connection connection) throws SQLException {
        if (read(connection).isPresent()) {
            connection.commit();
            return;
        }
        try {
            insert(connection, 0);
            connection.commit();
        } catch (SQLException e) {
            BookkeepingSchema.rollbackQuietly(connection, e);
            if (read(connection).isEmpty()) {
                throw e;
            }
            connection.commit();
        }
    }

    /** Moves the row forward to {@code seq}, in the caller's transaction; a lower or equal seq changes nothing. */
    void advance(Connection connection, long seq) throws SQLException {
        if (seq <= 0) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                + " SET checkpoint_seq = ?, updated_at = CURRENT_TIMESTAMP WHERE target_name = ? AND checkpoint_seq < ?")) {
            update.setQueryTimeout(queryTimeoutSeconds);
            update.setLong(1, seq);
            update.setString(2, target);
            update.setLong(3, seq);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        if (read(connection).isEmpty()) {
            insert(connection, seq);
        }
    }

    /** The row's seq, or empty if this target has no row. */
    OptionalLong read(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT checkpoint_seq FROM " + table
                + " WHERE target_name = ?")) {
            select.setQueryTimeout(queryTimeoutSeconds);
            select.setString(1, target);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    private void insert(Connection connection, long seq) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (target_name, checkpoint_seq) VALUES (?, ?)")) {
            insert.setQueryTimeout(queryTimeoutSeconds);
            insert.setString(1, target);
            insert.setLong(2, seq);
            insert.executeUpdate();
        }
    }

    String table() {
        return table;
    }
}
