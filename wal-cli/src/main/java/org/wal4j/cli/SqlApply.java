package org.wal4j.cli;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.wal4j.ReplayQuery;
import org.wal4j.TargetStats;
import org.wal4j.UserContext;
import org.wal4j.Wal;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.JdbcTargetException;
import org.wal4j.jdbc.SqlStatementEntry;
import org.wal4j.jdbc.UrlDataSource;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * Applies a log's SQL-statement entries to a database the way the application would: a
 * {@link Wal} over the log with one {@link JdbcSyncTarget}, started, left to drain the target's
 * backlog (in lane order, batched, retried, dead-lettering what fails for good), then stopped.
 * {@code JdbcSyncTarget} records every entry's idempotency key with its effect, so running again,
 * or re-applying entries the database already has, changes nothing: exactly once in effect.
 *
 * <p>Only SQL-statement entries (operation {@value SqlStatementEntry#OPERATION}) can be applied
 * here: other operations need the application's own appliers. If the target's backlog holds any
 * other entry, nothing is applied.
 *
 * <p>Not thread-safe: one run per instance.
 */
final class SqlApply {
    private static final int PAGE = 256;
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What a run did.
     *
     * @param target       the target name
     * @param madePending  entries a replay made pending again (0 for sync)
     * @param applied      entries the target applied (or found already applied by their key)
     * @param deadLettered entries it dead-lettered
     * @param unfinished    entries still pending or retrying when the run ended
     * @param checkpoint   the target's checkpoint in the database afterwards, empty if none or unreadable
     * @param lastFailure  the reason of the oldest entry left unfinished, or null
     */
    record Outcome(String target, long madePending, long applied, long deadLettered, long unfinished,
                   OptionalLong checkpoint, String lastFailure) {
        boolean complete() {
            return unfinished == 0 && deadLettered == 0;
        }
    }

    private final JdbcOptions jdbc;
    private final Environment environment;

    SqlApply(JdbcOptions jdbc, Environment environment) {
        this.jdbc = jdbc;
        this.environment = environment;
    }

    /**
     * Drains the target's backlog; with {@code reapply}, first makes the matching SQL-statement
     * entries pending again for the target, as {@code user}.
     */
    Outcome run(FileStorageConfig config, ReplayQuery reapply, UserContext user, String purpose) {
        JdbcSyncTarget target = JdbcSyncTarget.builder(jdbc.target, dataSource()).build();
        FileWalStorage storage = Logs.openForWriting(config, purpose);
        Wal wal;
        try {
            refuseOtherOperations(storage);
            try {
                target.createSchema();
            } catch (JdbcTargetException e) {
                throw cannotUse(e.getMessage());
            }
            wal = Wal.builder(storage).target(target).auditSink(environment.auditSink()).build();
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        long madePending = 0;
        Outcome outcome;
        try {
            wal.start();
            if (reapply != null) {
                madePending = wal.as(user).admin().reapply(reapply, jdbc.target);
            }
            TargetStats stats = awaitDrained(wal);
            String lastFailure = null;
            if (stats.unfinishedEntries() > 0) {
                List<TrackedEntry> oldest = storage.unfinished(jdbc.target, 0, 1);
                lastFailure = oldest.isEmpty() ? null : oldest.get(0).reason();
            }
            outcome = new Outcome(jdbc.target, madePending, stats.applied(), stats.deadLettered(),
                    stats.unfinishedEntries(), OptionalLong.empty(), lastFailure);
        } finally {
            wal.stop(STOP_TIMEOUT);
        }
        return new Outcome(outcome.target(), outcome.madePending(), outcome.applied(), outcome.deadLettered(),
                outcome.unfinished(), checkpoint(target), outcome.lastFailure());
    }

    private UrlDataSource dataSource() {
        String password = jdbc.password == null || jdbc.password.length == 0 ? null : new String(jdbc.password);
        try {
            return UrlDataSource.of(jdbc.url, jdbc.user, password);
        } catch (SQLException e) {
            throw cannotUse(e.getMessage());
        }
    }

    private CliFailure cannotUse(String why) {
        return CliFailure.problem("cannot use the database " + UrlDataSource.withoutSecrets(jdbc.url) + ": " + why
                + "; nothing was applied");
    }

    /** Refuses, before anything is applied, a backlog with entries only the application can apply. */
    private void refuseOtherOperations(FileWalStorage storage) {
        long after = 0;
        while (true) {
            List<TrackedEntry> page = storage.unfinished(jdbc.target, after, PAGE);
            for (TrackedEntry t : page) {
                if (!SqlStatementEntry.OPERATION.equals(t.entry().operation())) {
                    throw CliFailure.problem("entry " + t.entry().seq() + " (namespace '" + t.entry().namespace()
                            + "', operation '" + t.entry().operation() + "') waits for target '" + jdbc.target
                            + "' but is not an SQL-statement entry (operation '" + SqlStatementEntry.OPERATION
                            + "'); only the application can apply it. Nothing was applied");
                }
            }
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1).entry().seq();
        }
    }

    private TargetStats awaitDrained(Wal wal) {
        long deadline = System.nanoTime() + jdbc.timeout.toNanos();
        while (true) {
            TargetStats stats = wal.stats().target(jdbc.target);
            if (stats.unfinishedEntries() == 0 || System.nanoTime() - deadline >= 0) {
                return stats;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return wal.stats().target(jdbc.target);
            }
        }
    }

    private static OptionalLong checkpoint(JdbcSyncTarget target) {
        try {
            return target.checkpoint();
        } catch (JdbcTargetException e) {
            return OptionalLong.empty();
        }
    }
}
