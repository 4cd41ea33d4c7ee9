package org.wal4j.examples;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link TradingDao} in plain JDBC, written as if wal4j did not exist: each call takes a
 * connection, runs its statements in one transaction, commits, and rolls back on any failure.
 * The tables are {@link TradingSchema}'s.
 *
 * <p>Give it the target's {@link org.wal4j.jdbc.TransactionAwareDataSource}: when wal4j applies a
 * logged call, {@code getConnection()} then hands out the apply transaction, and the commit and
 * rollback here leave it to the target, so the call's effect and its idempotency record commit
 * together (a crash in between cannot apply it twice). Outside an apply it is the plain database.
 *
 * <p>Thread-safe: it keeps no connection between calls.
 */
public final class JdbcTradingDao implements TradingDao {
    private final DataSource dataSource;

    public JdbcTradingDao(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void openAccount(String accountId, String owner, BigDecimal deposit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO demo_account (account_id, owner, cash) VALUES (?, ?, ?)")) {
                insert.setString(1, accountId);
                insert.setString(2, owner);
                insert.setBigDecimal(3, deposit);
                insert.executeUpdate();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void openPosition(String accountId, Trade trade) throws SQLException, TradeRejectedException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (position(connection, accountId, trade.symbol()) != null) {
                    throw new TradeRejectedException(accountId + " already holds " + trade.symbol());
                }
                payFor(connection, accountId, trade);
                insertPosition(connection, accountId, trade);
                insertTrade(connection, accountId, trade, Side.BUY, cash(connection, accountId));
                connection.commit();
            } catch (SQLException | TradeRejectedException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public BigDecimal closePosition(String accountId, Trade trade) throws SQLException, TradeRejectedException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Position held = position(connection, accountId, trade.symbol());
                if (held == null || held.quantity() != trade.quantity()) {
                    throw new TradeRejectedException(accountId + " cannot sell " + trade.quantity() + " "
                            + trade.symbol() + ": it holds " + (held == null ? 0 : held.quantity()));
                }
                deletePosition(connection, accountId, trade.symbol());
                credit(connection, accountId, trade.amount());
                insertTrade(connection, accountId, trade, Side.SELL, cash(connection, accountId));
                connection.commit();
                return trade.amount().subtract(held.cost());
            } catch (SQLException | TradeRejectedException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public BigDecimal deposit(String accountId, BigDecimal amount, String requestId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                credit(connection, accountId, amount);
                BigDecimal cash = cash(connection, accountId);
                connection.commit();
                return cash;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void transfer(String fromAccountId, String toAccountId, BigDecimal amount)
            throws SQLException, TradeRejectedException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE demo_account SET cash = cash - ? WHERE account_id = ? AND cash >= ?")) {
                    update.setBigDecimal(1, amount);
                    update.setString(2, fromAccountId);
                    update.setBigDecimal(3, amount);
                    if (update.executeUpdate() != 1) {
                        throw new TradeRejectedException(fromAccountId + " cannot send " + amount + " to " + toAccountId
                                + ": it holds " + cash(connection, fromAccountId));
                    }
                }
                credit(connection, toAccountId, amount);
                connection.commit();
            } catch (SQLException | TradeRejectedException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public BigDecimal cash(String accountId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return cash(connection, accountId);
        }
    }

    /** Takes the trade's amount from the account's cash, refusing to overdraw it. */
    private static void payFor(Connection connection, String accountId, Trade trade)
            throws SQLException, TradeRejectedException {
        BigDecimal amount = trade.amount();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE demo_account SET cash = cash - ? WHERE account_id = ? AND cash >= ?")) {
            update.setBigDecimal(1, amount);
            update.setString(2, accountId);
            update.setBigDecimal(3, amount);
            if (update.executeUpdate() != 1) {
                throw new TradeRejectedException(accountId + " cannot pay " + amount + " for " + trade.quantity() + " "
                        + trade.symbol() + " (no such account, or not enough cash)");
            }
        }
    }

    private static void credit(Connection connection, String accountId, BigDecimal amount) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE demo_account SET cash = cash + ? WHERE account_id = ?")) {
            update.setBigDecimal(1, amount);
            update.setString(2, accountId);
            if (update.executeUpdate() != 1) {
                throw new SQLException("no account " + accountId);
            }
        }
    }

    private static void insertPosition(Connection connection, String accountId, Trade trade) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO demo_position (account_id, symbol, quantity, cost) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, accountId);
            insert.setString(2, trade.symbol());
            insert.setInt(3, trade.quantity());
            insert.setBigDecimal(4, trade.amount());
            insert.executeUpdate();
        }
    }

    private static void deletePosition(Connection connection, String accountId, String symbol) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM demo_position WHERE account_id = ? AND symbol = ?")) {
            delete.setString(1, accountId);
            delete.setString(2, symbol);
            delete.executeUpdate();
        }
    }

    private static void insertTrade(Connection connection, String accountId, Trade trade, Side side,
                                    BigDecimal cashAfter) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO demo_trade (trade_id, account_id, "
                + "symbol, side, quantity, price, cash_after) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, trade.tradeId());
            insert.setString(2, accountId);
            insert.setString(3, trade.symbol());
            insert.setString(4, side.name());
            insert.setInt(5, trade.quantity());
            insert.setBigDecimal(6, trade.price());
            insert.setBigDecimal(7, cashAfter);
            insert.executeUpdate();
        }
    }

    private static BigDecimal cash(Connection connection, String accountId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT cash FROM demo_account WHERE account_id = ?")) {
            select.setString(1, accountId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("no account " + accountId);
                }
                return rows.getBigDecimal(1);
            }
        }
    }

    private static Position position(Connection connection, String accountId, String symbol) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT quantity, cost FROM demo_position WHERE account_id = ? AND symbol = ?")) {
            select.setString(1, accountId);
            select.setString(2, symbol);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? new Position(accountId, symbol, rows.getInt(1), rows.getBigDecimal(2)) : null;
            }
        }
    }

    @Override
    public List<Account> accounts() throws SQLException {
        List<Account> out = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT account_id, owner, cash FROM demo_account ORDER BY account_id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                out.add(new Account(rows.getString(1), rows.getString(2), rows.getBigDecimal(3)));
            }
        }
        return out;
    }

    @Override
    public List<Position> positions() throws SQLException {
        List<Position> out = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT account_id, symbol, quantity, cost FROM demo_position ORDER BY account_id, symbol");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                out.add(new Position(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getBigDecimal(4)));
            }
        }
        return out;
    }

    @Override
    public List<TradeRecord> trades() throws SQLException {
        List<TradeRecord> out = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT trade_id, account_id, symbol, side, "
                     + "quantity, price, cash_after FROM demo_trade ORDER BY trade_id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                out.add(new TradeRecord(rows.getString(1), rows.getString(2), rows.getString(3),
                        Side.valueOf(rows.getString(4)), rows.getInt(5), rows.getBigDecimal(6), rows.getBigDecimal(7)));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "JdbcTradingDao{" + dataSource + '}';
    }
}
