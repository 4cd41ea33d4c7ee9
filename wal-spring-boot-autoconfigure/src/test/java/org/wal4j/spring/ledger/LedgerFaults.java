package org.wal4j.spring.ledger;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Faults a test injects into {@link JdbcLedgerDao}: fail a trade's first apply after the service committed. */
public final class LedgerFaults {
    private final Set<String> failOnceAfterService = ConcurrentHashMap.newKeySet();

    /** The next {@code book} of {@code tradeId} throws a retryable SQLException after the service returned. */
    public void failOnceAfterService(String tradeId) {
        failOnceAfterService.add(tradeId);
    }

    void afterService(String tradeId) throws SQLException {
        if (failOnceAfterService.remove(tradeId)) {
            throw new SQLException("the test fails the apply of " + tradeId + " after the service committed", "40001");
        }
    }
}
