package org.wal4j.examples.spring;

import java.math.BigDecimal;
import java.util.Optional;
import org.wal4j.jdbc.Critical;
import org.wal4j.jdbc.IdempotencyKey;
import org.wal4j.jdbc.LaneKey;

/** The accounts' DAO: deposits are critical (through the log), reads go straight to the database. */
public interface AccountDao {
    /** The namespace of the deposits in the log, and in the meters' {@code namespace} tag. */
    String DEPOSITS = "deposits";

    /**
     * Credits {@code amount} to {@code account}, opening it at its first deposit. Returns once the
     * call is durable in the log; applied in each account's order, exactly once. A deposit retried
     * with the same {@code depositId} writes nothing new.
     */
    @Critical(namespace = DEPOSITS)
    void deposit(@LaneKey String account, @IdempotencyKey String depositId, BigDecimal amount);

    /** The account as the database has it now (deposits still in the log are not in it yet). */
    Optional<Account> find(String account);
}
