package org.wal4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.wal4j.LaneId;
import org.wal4j.WalEntry;
import org.wal4j.spi.ApplyResult.FailureKind;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.Instrumentation;

/**
 * Applies one batch in one transaction on one connection (auto-commit off):
 * <ol>
 *   <li>for each entry in order: insert its idempotency key if absent; if it was new, apply the
 *       entry; if it was there (applied by an earlier transaction, or earlier in this batch),
 *       skip it: it counts as applied;</li>
 *   <li>commit.</li>
 * </ol>
 *
 * <h2>Batched first, entry by entry when something fails</h2>
 * Done literally, that is two round trips to the database per entry. So the transaction first
 * inserts all the keys with one JDBC batch, which says which were new, and then applies the new
 * entries: when they are all {@link SqlStatementEntry SQL-statement entries} for the built-in
 * applier, they are regrouped across lanes, each lane's order kept ({@link SqlStatementOrder}),
 * and consecutive statements with the same SQL go as one JDBC batch ({@link SqlStatementRuns});
 * otherwise each entry's applier runs in turn, as below. The effect is
 * the one described above: all of it in one transaction, keys in entry order, effects in each
 * lane's order (entries of different lanes commute), a key seen twice new only the first time. A JDBC batch that fails does not say which entry failed, so
 * then the transaction is rolled back and the batch applied again entry by entry, which finds the
 * entry and reports it (the only cost of a failing batch is that second attempt; an applier other
 * than the built-in one never runs twice, since those run only after every batched statement
 * succeeded, unless an entry is rejected, below). Entry by entry goes in the batch's own order, so the entry reported is the first
 * that fails in that order, whatever order the batched attempt used. A run of one statement that
 * fails is that first failing entry (a run starts at the earliest entry not yet run), and is
 * reported as such at once, even when the connection died with it. Drivers that do not report a count per statement
 * of a batch (MySQL's with {@code rewriteBatchedStatements}) make the target record keys one by
 * one from then on.
 *
 * <p>The first entry that fails rolls the whole transaction back and is reported with its index:
 * nothing of the batch stays applied. An entry whose applier rejects it
 * ({@link EntryRejectedException}, a business verdict) rolls the transaction back too; then the
 * entries before it are applied again entry by entry (an applier of those may thus run twice,
 * the first run rolled back) and committed without the rejected entry's key or effects (with its
 * verdict in the rejected-calls table, for a call with a request id), and the entry is reported
 * {@link ApplyResult#rejected rejected} with the earlier ones applied; the entries after it are
 * sent again. A failure of the bookkeeping itself (writing the tables,
 * committing) is not the fault of any one entry and is reported as retryable (at the entry whose
 * key could not be recorded, otherwise at index 0), except a commit that fails permanently,
 * which for more than one entry is thrown so that the engine splits the batch (a deferred
 * constraint checked at commit is one entry's fault, but which one only splitting can tell).
 *
 * <p>A commit that fails with the connection lost has an unknown outcome; reporting it
 * retryable is safe because a committed batch's keys make its retry a no-op.
 *
 * <h2>Fenced in a shared log</h2>
 * When the target has claimed apply partitions (a log shared by several instances), every attempt
 * above starts its transaction by locking the row of the batch's partition in the owners table and
 * checking this instance's epoch ({@link PartitionFence#hold}), again after each rollback, since a
 * rollback releases the row: so no attempt commits after another instance's claim, and a fenced
 * batch is rolled back before it wrote anything ({@link org.wal4j.PartitionFencedException} is
 * thrown). Without claims no statement is added.
 *
 * <p>One instance per batch; not thread-safe.
 */
final class BatchTransaction {
    private final Connection connection;
    private final List<WalEntry> batch;
    private final JdbcSyncTarget target;
    private final AppliedKeyLedger ledger;
    /** The fence of a target that claimed partitions; null for a target alone on its log. */
    private final PartitionFence fence;

    BatchTransaction(Connection connection, List<WalEntry> batch, JdbcSyncTarget target, AppliedKeyLedger ledger,
            PartitionFence fence) {
        this.connection = connection;
        this.batch = batch;
        this.target = target;
        this.ledger = ledger;
        this.fence = fence;
    }

    ApplyResult run() {
        try {
            try {
                try {
                    return applyBatched();
                } catch (EntryByEntry rolledBack) {
                    return applyAndCommit(batch.size());
                }
            } catch (Rejected rejected) {
                return afterRejection(rejected);
            }
        } catch (RuntimeException | Error e) {
            BookkeepingSchema.rollbackQuietly(connection, e);
            throw e;
        }
    }

    /**
     * Keys in one JDBC batch, then the new entries' effects, batched where they are SQL
     * statements.
     *
     * @throws EntryByEntry rolled back, if a batched statement failed and it is not known which
     *                      entry's it was: {@link #applyAndCommit} then finds the entry at fault
     */
    private ApplyResult applyBatched() throws EntryByEntry, Rejected {
        ApplyResult notHeld = holdPartition();
        if (notHeld != null) {
            return notHeld;
        }
        boolean[] fresh = recordKeys();
        if (newEntriesAreSqlStatements(fresh)) {
            ApplyResult failed = observedSqlStatements(fresh);
            if (failed != null) {
                return failed;
            }
        } else {
            for (int i = 0; i < batch.size(); i++) {
                if (fresh[i]) {
                    ApplyResult failed = applyEntry(i, batch.get(i));
                    if (failed != null) {
                        return failed;
                    }
                }
            }
        }
        return commit();
    }

