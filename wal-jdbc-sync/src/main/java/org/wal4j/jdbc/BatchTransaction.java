package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.wal4j.ApplyResult;
import org.wal4j.ApplyResult.FailureKind;
import org.wal4j.WalEntry;

/**
 * Applies one batch in one transaction on one connection (auto-commit off):
 * <ol>
 *   <li>for each entry in order: insert its idempotency key if absent; if it was new, apply the
 *       entry; if it was there (applied by an earlier transaction, or earlier in this batch),
 *       skip it: it counts as applied;</li>
 *   <li>move the checkpoint row forward to the batch's highest seq;</li>
 *   <li>commit.</li>
 * </ol>
 * The first entry that fails rolls the whole transaction back and is reported with its index:
 * nothing of the batch stays applied. A failure of the bookkeeping itself (writing the tables,
 * committing) is not the fault of any one entry and is reported as retryable (at the entry whose
 * key could not be recorded, otherwise at index 0), except a commit that fails permanently,
 * which for more than one entry is thrown so that the engine splits the batch (a deferred
 * constraint checked at commit is one entry's fault, but which one only splitting can tell).
 *
 * <p>A commit that fails with the connection lost has an unknown outcome; reporting it
 * retryable is safe because a committed batch's keys make its retry a no-op.
 *
 * <p>One instance per batch; not thread-safe.
 */
final class BatchTransaction {
    private final Connection connection;
    private final List<WalEntry> batch;
    private final JdbcSyncTarget target;
    private final AppliedKeyLedger ledger;

    BatchTransaction(Connection connection, List<WalEntry> batch, JdbcSyncTarget target, AppliedKeyLedger ledger) {
        this.connection = connection;
        this.batch = batch;
        this.target = target;
        this.ledger = ledger;
    }

    ApplyResult run() {
        try {
            return applyAndCommit();
        } catch (RuntimeException | Error e) {
            BookkeepingSchema.rollbackQuietly(connection, e);
            throw e;
        }
    }

    private ApplyResult applyAndCommit() {
        long highestSeq = 0;
        try (AppliedKeyLedger.Recorder recorder = ledger.recorder(connection)) {
            for (int i = 0; i < batch.size(); i++) {
                WalEntry entry = batch.get(i);
                highestSeq = Math.max(highestSeq, entry.seq());
                boolean fresh;
                try {
                    fresh = recorder.recordIfAbsent(entry);
                } catch (SQLException e) {
                    return bookkeepingFailure(i, "recording the idempotency key of "
                            + SqlFailures.entry(entry, target.name()) + " in table " + ledger.table(), e);
                }
                if (fresh) {
                    ApplyResult failed = applyEntry(i, entry);
                    if (failed != null) {
                        return failed;
                    }
                }
            }
        } catch (SQLException e) {
            return bookkeepingFailure(0, "preparing the insert into table " + ledger.table(), e);
        }
        try {
            target.checkpointRow().advance(connection, highestSeq);
        } catch (SQLException e) {
            return bookkeepingFailure(0, "advancing the checkpoint to seq " + highestSeq + " in table "
                    + target.checkpointRow().table(), e);
        }
        return commit();
    }

    /** Applies one entry; returns null on success, otherwise the batch's result after rolling back. */
    private ApplyResult applyEntry(int index, WalEntry entry) {
        String description = SqlFailures.entry(entry, target.name());
        EntryApplier applier = target.applierFor(entry.operation());
        if (applier == null) {
            BookkeepingSchema.rollbackQuietly(connection, new IllegalStateException(description));
            // Retryable: the applier may be registered later (a DAO wrapped after the log started draining).
            return ApplyResult.failed(batch.size(), index, false, FailureKind.RETRYABLE, description
                    + ": no EntryApplier registered for operation '" + entry.operation() + "'; registered: "
                    + target.registeredOperations(), null);
        }
        TransactionBinding binding = new TransactionBinding(connection, description);
        TransactionAwareDataSource.Scope scope = target.transactionAwareDataSource().bind(binding);
        try {
            applier.apply(entry, binding.newHandle());
        } catch (SQLException | RuntimeException e) {
            BookkeepingSchema.rollbackQuietly(connection, e);
            FailureKind kind = target.classifier().classify(e);
            return ApplyResult.failed(batch.size(), index, false, kind, description + " failed ("
                    + kind.name().toLowerCase(Locale.ROOT) + "): " + SqlFailures.describe(e), e);
        } finally {
            binding.end();
            scope.close();
        }
        if (binding.rollbackRequested()) {
            IllegalStateException cause = new IllegalStateException(description
                    + ": the applier called rollback() on the apply transaction without throwing");
            BookkeepingSchema.rollbackQuietly(connection, cause);
            return ApplyResult.failed(batch.size(), index, false, FailureKind.RETRYABLE, cause.getMessage()
                    + "; the batch was rolled back (throw an exception to fail an entry)", cause);
        }
        return null;
    }

    private ApplyResult commit() {
        try {
            connection.commit();
            return ApplyResult.applied(batch.size());
        } catch (SQLException e) {
            BookkeepingSchema.rollbackQuietly(connection, e);
            FailureKind kind = target.classifier().classify(e);
            String what = "commit of " + describeBatch() + " failed";
            if (kind == FailureKind.RETRYABLE) {
                return ApplyResult.failed(batch.size(), 0, false, FailureKind.RETRYABLE, "target '" + target.name()
                        + "': " + what + " (outcome unknown; retrying is safe, applied keys make it idempotent): "
                        + SqlFailures.describe(e), e);
            }
            if (batch.size() == 1) {
                return ApplyResult.failed(1, 0, false, FailureKind.PERMANENT, SqlFailures.entry(batch.get(0),
                        target.name()) + ": " + what + " permanently: " + SqlFailures.describe(e), e);
            }
            throw new JdbcTargetException(target.name(), what + " permanently, so one of its entries is at fault "
                    + "but the database does not say which; nothing was applied; split the batch: "
                    + SqlFailures.describe(e), e);
        }
    }

    private ApplyResult bookkeepingFailure(int index, String what, SQLException e) {
        BookkeepingSchema.rollbackQuietly(connection, e);
        return ApplyResult.failed(batch.size(), index, false, FailureKind.RETRYABLE, "target '" + target.name() + "': "
                + what + " failed for " + describeBatch() + "; nothing was applied: " + SqlFailures.describe(e), e);
    }

    private String describeBatch() {
        return "batch of " + batch.size() + " entries (seq " + batch.get(0).seq() + ".."
                + batch.get(batch.size() - 1).seq() + ")";
    }
}
