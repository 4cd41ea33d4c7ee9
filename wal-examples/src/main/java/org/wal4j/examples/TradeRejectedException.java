package org.wal4j.examples;

/**
 * A trade the ledger refuses: not enough cash, no such account, a position that is not there.
 * Thrown by {@link JdbcTradingDao} when a call is applied; wal4j then dead-letters the call (a
 * business refusal never passes by retrying) and a caller waiting for the result gets this
 * exception.
 *
 * <p>Immutable and thread-safe, as exceptions are once thrown.
 */
public class TradeRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public TradeRejectedException(String message) {
        super(message);
    }
}
