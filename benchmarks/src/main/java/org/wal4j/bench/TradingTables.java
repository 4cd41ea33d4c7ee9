package org.wal4j.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The end-to-end benchmark's schema: {@value #ACCOUNTS} accounts with a balance, and one row per
 * booked trade; the statements a trade runs; and the check that a workload's calls each took effect
 * exactly once.
 *
 * <p>Thread-safe: stateless.
 */
final class TradingTables {

    /** Accounts, and so lanes: each call books on one of them. */
    static final int ACCOUNTS = 64;
    /** The namespace of the log's entries. */
    static final String NAMESPACE = "trading";
    static final String UPDATE_BALANCE = "UPDATE accounts SET balance = balance + ? WHERE id = ?";
    static final String INSERT_TRADE = "INSERT INTO trades (trade_id, account_id, amount) VALUES (?, ?, ?)";

    private TradingTables() {
    }

    /** Creates both tables in an empty database and opens the accounts at a zero balance. */
    static void create(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)");
            statement.execute("CREATE TABLE trades (trade_id VARCHAR(64) PRIMARY KEY, account_id BIGINT NOT NULL, "
                    + "amount BIGINT NOT NULL)");
            statement.execute("INSERT INTO accounts (id, balance) SELECT g, 0 FROM generate_series(0, "
                    + (ACCOUNTS - 1) + ") g");
        }
    }

    /**
     * Checks that exactly {@code calls} trades were booked, once each, adding up to {@code amount}:
     * as many trade rows as calls (the trade id is the primary key, so none twice), and the
     * balances and the trades' amounts both summing to {@code amount}.
     *
     * @throws IllegalStateException naming what differs
     */
    static void requireExactlyOnce(DataSource dataSource, long calls, long amount) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT (SELECT COUNT(*) FROM trades), "
                     + "(SELECT COALESCE(SUM(amount), 0) FROM trades), (SELECT SUM(balance) FROM accounts)");
             ResultSet row = select.executeQuery()) {
            row.next();
            long trades = row.getLong(1);
            long traded = row.getLong(2);
            long balances = row.getLong(3);
            if (trades != calls || traded != amount || balances != amount) {
                throw new IllegalStateException("Expected " + calls + " trades adding up to " + amount + " but found "
                        + trades + " trades adding up to " + traded + " and balances adding up to " + balances);
            }
        }
    }
}
