package org.wal4j.spring.ledger;

/** A business verdict of {@link LedgerDao#debit}. */
public class InsufficientFundsException extends Exception {
    private static final long serialVersionUID = 1L;

    public InsufficientFundsException(String message) {
        super(message);
    }
}
