package org.wal4j.examples;

/**
 * A trade the ledger refuses: not enough cash, no such account, a position that is not there.
 * Thrown by {@link JdbcTradingDao} when a call is applied. {@link TradingDao}'s methods declare
 * it, so wal4j takes it as a verdict, not a fault: the call's entry ends REJECTED after its one
 * attempt (a business refusal never passes by retrying; it is counted as rejected, not
 * dead-lettered), nothing of it stays in the database, and a caller waiting for the result gets
 * this exception.
 *
 * <p>Immutable and thread-safe, as exceptions are once thrown.
 */
public class TradeRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public TradeRejectedException(String message) {
        super(message);
    }
}
