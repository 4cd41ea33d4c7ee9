package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.Wal;
import org.wal4j.event.EntryApplied;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.ForwardingDataSource;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.ReusedConnectionDataSource;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;

/**
 * Measures, once, how fast the Wal applies a backlog of recorded DAO calls to embedded
 * PostgreSQL ({@code fsync=on}, {@code synchronous_commit=on}) through {@link DurableRepository}:
 * {@value #CALLS} calls of {@code AccountDao.post} (a balance update, a read of it and a trade
 * insert, plus the idempotency record) are written while the target's database is held closed,
 * then released; the rate is the applied entries over the time between the first and the last
 * {@link EntryApplied} event, in batches of the default 100. One reused connection. A
 * measurement, not a test of speed: it asserts only that every call arrived.
 *
 * <p>Run: {@code mvn -B -pl wal-jdbc-sync -am verify -Pstress -Dtest=RepositoryThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("stress")
class RepositoryThroughputMeasurement {
    private static final int CALLS = 20_000;
    private static final int WRITERS = 4;
    private static final int ACCOUNTS = 64;

    @TempDir
    Path logDir;

    @Test
    void applyThroughputThroughTheRepository_postgresql() throws Exception {
        TestDatabase db = Engines.postgresql().createDatabase("repository_throughput");
        AccountsSchema.create(db);
        Gate gate = new Gate(new ReusedConnectionDataSource(db.dataSource()));
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(gate);
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", dataSource).build();
        JdbcAccountDao dao = new JdbcAccountDao(dataSource);
        AtomicLong firstApplied = new AtomicLong();
        AtomicLong lastApplied = new AtomicLong();
        AtomicLong applied = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Wal wal = TestWals.open(logDir, target);
        wal.addListener(event -> {
            if (event instanceof EntryApplied) {
                long now = System.nanoTime();
                firstApplied.compareAndSet(0, now);
                lastApplied.set(now);
                if (applied.incrementAndGet() == CALLS + ACCOUNTS) {
                    done.countDown();
                }
            }
        });
        AccountDao accounts = DurableRepository.builder(AccountDao.class).target(target, dao).build(wal);
        wal.start();
        try {
            long writeStart = System.nanoTime();
            for (int a = 0; a < ACCOUNTS; a++) {
                accounts.open("acct-" + a, "owner");
            }
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread thread = new Thread(() -> {
                    for (int i = writer; i < CALLS; i += WRITERS) {
                        try {
                            accounts.post("acct-" + (i % ACCOUNTS), new Trade("t-" + i, new BigDecimal("1.25"), i));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                thread.start();
                writers.add(thread);
            }
            for (Thread writer : writers) {
                writer.join();
            }
            long written = System.nanoTime() - writeStart;
            gate.open.countDown();
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new AssertionError("only " + applied.get() + " entries applied in 10 minutes");
            }
            double seconds = (lastApplied.get() - firstApplied.get()) / 1e9;
            System.out.printf(Locale.ROOT, "[wal4j-measure] %d calls written by %d threads in %.1f s (%.0f/s, durable); "
                            + "applied through DurableRepository to postgresql in %.2f s: %.0f entries/s%n", CALLS + ACCOUNTS,
                    WRITERS, written / 1e9, (CALLS + ACCOUNTS) / (written / 1e9), seconds, (applied.get() - 1) / seconds);
        } finally {
            gate.open.countDown();
            wal.stop(Duration.ofSeconds(30));
        }
        assertEquals(CALLS, db.count("trade"));
    }

    /** A data source whose connections wait until {@link #open} is counted down. Thread-safe. */
    private static final class Gate extends ForwardingDataSource {
        final CountDownLatch open = new CountDownLatch(1);

        Gate(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", "08001", e);
            }
            return target.getConnection();
        }
    }
}
