package org.wal4j.bench;

import java.sql.SQLException;
import org.wal4j.jdbc.Critical;
import org.wal4j.jdbc.LaneKey;

/**
 * The application's DAO in the end-to-end benchmark ({@link EndToEndBenchmark}): one critical
 * write, a trade booked on an account. Called directly it is the baseline; wrapped by
 * {@code DurableRepository} it goes through the log. Public because the repository's proxy and
 * appliers call it from another package.
 */
public interface TradingDao {

    /**
     * In one transaction: adds {@code amount} to the account's balance and inserts the trade row.
     *
     * @throws SQLException if the database refuses either statement or the commit
     */
    @Critical(namespace = TradingTables.NAMESPACE)
    void trade(@LaneKey long accountId, long amount, String tradeId) throws SQLException;
}
