package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * One target's checkpoint: the highest seq it has applied. It is not a gap-free watermark:
 * entries of other lanes below it may still be pending.
 *
 * <h2>No row written per batch</h2>
 * The checkpoint is the higher of two figures, read by one statement ({@link #highestApplied}):
 * the largest {@code entry_seq} among the target's applied keys, which every apply transaction
 * writes anyway, and the target's row in the checkpoint table, which keeps that figure for keys
 * that are gone: the purge moves the row forward to the highest seq it is about to delete, in
 * the same transaction as the delete ({@link AppliedKeyPurge}). An apply transaction does not
 * touch the row. It used to move the row forward before each commit, and so every apply
 * transaction of a target wrote the same row: concurrent transactions (one per apply partition)
 * queued on its row lock and committed one after the other. Now they share no row.
 *
 * <p>The row only moves forward: the update is conditional ({@code WHERE checkpoint_seq < ?}).
 * Since a key leaves the table only in a transaction that has moved the row to at least its seq,
 * and a consistent read sees both or neither, the checkpoint never moves back.
 *
 * <p>Stateless apart from its configuration; thread-safe.
 */
final class CheckpointRow {
    private final String table;
    private final String appliedKeysTable;
    private final String target;
    private final int queryTimeoutSeconds;

    CheckpointRow(String table, String appliedKeysTable, String target, int queryTimeoutSeconds) {
        this.table = table;
        this.appliedKeysTable = appliedKeysTable;
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

    /**
     * Moves the row forward to {@code seq}, in the caller's transaction; a lower or equal seq
     * changes nothing. Called by the purge, before it deletes keys up to {@code seq}.
     */
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

    /**
     * The checkpoint: the highest of the row's seq and the seqs of the target's applied keys, or
     * empty if there is neither. One statement, so one consistent read of both tables. It reads
     * every key of the target (no index serves {@code MAX(entry_seq)}): for reports and tools,
     * not for every batch.
     */
    OptionalLong highestApplied(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT MAX(seq) FROM (SELECT checkpoint_seq AS seq "
                + "FROM " + table + " WHERE target_name = ? UNION ALL SELECT MAX(entry_seq) AS seq FROM " + appliedKeysTable
                + " WHERE target_name = ?) highest")) {
            select.setQueryTimeout(queryTimeoutSeconds);
            select.setString(1, target);
            select.setString(2, target);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return OptionalLong.empty();
                }
                long seq = rows.getLong(1);
                return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(seq);
            }
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
