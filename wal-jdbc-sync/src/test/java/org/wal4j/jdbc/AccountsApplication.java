package org.wal4j.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.wal4j.LaneId;
import org.wal4j.Wal;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.JdbcAccountDao;

/**
 * The application of the outage and crash tests, as a real one would be set up: the file log in
 * a directory, one {@link JdbcSyncTarget} named {@code primary} on a database, the accounts DAO
 * on the target's transaction-aware data source, wrapped by {@link DurableRepository} before the
 * Wal starts. Used by the child process of the crash test and by the parent that restarts it.
 *
 * <p>Not thread-safe to build; the repository it holds is.
 */
final class AccountsApplication implements AutoCloseable {
    final JdbcSyncTarget target;
    final Wal wal;
    final AccountDao accounts;

    AccountsApplication(DataSource database, Path logDir, JdbcAccountDao.Hook hook, RepositoryOptions.Builder options) {
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(database);
        target = JdbcSyncTarget.builder("primary", dataSource).queryTimeout(Duration.ofSeconds(10)).build();
        JdbcAccountDao dao = new JdbcAccountDao(dataSource, hook);
        wal = TestWals.open(logDir, target);
        accounts = DurableRepository.builder(AccountDao.class).target(target, dao).options(options.build()).build(wal);
        wal.start();
    }

    /** Waits until every call written to {@code accountId}'s lane is settled on the primary. */
    void flush(String accountId, Duration timeout) {
        if (!wal.flushLane(LaneId.of("accounts", accountId), "primary", timeout)) {
            throw new AssertionError("lane accounts/" + accountId + " not settled within " + timeout);
        }
    }

    @Override
    public void close() {
        wal.stop(Duration.ofSeconds(10));
    }
}
