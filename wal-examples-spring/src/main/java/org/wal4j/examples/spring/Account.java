package org.wal4j.examples.spring;

import java.math.BigDecimal;

/** An account as the database holds it: its balance and how many deposits made it. */
public record Account(String id, BigDecimal balance, long deposits) {
}
