package org.wal4j.examples;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The tables of {@link JdbcTradingDao}, in SQL that H2, PostgreSQL and MySQL/MariaDB all accept,
 * and the names of the tables wal4j's target keeps beside them. Every name starts with
 * {@code demo_}, so that pointing the demo at an existing database (its {@code --jdbc-url}
 * option) touches nothing else: {@link #recreate} drops and creates exactly these tables.
 *
 * <p>Thread-safe: it holds no state.
 */
final class TradingSchema {
    /** The table of applied idempotency keys of the demo's {@code JdbcSyncTarget}. */
    static final String APPLIED_KEYS_TABLE = "demo_wal4j_applied_keys";
    /** The checkpoint table of the demo's {@code JdbcSyncTarget}. */
    static final String CHECKPOINT_TABLE = "demo_wal4j_checkpoints";

    private static final List<String> CREATE = List.of(
            "CREATE TABLE demo_account ("
                    + " account_id VARCHAR(32) NOT NULL PRIMARY KEY,"
                    + " owner VARCHAR(64) NOT NULL,"
                    + " cash DECIMAL(19, 2) NOT NULL)",
            "CREATE TABLE demo_position ("
                    + " account_id VARCHAR(32) NOT NULL,"
                    + " symbol VARCHAR(16) NOT NULL,"
                    + " quantity INT NOT NULL,"
                    + " cost DECIMAL(19, 2) NOT NULL,"
                    + " PRIMARY KEY (account_id, symbol))",
            "CREATE TABLE demo_trade ("
                    + " trade_id VARCHAR(32) NOT NULL PRIMARY KEY,"
                    + " account_id VARCHAR(32) NOT NULL,"
                    + " symbol VARCHAR(16) NOT NULL,"
                    + " side VARCHAR(4) NOT NULL,"
                    + " quantity INT NOT NULL,"
                    + " price DECIMAL(19, 2) NOT NULL,"
                    + " cash_after DECIMAL(19, 2) NOT NULL)");

    private static final List<String> TABLES = List.of("demo_trade", "demo_position", "demo_account",
            APPLIED_KEYS_TABLE, CHECKPOINT_TABLE);

    private TradingSchema() {
    }

    /** Drops the demo's tables (wal4j's included) if they exist, and creates the ledger's anew. */
    static void recreate(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.execute("DROP TABLE IF EXISTS " + table);
            }
            for (String sql : CREATE) {
                statement.execute(sql);
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
    }

    /** How many idempotency keys the target named {@code target} recorded: one per call it applied. */
    static long appliedKeys(DataSource database, String target) throws SQLException {
        try (Connection connection = database.getConnection();
             var select = connection.prepareStatement("SELECT COUNT(*) FROM " + APPLIED_KEYS_TABLE
                     + " WHERE target_name = ?")) {
            select.setString(1, target);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