    /** Records every key; which were new. */
    private boolean[] recordKeys() throws EntryByEntry {
        try (AppliedKeyLedger.Recorder recorder = ledger.recorder(connection)) {
            if (ledger.batchCountsReported()) {
                boolean[] fresh = recorder.recordAllIfAbsent(batch);
                if (fresh == null) {
                    ledger.batchCountsNotReported();
                    throw rollBackForEntryByEntry();
                }
                return fresh;
            }
            boolean[] fresh = new boolean[batch.size()];
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = recorder.recordIfAbsent(batch.get(i));
            }
            return fresh;
        } catch (SQLException e) {
            throw rollBackForEntryByEntry();
        }
    }

    private boolean newEntriesAreSqlStatements(boolean[] fresh) {
        for (int i = 0; i < fresh.length; i++) {
            if (fresh[i] && !(target.applierFor(batch.get(i).operation()) instanceof SqlStatementApplier)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #executeSqlStatements} in an {@link Instrumentation#applyBatch} scope. */
    private ApplyResult observedSqlStatements(boolean[] fresh) throws EntryByEntry {
        Instrumentation.Scope observed = Instrumentation.open(
                () -> target.instrumentation().applyBatch(target.name(), batch), Instrumentation.Scope.NONE);
        Throwable failure = null;
        try {
            return executeSqlStatements(fresh);
        } catch (EntryByEntry | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            Instrumentation.end(observed, failure);
        }
    }

    /**
     * Executes the new entries' statements, regrouped across lanes ({@link SqlStatementOrder}) so
     * that statements with the same SQL go as one JDBC batch.
     *
     * @return null if all ran, or the batch's result, rolled back, if the statement of a known
     *         entry failed (a run of one statement: it is the entry entry-by-entry would report)
     * @throws EntryByEntry rolled back, if a run of several statements failed, or an entry is not
     *                      a valid statement
     */
    private ApplyResult executeSqlStatements(boolean[] fresh) throws EntryByEntry {
        try (SqlStatementRuns runs = new SqlStatementRuns(connection, target.queryTimeoutSeconds())) {
            try {
                List<SqlStatementEntry> statements = new ArrayList<>();
                List<LaneId> lanes = new ArrayList<>();
                List<String> sql = new ArrayList<>();
                List<Integer> freshIndices = new ArrayList<>();
                for (int i = 0; i < fresh.length; i++) {
                    if (fresh[i]) {
                        SqlStatementEntry statement = SqlStatementEntry.read(batch.get(i));
                        statements.add(statement);
                        lanes.add(LaneId.of(batch.get(i)));
                        sql.add(statement.sql());
                        freshIndices.add(i);
                    }
                }
                // regrouping keeps each entry's first lane in order only: a batch with an entry of
                // several lanes runs in its own order
                boolean severalLanes = freshIndices.stream().anyMatch(i -> !batch.get(i).alsoKeys().isEmpty());
                int[] order = severalLanes ? java.util.stream.IntStream.range(0, lanes.size()).toArray()
                        : SqlStatementOrder.of(lanes, sql);
                for (int position : order) {
                    runs.add(freshIndices.get(position), statements.get(position));
                }
                runs.execute();
                return null;
            } catch (SQLException e) {
                if (runs.failedRunSize() == 1) {
                    // a run starts at the earliest entry not yet run (SqlStatementOrder), so a run of
                    // one is the first entry that fails, as entry by entry would find; and a dead
                    // connection cannot be asked again entry by entry, and need not be
                    return entryFailure(runs.failedRunStart(), batch.get(runs.failedRunStart()), e);
                }
                throw rollBackForEntryByEntry();
            } catch (RuntimeException e) {
                // an entry that is not a valid statement, or a driver that throws something other
                // than an SQLException (pgjdbc's ClassCastException for a multi-statement query):
                // entry by entry names the entry, whose failure is then classified like any other
                throw rollBackForEntryByEntry();
            }
        }
    }

    /**
     * Rolls the batched attempt back before the entry-by-entry one; if even that fails, the
     * connection is broken, and the entry-by-entry attempt meets it and reports it.
     */
    private EntryByEntry rollBackForEntryByEntry() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // reported by the entry-by-entry attempt
        }
        return new EntryByEntry();
    }

    /** The batched attempt was rolled back; the batch is to be applied entry by entry. */
    private static final class EntryByEntry extends Exception {
        private static final long serialVersionUID = 1L;

        EntryByEntry() {
            super(null, null, false, false);
        }
    }

    /**
     * After the applier of entry {@code r.index} rejected it (rolled back): the entries before it
     * are applied again, entry by entry, the rejection's stored verdict (a call with a request id:
     * {@link EntryRejectedException#callOutcome()}) is written to the rejected-calls table, and all
     * that is committed; the entry is reported rejected with the ones before it applied. Its own
     * key is not recorded (see {@link EntryRejectedException}), so nothing of its effects stays.
     * Should an earlier entry fail this time, that failure is the result (the rejected entry was
     * not reached and will be sent again), and should one be rejected, that rejection. Should the
     * verdict not be stored, the batch fails as retryable and the entry is sent again.
     */
    private ApplyResult afterRejection(Rejected r) {
        Rejected rejected = r;
        while (true) {
            String outcome = rejected.rejection.callOutcome();
            if (rejected.index == 0 && outcome == null) {
                return rejected.result();
            }
            ApplyResult notHeld = holdPartition();
            if (notHeld != null) {
                return notHeld;
            }
            try {
                ApplyResult before = applyEntryByEntry(rejected.index);
                if (before != null) {
                    return before;
                }
            } catch (Rejected earlier) {
                rejected = earlier;
                continue;
            }
            if (outcome != null) {
                WalEntry entry = batch.get(rejected.index);
                try {
                    ledger.recordRejection(connection, entry, outcome);
                } catch (SQLException e) {
                    return bookkeepingFailure(0, "recording the rejection of " + SqlFailures.entry(entry, target.name())
                            + " in table " + ledger.rejectedTable(), e);
                }
            }
            ApplyResult committed = commit();
            return committed.allApplied() ? rejected.result() : committed;
        }
    }

    /** An applier rejected the entry at {@code index}; the transaction was rolled back. */
    private final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final transient EntryRejectedException rejection;

        Rejected(int index, EntryRejectedException rejection) {
            super(null, null, false, false);
            this.index = index;
            this.rejection = rejection;
        }

        ApplyResult result() {
            return ApplyResult.rejected(batch.size(), index, true, SqlFailures.entry(batch.get(index), target.name())
                    + " rejected: " + rejection.getMessage(), rejection.verdict());
        }
    }

    /** Entry by entry, the first {@code end} entries, then the commit: a failure names its entry. */
    private ApplyResult applyAndCommit(int end) throws Rejected {
        ApplyResult notHeld = holdPartition();
        if (notHeld != null) {
            return notHeld;
        }
        ApplyResult failed = applyEntryByEntry(end);
        return failed != null ? failed : commit();
    }

    /**
     * Entry by entry, the first {@code end} entries: key, then effect, so that a failure names its
     * entry; not committed.
     *
     * @return null if all were applied (or skipped), otherwise the batch's result, rolled back
     */
    private ApplyResult applyEntryByEntry(int end) throws Rejected {
        try (AppliedKeyLedger.Recorder recorder = ledger.recorder(connection)) {
            for (int i = 0; i < end; i++) {
                WalEntry entry = batch.get(i);
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
        return null;
    }

    /**
     * Applies one entry; returns null on success, otherwise the batch's result after rolling back.
     *
     * @throws Rejected rolled back, if the applier rejected the entry
     */
    private ApplyResult applyEntry(int index, WalEntry entry) throws Rejected {
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
        EntryRejectedException rejection = null;
        Instrumentation.Scope observed = Instrumentation.open(
                () -> target.instrumentation().applyEntry(target.name(), entry), Instrumentation.Scope.NONE);
        Throwable failure = null;
        try {
            applier.apply(entry, binding.newHandle());
        } catch (EntryRejectedException e) {
            rejection = e;
            failure = e;
        } catch (SQLException | RuntimeException e) {
            failure = e;
            return entryFailure(index, entry, e);
        } finally {
            Instrumentation.end(observed, failure);
            binding.end();
            scope.close();
        }
        if (rejection != null) {
            BookkeepingSchema.rollbackQuietly(connection, rejection);
            throw new Rejected(index, rejection);
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

    /**
     * In a shared log, first in each transaction: locks the batch's partition's row and checks
     * this instance still owns the partition ({@link PartitionFence#hold}).
     *
     * @return null if it does (or the target is alone on its log), otherwise the batch's
     *         retryable result, rolled back, when the row could not be read
     * @throws org.wal4j.PartitionFencedException if another instance claimed the partition (the
     *                                            caller, {@link #run}, rolls back)
     */
    private ApplyResult holdPartition() {
        if (fence == null) {
            return null;
        }
        try {
            fence.hold(connection, batch);
            return null;
        } catch (SQLException e) {
            return bookkeepingFailure(0, "locking the partition's row in table " + fence.table(), e);
        }
    }

    /** Rolls back; the batch's result when the entry at {@code index} failed with {@code e}. */
    private ApplyResult entryFailure(int index, WalEntry entry, Exception e) {
        BookkeepingSchema.rollbackQuietly(connection, e);
        FailureKind kind = target.classifier().classify(e);
        return ApplyResult.failed(batch.size(), index, false, kind, SqlFailures.entry(entry, target.name())
                + " failed (" + kind.name().toLowerCase(Locale.ROOT) + "): " + SqlFailures.describe(e), e);
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
