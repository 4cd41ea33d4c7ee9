package org.wal4j.jdbc;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The payments DAO of the request-id tests: transfers between accounts, each with the caller's
 * request id, in plain JDBC on tables {@code pay_account} and {@code pay_transfer}.
 */
interface PaymentsDao {
    /** Moves {@code amount} from one account to another; returns the debited account's new balance. */
    @Critical(namespace = "payments")
    BigDecimal transfer(@LaneKey String from, @LaneKey String to, BigDecimal amount, @IdempotencyKey String requestId)
            throws SQLException, RejectedTransferException;

    /** The same transfer, answering nothing: returns once durable. */
    @Critical(namespace = "payments")
    void transferLater(@LaneKey String from, String to, BigDecimal amount, @IdempotencyKey String requestId)
            throws SQLException, RejectedTransferException;

    /** Opens an account with a balance; no request id. */
    @Critical(namespace = "payments")
    void open(@LaneKey String account, BigDecimal balance) throws SQLException;

    BigDecimal balance(@LaneKey String account) throws SQLException;

    /** A declared business exception with a message constructor: comes back to a retry across restarts. */
    final class RejectedTransferException extends Exception {
        private static final long serialVersionUID = 1L;

        public RejectedTransferException(String message) {
            super(message);
        }
    }

    /** The tables. */
    static void createSchema(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pay_account (id VARCHAR(40) PRIMARY KEY, balance DECIMAL(12,2) NOT NULL)");
            s.execute("CREATE TABLE pay_transfer (request_id VARCHAR(300) NOT NULL, from_id VARCHAR(40) NOT NULL, "
                    + "to_id VARCHAR(40) NOT NULL, amount DECIMAL(12,2) NOT NULL)");
        }
    }

    /** Plain JDBC on the target's transaction-aware data source; {@link #gate} holds applies while closed. */
    final class Jdbc implements PaymentsDao {
        private final DataSource dataSource;
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile int transferRuns;

        Jdbc(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public BigDecimal transfer(String from, String to, BigDecimal amount, String requestId)
                throws SQLException, RejectedTransferException {
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            transferRuns++;
            try (Connection c = dataSource.getConnection()) {
                BigDecimal balance = balanceOn(c, from);
                if (balance.compareTo(amount) < 0) {
                    throw new RejectedTransferException("account " + from + " has " + balance + ", cannot send " + amount);
                }
                update(c, "UPDATE pay_account SET balance = balance - ? WHERE id = ?", amount, from);
                update(c, "UPDATE pay_account SET balance = balance + ? WHERE id = ?", amount, to);
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO pay_transfer (request_id, from_id, to_id, amount) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, requestId);
                    s.setString(2, from);
                    s.setString(3, to);
                    s.setBigDecimal(4, amount);
                    s.executeUpdate();
                }
                c.commit();
                return balanceOn(c, from);
            }
        }

        @Override
        public void transferLater(String from, String to, BigDecimal amount, String requestId)
                throws SQLException, RejectedTransferException {
            transfer(from, to, amount, requestId);
        }

        @Override
        public void open(String account, BigDecimal balance) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                update(c, "INSERT INTO pay_account (balance, id) VALUES (?, ?)", balance, account);
                c.commit();
            }
        }

        @Override
        public BigDecimal balance(String account) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                return balanceOn(c, account);
            }
        }

        private static void update(Connection c, String sql, BigDecimal amount, String id) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setBigDecimal(1, amount);
                s.setString(2, id);
                s.executeUpdate();
            }
        }

        private static BigDecimal balanceOn(Connection c, String account) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT balance FROM pay_account WHERE id = ?")) {
                s.setString(1, account);
                try (ResultSet rows = s.executeQuery()) {
                    if (!rows.next()) {
                        throw new IllegalStateException("no account " + account);
                    }
                    return rows.getBigDecimal(1);
                }
            }
        }
    }
}
