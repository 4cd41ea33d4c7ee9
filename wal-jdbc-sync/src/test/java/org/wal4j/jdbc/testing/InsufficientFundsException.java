package org.wal4j.jdbc.testing;

import java.math.BigDecimal;

/** A checked business exception of {@link AccountDao}: the trade would make the balance negative. */
public class InsufficientFundsException extends Exception {
    private static final long serialVersionUID = 1L;

    public InsufficientFundsException(String accountId, BigDecimal balance) {
        super("account " + accountId + " would go to " + balance);
    }

    /** The verdict again, from its message (how a repository rebuilds it from the stored verdict). */
    public InsufficientFundsException(String message) {
        super(message);
    }
}
