package org.wal4j.spring.ledger;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A Spring service: two statements in one {@code @Transactional} method on the application's
 * {@link JdbcTemplate}; records what it saw of the transaction and its connection.
 */
public class LedgerService {
    private final JdbcTemplate jdbc;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    public LedgerService(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public void book(String account, String tradeId, BigDecimal amount) {
        seen.add("transaction active=" + TransactionSynchronizationManager.isActualTransactionActive()
                + " connection=" + jdbc.execute((ConnectionCallback<String>) Object::toString));
        jdbc.update("UPDATE balance SET amount = amount + ? WHERE account = ?", amount, account);
        jdbc.update("INSERT INTO ledger (trade_id, account, amount) VALUES (?, ?, ?)", tradeId, account, amount);
    }

    /** What each {@link #book} saw. */
    public List<String> seen() {
        return List.copyOf(seen);
    }
}
