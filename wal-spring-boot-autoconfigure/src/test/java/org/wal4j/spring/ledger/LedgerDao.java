package org.wal4j.spring.ledger;

import java.math.BigDecimal;
import java.sql.SQLException;
import org.wal4j.jdbc.Critical;
import org.wal4j.jdbc.LaneKey;

/** The critical DAO interface of the starter's tests: a ledger of trades per account. */
public interface LedgerDao {
    /** Books a trade: the balance update and the ledger row, in the service's {@code @Transactional} method. */
    @Critical(namespace = "ledger")
    void book(@LaneKey String account, String tradeId, BigDecimal amount) throws SQLException;

    /** Books a trade with JdbcTemplate alone and returns the new balance. */
    @Critical(namespace = "ledger")
    BigDecimal credit(@LaneKey String account, String tradeId, BigDecimal amount) throws SQLException;

    /** Refused for a negative amount: a declared business exception, thrown by the DAO. */
    @Critical(namespace = "ledger")
    BigDecimal debit(@LaneKey String account, String tradeId, BigDecimal amount) throws InsufficientFundsException;

    /** A read: passes through. */
    BigDecimal balance(String account);
}
