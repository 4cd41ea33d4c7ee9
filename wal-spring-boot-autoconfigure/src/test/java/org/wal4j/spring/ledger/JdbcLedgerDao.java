package org.wal4j.spring.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.wal4j.spring.WalRepository;

/**
 * The DAO the starter wraps: {@code book} through the {@code @Transactional} service,
 * {@code credit} with the application's {@link JdbcTemplate}, {@code debit} with
 * {@link DataSourceUtils} and plain JDBC.
 */
@WalRepository
public class JdbcLedgerDao implements LedgerDao {
    private final JdbcTemplate jdbc;
    private final LedgerService service;
    private final DataSource dataSource;
    private final LedgerFaults faults;

    public JdbcLedgerDao(JdbcTemplate jdbc, LedgerService service, DataSource dataSource, LedgerFaults faults) {
        this.jdbc = jdbc;
        this.service = service;
        this.dataSource = dataSource;
        this.faults = faults;
    }

    @Override
    public void book(String account, String tradeId, BigDecimal amount) throws SQLException {
        service.book(account, tradeId, amount);
        faults.afterService(tradeId);
    }

    @Override
    public BigDecimal credit(String account, String tradeId, BigDecimal amount) {
        jdbc.update("UPDATE balance SET amount = amount + ? WHERE account = ?", amount, account);
        jdbc.update("INSERT INTO ledger (trade_id, account, amount) VALUES (?, ?, ?)", tradeId, account, amount);
        return balance(account);
    }

    @Override
    public BigDecimal debit(String account, String tradeId, BigDecimal amount) throws InsufficientFundsException {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            BigDecimal balance;
            try (PreparedStatement read = c.prepareStatement("SELECT amount FROM balance WHERE account = ?")) {
                read.setString(1, account);
                try (ResultSet rs = read.executeQuery()) {
                    balance = rs.next() ? rs.getBigDecimal(1) : BigDecimal.ZERO;
                }
            }
            if (balance.compareTo(amount) < 0) {
                throw new InsufficientFundsException("account " + account + " holds " + balance + ", cannot debit " + amount);
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE balance SET amount = amount - ? WHERE account = ?");
                    PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO ledger (trade_id, account, amount) VALUES (?, ?, ?)")) {
                update.setBigDecimal(1, amount);
                update.setString(2, account);
                update.executeUpdate();
                insert.setString(1, tradeId);
                insert.setString(2, account);
                insert.setBigDecimal(3, amount.negate());
                insert.executeUpdate();
            }
            return balance.subtract(amount);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    @Override
    public BigDecimal balance(String account) {
        BigDecimal b = jdbc.queryForObject("SELECT amount FROM balance WHERE account = ?", BigDecimal.class, account);
        return b == null ? BigDecimal.ZERO : b;
    }
}
