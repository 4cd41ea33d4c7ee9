package org.wal4j.jdbc.testing;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.wal4j.jdbc.Critical;
import org.wal4j.jdbc.LaneKey;

/**
 * A DAO as an application has it: accounts with balances, and trades booked on them. The writes
 * are critical (they go through the log), the reads pass through; reads with a {@link LaneKey}
 * argument can see the caller's own writes. Each return type shows one way a critical call
 * answers.
 */
public interface AccountDao {
    /** Opens an account with a zero balance; returns once durable. */
    @Critical(namespace = "accounts")
    void open(@LaneKey String accountId, String owner) throws SQLException;

    /** Books a trade; returns once durable (or applied, by option). */
    @Critical(namespace = "accounts")
    void post(@LaneKey String accountId, Trade trade) throws SQLException, InsufficientFundsException;

    /** Books a trade and returns the balance after it, as the database computed it. */
    @Critical(namespace = "accounts")
    BigDecimal book(@LaneKey String accountId, Trade trade) throws SQLException, InsufficientFundsException;

    /** Books a trade; the future completes with the balance after it once applied. */
    @Critical(namespace = "accounts")
    CompletableFuture<BigDecimal> submit(@LaneKey String accountId, Trade trade);

    /** Books several trades in one call, in order; returns the balance after the last. */
    @Critical(namespace = "accounts")
    BigDecimal bookAll(@LaneKey String accountId, List<Trade> trades) throws SQLException, InsufficientFundsException;

    /** The account's balance (a read of the account's lane). */
    BigDecimal balance(@LaneKey String accountId) throws SQLException;

    /** The account's trades in the order they were booked (a read of the account's lane). */
    List<TradeRow> trades(@LaneKey String accountId) throws SQLException;

    /** How many accounts exist (a read of no lane). */
    long accountCount() throws SQLException;
}
