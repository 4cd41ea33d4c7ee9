package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.wal4j.WalEntry;

/**
 * The applied-keys table of one target: which idempotency keys it has applied. Each entry's key
 * is inserted, if absent, in the batch's transaction just before the entry's effect: inserted
 * means "apply it", already present means "applied before, skip it". The key is committed
 * exactly when the effect is.
 *
 * <p>The inserts of a batch's keys go to the database as one JDBC batch
 * ({@link Recorder#recordAllIfAbsent}): still one point operation per key, in one round trip.
 *
 * <p>Why one statement per entry and not one lookup per batch: a lookup of a hundred keys with
 * {@code IN (...)} is planned by the database, and on a young table without statistics
 * PostgreSQL scans it whole, so a batch got slower as the table grew (about 30 ms at 10,000 rows
 * and 175 ms at 40,000 on the test machine). An insert-if-absent is a primary-key point operation
 * whose cost does not depend on the table's size, and it also settles a race between two
 * appliers of the same key in the database's own locking.
 *
 * <p>Next to it, the rejected-calls table ({@link SqlDialect#rejectedCallsTable}) keeps the verdict
 * of each rejected call that has a request id ({@link #recordRejection}): not an applied key, since
 * nothing of the call was applied and a redelivery must run it again, but what a retry of the
 * request id answers.
 *
 * <p>Stateless apart from its configuration; thread-safe. A {@link Recorder} belongs to one batch.
 */
final class AppliedKeyLedger {
    private final String table;
    private final String target;
    private final int queryTimeoutSeconds;
    private final String insertSql;
    private final String updateOutcomeSql;
    private final String selectOutcomeSql;
    private final String rejectedTable;
    private final String deleteRejectedSql;
    private final String insertRejectedSql;
    private final String selectRejectedSql;
    /** False once the driver answered a batch of inserts without a count per statement. */
    private volatile boolean batchCountsReported = true;

    AppliedKeyLedger(SqlDialect dialect, String table, String target, int queryTimeoutSeconds) {
        this.table = table;
        this.target = target;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.insertSql = dialect.insertKeyIfAbsent(table);
        this.updateOutcomeSql = dialect.updateCallOutcome(table);
        this.selectOutcomeSql = dialect.selectCallOutcome(table);
        this.rejectedTable = SqlDialect.rejectedCallsTable(table);
        this.deleteRejectedSql = dialect.deleteRejectedCall(rejectedTable);
        this.insertRejectedSql = dialect.insertRejectedCall(rejectedTable);
        this.selectRejectedSql = dialect.selectRejectedCall(rejectedTable);
    }

    /**
     * Stores the verdict of the rejected {@code entry}, replacing one an earlier delivery of it
     * stored, in the transaction of {@code connection} (which commits the rejection).
     */
    void recordRejection(Connection connection, WalEntry entry, String outcome) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(deleteRejectedSql)) {
            delete.setQueryTimeout(queryTimeoutSeconds);
            delete.setString(1, target);
            delete.setString(2, entry.idempotencyKey());
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(insertRejectedSql)) {
            insert.setQueryTimeout(queryTimeoutSeconds);
            insert.setString(1, target);
            insert.setString(2, entry.idempotencyKey());
            insert.setLong(3, entry.seq());
            insert.setString(4, entry.id());
            insert.setString(5, outcome);
            insert.executeUpdate();
        }
    }

    /** The stored verdict of a rejected call with {@code idempotencyKey}, or null if none; commits the read. */
    String rejection(Connection connection, String idempotencyKey) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectRejectedSql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, target);
            statement.setString(2, idempotencyKey);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } finally {
            connection.commit();
        }
    }

    String rejectedTable() {
        return rejectedTable;
    }

    /**
     * Stores {@code outcome} in the row of {@code entry}'s key, in the transaction of
     * {@code connection}, which inserted that row for this apply.
     *
     * @throws SQLException if the update fails or finds no row (which fails the entry)
     */
    void recordOutcome(Connection connection, WalEntry entry, String outcome) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(updateOutcomeSql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, outcome);
            statement.setString(2, target);
            statement.setString(3, entry.idempotencyKey());
            if (statement.executeUpdate() != 1) {
                throw new SQLException("the applied key of " + SqlFailures.entry(entry, target) + " is not in table "
                        + table + " in its own apply transaction; its call outcome cannot be stored");
            }
        }
    }

    /** A key's row: its call outcome, null when none was stored (an entry without a request id). */
    record KeyRow(String callOutcome) {
    }

    /** The row of {@code idempotencyKey}, or null if the key is not in the table; commits the read. */
    KeyRow row(Connection connection, String idempotencyKey) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectOutcomeSql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, target);
            statement.setString(2, idempotencyKey);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? new KeyRow(rows.getString(1)) : null;
            }
        } finally {
            connection.commit();
        }
    }

    /** A recorder for one batch on {@code connection}: the statement is prepared once. */
    Recorder recorder(Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(insertSql);
        try {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, target);
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
        return new Recorder(statement);
    }

    String table() {
        return table;
    }

    /** Whether the driver is still believed to report a count per statement of a batch. */
    boolean batchCountsReported() {
        return batchCountsReported;
    }

    /** The driver answered a batch without counts per statement: record keys one by one from now on. */
    void batchCountsNotReported() {
        batchCountsReported = false;
    }

    /** Records the keys of one batch's entries. Not thread-safe. */
    static final class Recorder implements AutoCloseable {
        private final PreparedStatement statement;

        private Recorder(PreparedStatement statement) {
            this.statement = statement;
        }

        /** Inserts {@code entry}'s key; true if it was new (apply the entry), false if already there (skip it). */
        boolean recordIfAbsent(WalEntry entry) throws SQLException {
            bindKey(entry);
            return statement.executeUpdate() > 0;
        }

        /**
         * Inserts the keys of {@code entries} in order with one JDBC batch (one round trip where the
         * driver allows): for each, true if it was new, false if already there, as
         * {@link #recordIfAbsent} says one by one. A key that appears twice in the list is new only
         * the first time.
         *
         * @return null if the driver did not report a count per statement ({@code SUCCESS_NO_INFO},
         *         as MySQL's driver does for batches it rewrites): which keys were new is then
         *         unknown, the inserts are done, and the caller must roll them back
         */
        boolean[] recordAllIfAbsent(List<WalEntry> entries) throws SQLException {
            for (WalEntry entry : entries) {
                bindKey(entry);
                statement.addBatch();
            }
            int[] counts = statement.executeBatch();
            if (counts.length != entries.size()) {
                return null;
            }
            boolean[] fresh = new boolean[counts.length];
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] < 0) {
                    return null;
                }
                fresh[i] = counts[i] > 0;
            }
            return fresh;
        }

        private void bindKey(WalEntry entry) throws SQLException {
            statement.setString(2, entry.idempotencyKey());
            statement.setLong(3, entry.seq());
            statement.setString(4, entry.id());
        }

        /** Closes the statement; a failure to close (the connection may be gone) is not the batch's result. */
        @Override
        public void close() {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // The connection is closed after the batch anyway; the batch's outcome is already decided.
            }
        }
    }
}
