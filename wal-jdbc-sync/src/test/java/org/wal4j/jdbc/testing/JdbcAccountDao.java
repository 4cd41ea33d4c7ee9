package org.wal4j.jdbc.testing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/**
 * {@link AccountDao} in plain JDBC, as applications write it: a connection per call, its own
 * commit, rollback on failure. Booking a trade is two statements (the balance, then the trade
 * row with the balance after it), so a half-applied call would show. The tables are
 * {@link AccountsSchema}'s. An optional {@link Hook} runs between the two statements, inside
 * the transaction: the crash test kills the process there.
 *
 * <p>Thread-safe.
 */
public final class JdbcAccountDao implements AccountDao {
    /** Code run between a trade's balance update and its row insert. */
    @FunctionalInterface
    public interface Hook {
        void afterBalanceUpdate(String accountId, Trade trade);
    }

    private final DataSource dataSource;
    private final Hook hook;

    public JdbcAccountDao(DataSource dataSource) {
        this(dataSource, (account, trade) -> { });
    }

    public JdbcAccountDao(DataSource dataSource, Hook hook) {
        this.dataSource = dataSource;
        this.hook = hook;
    }

    @Override
    public void open(String accountId, String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO account (id, owner, balance) VALUES (?, ?, 0)")) {
                insert.setString(1, accountId);
                insert.setString(2, owner);
                insert.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void post(String accountId, Trade trade) throws SQLException, InsufficientFundsException {
        book(accountId, trade);
    }

    @Override
    public BigDecimal book(String accountId, Trade trade) throws SQLException, InsufficientFundsException {
        return bookAll(accountId, List.of(trade));
    }

    @Override
    public CompletableFuture<BigDecimal> submit(String accountId, Trade trade) {
        try {
            return CompletableFuture.completedFuture(book(accountId, trade));
        } catch (SQLException | InsufficientFundsException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public BigDecimal bookAll(String accountId, List<Trade> trades) throws SQLException, InsufficientFundsException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                BigDecimal balance = null;
                for (Trade trade : trades) {
                    balance = bookOne(connection, accountId, trade);
                }
                connection.commit();
                return balance;
            } catch (SQLException | InsufficientFundsException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private BigDecimal bookOne(Connection connection, String accountId, Trade trade)
            throws SQLException, InsufficientFundsException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE account SET balance = balance + ? WHERE id = ?")) {
            update.setBigDecimal(1, trade.amount());
            update.setString(2, accountId);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no account " + accountId);
            }
        }
        BigDecimal balance = balanceOn(connection, accountId);
        if (balance.signum() < 0) {
            throw new InsufficientFundsException(accountId, balance);
        }
        hook.afterBalanceUpdate(accountId, trade);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO trade (trade_id, account_id, "
                + "sequence_no, amount, balance_after) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, trade.tradeId());
            insert.setString(2, accountId);
            insert.setLong(3, trade.sequence());
            insert.setBigDecimal(4, trade.amount());
            insert.setBigDecimal(5, balance);
            insert.executeUpdate();
        }
        return balance;
    }

    @Override
    public BigDecimal balance(String accountId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return balanceOn(connection, accountId);
        }
    }

    @Override
    public List<TradeRow> trades(String accountId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT row_id, trade_id, account_id, sequence_no, "
                     + "amount, balance_after FROM trade WHERE account_id = ? ORDER BY row_id")) {
            select.setString(1, accountId);
            return AccountsSchema.tradeRows(select);
        }
    }

    @Override
    public long accountCount() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM account");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static BigDecimal balanceOn(Connection connection, String accountId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT balance FROM account WHERE id = ?")) {
            select.setString(1, accountId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no account " + accountId);
                }
                return rows.getBigDecimal(1);
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcAccountDao{" + dataSource + '}';
    }
}
