package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.wal4j.WalEntry;

/**
 * The applied-keys table of one target: which idempotency keys it has applied. Read at the start
 * of a batch's transaction and written at its end, in the same transaction as the entries'
 * effects, so a key is present exactly when its entry's effect is committed.
 *
 * <p>Two appliers of the same target racing on one key (two processes configured alike) both
 * find it absent; the second insert then fails on the primary key, its batch rolls back, and
 * its retry finds the key: the effect still happens once.
 *
 * <p>Stateless apart from its configuration; thread-safe.
 */
final class AppliedKeyLedger {
    /** Keys per {@code IN (...)} query. */
    static final int LOOKUP_CHUNK = 100;

    private final String table;
    private final String target;
    private final int queryTimeoutSeconds;
    private final String insertSql;

    AppliedKeyLedger(String table, String target, int queryTimeoutSeconds) {
        this.table = table;
        this.target = target;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.insertSql = "INSERT INTO " + table + " (target_name, idempotency_key, entry_seq, entry_id) VALUES (?, ?, ?, ?)";
    }

    /** The subset of {@code keys} this target has applied. */
    Set<String> findApplied(Connection connection, Collection<String> keys) throws SQLException {
        List<String> distinct = new ArrayList<>(new HashSet<>(keys));
        Set<String> applied = new HashSet<>();
        for (int from = 0; from < distinct.size(); from += LOOKUP_CHUNK) {
            List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + LOOKUP_CHUNK));
            StringBuilder sql = new StringBuilder("SELECT idempotency_key FROM ").append(table)
                    .append(" WHERE target_name = ? AND idempotency_key IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            sql.append(')');
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                statement.setString(1, target);
                for (int i = 0; i < chunk.size(); i++) {
                    statement.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        applied.add(rows.getString(1));
                    }
                }
            }
        }
        return applied;
    }

    /** Records {@code entries} as applied. */
    void record(Connection connection, List<WalEntry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(insertSql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            for (WalEntry entry : entries) {
                statement.setString(1, target);
                statement.setString(2, entry.idempotencyKey());
                statement.setLong(3, entry.seq());
                statement.setString(4, entry.id());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    String table() {
        return table;
    }
}
