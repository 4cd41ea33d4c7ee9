package org.wal4j.examples.spring;

import java.math.BigDecimal;

/** The body of {@code POST /accounts/{id}/deposits}: the client's id of the deposit (its retries reuse it) and the amount. */
public record Deposit(String depositId, BigDecimal amount) {
}
