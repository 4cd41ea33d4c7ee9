package org.wal4j.examples;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One order filled at a price: the argument of {@link TradingDao#openPosition} (a buy) and
 * {@link TradingDao#closePosition} (a sell of the whole position). A value: it is written to the
 * log as JSON and read back when the call is applied, possibly by another process after a crash.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tradeId  unique per trade, chosen by the caller
 * @param symbol   the instrument
 * @param quantity shares, at least 1
 * @param price    per share, two decimals
 */
public record Trade(String tradeId, String symbol, int quantity, BigDecimal price) {
    public Trade {
        Objects.requireNonNull(tradeId, "tradeId must not be null");
        Objects.requireNonNull(symbol, "symbol must not be null");
        Objects.requireNonNull(price, "price must not be null");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1 but was " + quantity);
        }
        if (price.signum() <= 0) {
            throw new IllegalArgumentException("price must be positive but was " + price);
        }
    }

    /** Quantity times price: what a buy costs and a sell brings. */
    public BigDecimal amount() {
        return price.multiply(BigDecimal.valueOf(quantity));
    }
}
