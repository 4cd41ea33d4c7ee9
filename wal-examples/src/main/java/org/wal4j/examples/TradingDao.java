package org.wal4j.examples;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import org.wal4j.jdbc.Critical;
import org.wal4j.jdbc.DurableRepository;
import org.wal4j.jdbc.IdempotencyKey;
import org.wal4j.jdbc.LaneKey;

/**
 * The trading desk's data access, as an application would have it before wal4j: accounts with
 * cash, open positions, and the trades that opened and closed them.
 *
 * <p>The writes are {@link Critical}: wrapped by {@link DurableRepository}, a call is written to
 * the log (forced to disk) before it returns, and applied to the database afterwards, exactly
 * once, in the order of its account's calls (the {@link LaneKey}; a transfer is in both accounts'
 * lanes). {@link TradeRejectedException}, declared, is a business verdict: the call ends REJECTED
 * (not a dead letter) and a caller that waits for the result gets the exception. The reads are
 * not critical and go straight to the database; {@link #cash} reads its account's lane.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TradingDao {

    /** Opens an account holding {@code deposit} in cash. Returns once the call is durable in the log. */
    @Critical(namespace = "trading")
    void openAccount(@LaneKey String accountId, String owner, BigDecimal deposit) throws SQLException;

    /**
     * Buys {@code trade.quantity()} shares: the cash goes down by the trade's amount and a position
     * opens. Returns once the call is durable in the log; the database applies it later.
     */
    @Critical(namespace = "trading")
    void openPosition(@LaneKey String accountId, Trade trade) throws SQLException, TradeRejectedException;

    /**
     * Sells the whole position in {@code trade.symbol()}: the cash goes up by the trade's amount and
     * the position closes. Returns the realized profit (negative: a loss) as the database computed
     * it, so the call waits until the database applied it; while the database is down it throws
     * {@link org.wal4j.jdbc.NotYetAppliedException} instead: the sale is durable and will still be
     * applied.
     */
    @Critical(namespace = "trading")
    BigDecimal closePosition(@LaneKey String accountId, Trade trade) throws SQLException, TradeRejectedException;

    /**
     * Adds {@code amount} to the account's cash and returns the cash after it, as the database
     * computed it (so the call waits until the database applied it). {@code requestId} is the
     * client's id of the request: a retry with the same id (after a timeout, say) writes nothing,
     * is applied once, and answers what the first call answered.
     */
    @Critical(namespace = "trading")
    BigDecimal deposit(@LaneKey String accountId, BigDecimal amount, @IdempotencyKey String requestId)
            throws SQLException;

    /**
     * Moves {@code amount} of cash from one account to another. Ordered in both accounts' lanes:
     * after every call of either account written before it, before every call written after it.
     * Returns once durable; refused ({@link TradeRejectedException}, the entry REJECTED) if the
     * paying account holds less when the call is applied.
     */
    @Critical(namespace = "trading")
    void transfer(@LaneKey String fromAccountId, @LaneKey String toAccountId, BigDecimal amount)
            throws SQLException, TradeRejectedException;

    /**
     * The account's cash. A read of its lane: with read-your-writes on, it first waits until every
     * call written before it that names the account (a transfer to it included) is applied.
     */
    BigDecimal cash(@LaneKey String accountId) throws SQLException;

    /** Every account, by id. */
    List<Account> accounts() throws SQLException;

    /** Every open position, by account and symbol. */
    List<Position> positions() throws SQLException;

    /** Every trade, by trade id. */
    List<TradeRecord> trades() throws SQLException;

    /** An account as stored. */
    record Account(String accountId, String owner, BigDecimal cash) {
    }

    /** An open position as stored: {@code cost} is what its shares were bought for. */
    record Position(String accountId, String symbol, int quantity, BigDecimal cost) {
    }

    /** A trade as stored, with the account's cash right after it. */
    record TradeRecord(String tradeId, String accountId, String symbol, Side side, int quantity, BigDecimal price,
                       BigDecimal cashAfter) {
    }

    /** Whether a trade bought (opened a position) or sold (closed one). */
    enum Side { BUY, SELL }
}
