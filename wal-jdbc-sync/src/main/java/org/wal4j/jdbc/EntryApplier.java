package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.wal4j.WalEntry;

/**
 * Turns one kind of entry into SQL: {@link JdbcSyncTarget} looks the applier up by the entry's
 * {@link WalEntry#operation()} and calls it inside the batch's transaction.
 *
 * <p>The connection is the batch's transaction: {@code commit}, {@code rollback},
 * {@code setAutoCommit} and {@code close} on it do nothing, since the target commits the
 * entry's effect together with its idempotency record, or rolls both back. An applier must not
 * keep the connection after it returns. Throw to fail the entry: an {@link SQLException} is
 * classified by its SQLSTATE ({@link SqlStateClassifier}); any other exception makes the entry
 * permanently failed unless it has an {@link SQLException} among its causes.
 *
 * <p>The target calls an applier from one thread at a time per batch, but different batches may
 * run on different threads: implementations must be thread-safe.
 */
@FunctionalInterface
public interface EntryApplier {

    /**
     * Applies {@code entry}'s effect on {@code connection}.
     *
     * @param entry      the entry, with its sequence number
     * @param connection the batch's transaction; never commit or close it
     */
    void apply(WalEntry entry, Connection connection) throws SQLException;
}
