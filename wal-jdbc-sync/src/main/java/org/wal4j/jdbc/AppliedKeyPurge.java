package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes one target's applied keys older than its retention, so that the applied-keys table
 * stops growing without bound. Each step deletes at most {@code batchSize} rows, oldest first,
 * in its own short transaction, through the index on {@code (target_name, applied_at)}; age is
 * measured with the database's clock, the one that stamped {@code applied_at}.
 *
 * <p>Automatically, one step runs after a committed batch when the purge is due (every
 * {@code interval}, or at once again while a step found a full batch), so applying pays at most
 * one bounded delete per interval while catching up. A failed step is logged and tried again at
 * the next interval: it never fails a batch, which is already committed.
 *
 * <p>Each step also deletes up to {@code batchSize} of the target's rejected calls (the verdicts
 * kept for retries of request ids) older than the same retention, oldest first.
 *
 * <p>Each step first moves the target's checkpoint row forward to the highest seq among the keys
 * it is about to delete, and deletes only keys up to that seq, in the same transaction: the
 * checkpoint is read from the keys and the row together ({@link CheckpointRow}), so it does not
 * move back when keys go.
 *
 * <p>The hazard: a key deleted while its entry can still be delivered lets that delivery apply
 * the entry again. Idempotency is therefore promised only within the retention, which must be
 * at least the {@code Wal}'s (entries are kept in the log that long).
 *
 * <p>Thread-safe: one automatic step at a time; {@link #step} may also be called concurrently
 * by {@link JdbcSyncTarget#purgeAppliedKeys()}.
 */
final class AppliedKeyPurge {
    private static final Logger LOG = LoggerFactory.getLogger(AppliedKeyPurge.class);

    private final String target;
    private final String table;
    private final long retentionSeconds;
    private final long intervalNanos;
    private final int batchSize;
    private final int queryTimeoutSeconds;
    private final String highestSql;
    private final String deleteSql;
    private final String deleteRejectedSql;
    private final CheckpointRow checkpointRow;
    private final AtomicBoolean stepping = new AtomicBoolean();
    private volatile long nextDueNanos = System.nanoTime();

    /** @param interval {@link Duration#ZERO} for no automatic purge */
    AppliedKeyPurge(SqlDialect dialect, String table, CheckpointRow checkpointRow, String target, Duration retention,
                    Duration interval, int batchSize, int queryTimeoutSeconds) {
        this.target = target;
        this.table = table;
        this.retentionSeconds = retention.toSeconds();
        this.intervalNanos = interval.toNanos();
        this.batchSize = batchSize;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.highestSql = dialect.highestSeqOfKeysOlderThan(table);
        this.deleteSql = dialect.deleteKeysOlderThan(table);
        this.deleteRejectedSql = dialect.deleteRejectedCallsOlderThan(SqlDialect.rejectedCallsTable(table));
        this.checkpointRow = checkpointRow;
    }

    /**
     * Deletes up to {@code batchSize} expired keys on {@code connection} (auto-commit off) and
     * commits.
     *
     * @return how many applied keys and rejected calls were deleted
     */
    Step step(Connection connection) throws SQLException {
        try {
            long highest = highestExpiredSeq(connection);
            int deleted = 0;
            if (highest >= 0) {
                checkpointRow.advance(connection, highest);
                try (PreparedStatement delete = connection.prepareStatement(deleteSql)) {
                    delete.setQueryTimeout(queryTimeoutSeconds);
                    delete.setString(1, target);
                    delete.setLong(2, retentionSeconds);
                    delete.setLong(3, highest);
                    delete.setInt(4, batchSize);
                    deleted = delete.executeUpdate();
                }
            }
            int rejected;
            try (PreparedStatement delete = connection.prepareStatement(deleteRejectedSql)) {
                delete.setQueryTimeout(queryTimeoutSeconds);
                delete.setString(1, target);
                delete.setLong(2, retentionSeconds);
                delete.setInt(3, batchSize);
                rejected = delete.executeUpdate();
            }
            connection.commit();
            return new Step(deleted, rejected, batchSize);
        } catch (SQLException e) {
            BookkeepingSchema.rollbackQuietly(connection, e);
            throw e;
        }
    }

    /**
     * What one step deleted.
     *
     * @param keys     applied keys
     * @param rejected rejected calls
     * @param limit    the most either delete may take: a full one means there may be more
     */
    record Step(int keys, int rejected, int limit) {
        /** Whether either delete was full, so that more may be due. */
        boolean full() {
            return keys >= limit || rejected >= limit;
        }
    }

    /** The highest seq among the keys the delete would pick, or -1 if none expired. */
    private long highestExpiredSeq(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(highestSql)) {
            select.setQueryTimeout(queryTimeoutSeconds);
            select.setString(1, target);
            select.setLong(2, retentionSeconds);
            select.setInt(3, batchSize);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return -1;
                }
                long seq = rows.getLong(1);
                return rows.wasNull() ? -1 : seq;
            }
        }
    }

    /** After a committed batch, on its connection: one step if due. Never throws. */
    void afterBatch(Connection connection) {
        if (intervalNanos == 0 || System.nanoTime() - nextDueNanos < 0 || !stepping.compareAndSet(false, true)) {
            return;
        }
        try {
            Step deleted = step(connection);
            nextDueNanos = System.nanoTime() + (deleted.full() ? 0 : intervalNanos);
            if (deleted.keys() > 0 || deleted.rejected() > 0) {
                LOG.debug("target '{}': purged {} applied keys and {} rejected calls older than {} s from {}", target,
                        deleted.keys(), deleted.rejected(), retentionSeconds, table);
            }
        } catch (SQLException e) {
            nextDueNanos = System.nanoTime() + intervalNanos;
            LOG.warn("target '{}': purging applied keys older than {} s from {} failed; trying again in {} s: {}", target,
                    retentionSeconds, table, Duration.ofNanos(intervalNanos).toSeconds(), SqlFailures.describe(e));
        } finally {
            stepping.set(false);
        }
    }

}
