package org.wal4j.examples;

import java.math.BigDecimal;

/**
 * One call the demo's trader makes on {@link TradingDao}: what {@link TradingScript} decides and
 * {@link TradingModel} keeps track of.
 *
 * <p>Immutable and thread-safe.
 */
sealed interface TradingCall {
    String accountId();

    /** {@link TradingDao#openAccount}. */
    record OpenAccount(String accountId, String owner, BigDecimal deposit) implements TradingCall {
    }

    /** {@link TradingDao#openPosition}: a buy. */
    record OpenPosition(String accountId, Trade trade) implements TradingCall {
    }

    /** {@link TradingDao#closePosition}: a sale of the whole position. */
    record ClosePosition(String accountId, Trade trade) implements TradingCall {
    }
}
