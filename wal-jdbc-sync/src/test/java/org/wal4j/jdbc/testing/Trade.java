package org.wal4j.jdbc.testing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A trade booked on an account: its id, the amount added to the balance, and its position in
 * the account's own sequence (the order its caller wrote it in), so tests can check lane order
 * from the database. Immutable.
 */
public record Trade(String tradeId, BigDecimal amount, long sequence) {
    public Trade {
        Objects.requireNonNull(tradeId, "tradeId must not be null");
        Objects.requireNonNull(amount, "amount must not be null");
    }
}
