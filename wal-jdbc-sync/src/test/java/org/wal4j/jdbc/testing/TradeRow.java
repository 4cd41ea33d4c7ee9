package org.wal4j.jdbc.testing;

import java.math.BigDecimal;

/** A row of table {@code trade}: a booked trade, with the row id the database gave it and the balance after it. Immutable. */
public record TradeRow(long rowId, String tradeId, String accountId, long sequence, BigDecimal amount,
                       BigDecimal balanceAfter) {
}
