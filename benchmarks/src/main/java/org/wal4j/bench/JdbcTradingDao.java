package org.wal4j.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@link TradingDao} in plain JDBC, as applications write it: a connection from the pool per call,
 * {@link TradingTables#UPDATE_BALANCE} and {@link TradingTables#INSERT_TRADE}, its own commit,
 * rollback on failure. On a {@code TransactionAwareDataSource} inside an apply, the same code joins
 * the target's transaction.
 *
 * <p>Thread-safe: it keeps nothing but the data source.
 */
final class JdbcTradingDao implements TradingDao {
    private final DataSource dataSource;

    JdbcTradingDao(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void trade(long accountId, long amount, String tradeId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(TradingTables.UPDATE_BALANCE);
                 PreparedStatement insert = connection.prepareStatement(TradingTables.INSERT_TRADE)) {
                update.setLong(1, amount);
                update.setLong(2, accountId);
                if (update.executeUpdate() != 1) {
                    throw new SQLException("No account " + accountId + " to book trade " + tradeId + " on", "02000");
                }
                insert.setString(1, tradeId);
                insert.setLong(2, accountId);
                insert.setLong(3, amount);
                insert.executeUpdate();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcTradingDao{" + dataSource + '}';
    }
}
