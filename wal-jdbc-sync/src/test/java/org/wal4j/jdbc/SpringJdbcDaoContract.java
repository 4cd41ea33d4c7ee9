package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.framework.Advised;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.Wal;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.TestDatabase;

/**
 * A DAO built the Spring way: a {@code @Transactional} service (JDK proxy, a
 * {@link DataSourceTransactionManager}) writing with {@link JdbcTemplate}, wired by an
 * {@link AnnotationConfigApplicationContext} on {@link JdbcSyncTarget#transactionAwareDataSource()}.
 * Applied by the target, its SQL runs on the apply transaction's connection: when the apply fails
 * after the service "committed", nothing of it remains, and the retry applies it exactly once.
 * The same DAO wired on the pool itself commits on its own connection and is applied twice: what
 * docs/jdbc.md warns against, shown so that this test is known to tell the two apart. One
 * subclass per engine.
 */
@Timeout(120)
abstract class SpringJdbcDaoContract {
    @TempDir
    Path logDir;
    private TestDatabase db;
    private Wal wal;
    private AnnotationConfigApplicationContext spring;
    private JdbcSyncTarget target;
    private LedgerDao ledger;

    abstract DatabaseEngine engine();

    /** The critical DAO interface the repository wraps. */
    public interface LedgerDao {
        @Critical(namespace = "ledger")
        void book(@LaneKey String account, String tradeId, BigDecimal amount) throws SQLException;
    }

    /** The Spring service the DAO delegates to. */
    public interface LedgerService {
        void book(String account, String tradeId, BigDecimal amount);
    }

    /** Two statements in one {@code @Transactional} method; records what it saw of the transaction. */
    public static class JdbcLedgerService implements LedgerService {
        final JdbcTemplate jdbc;
        final List<String> seen = new CopyOnWriteArrayList<>();

        public JdbcLedgerService(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        @Transactional
        public void book(String account, String tradeId, BigDecimal amount) {
            seen.add("transaction active=" + TransactionSynchronizationManager.isActualTransactionActive()
                    + " connection=" + jdbc.execute((ConnectionCallback<String>) Object::toString));
            jdbc.update("UPDATE balance SET amount = amount + ? WHERE account = ?", amount, account);
            if (amount.signum() < 0) {
                throw new IllegalArgumentException("amount must be positive but was " + amount);
            }
            jdbc.update("INSERT INTO ledger (trade_id, account, amount) VALUES (?, ?, ?)", tradeId, account, amount);
        }
    }

    /** The Spring configuration: transactions by annotation, on the context's {@code dataSource} bean. */
    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class SpringConfig {
        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        LedgerService ledgerService(JdbcTemplate jdbc) {
            return new JdbcLedgerService(jdbc);
        }
    }

    /**
     * The DAO: calls the transactional service, then (after Spring committed) fails its first run
     * with a retryable SQLSTATE and holds its second until the test has looked at the database.
     */
    static final class SpringLedgerDao implements LedgerDao {
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch secondRun = new CountDownLatch(1);
        final CountDownLatch checked = new CountDownLatch(1);
        private final LedgerService service;

        SpringLedgerDao(LedgerService service) {
            this.service = service;
        }

        @Override
        public void book(String account, String tradeId, BigDecimal amount) throws SQLException {
            int run = runs.incrementAndGet();
            if (run == 2) {
                secondRun.countDown();
                try {
                    checked.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            service.book(account, tradeId, amount);
            if (run == 1 && amount.signum() > 0) {
                throw new SQLException("the test fails the apply after the service committed", "40001");
            }
        }
    }

    @AfterEach
    void stop() {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(10));
        }
        if (spring != null) {
            spring.close();
        }
    }

    /**
     * A database, its target, the Spring context with its {@code dataSource} the target's
     * transaction-aware data source (or, if not {@code onTransactionAwareDataSource}, the pool
     * under it), the repository; the Wal started.
     */
    private SpringLedgerDao start(boolean onTransactionAwareDataSource) throws SQLException {
        db = engine().createDatabase(getClass().getSimpleName());
        db.execute("CREATE TABLE balance (account VARCHAR(64) PRIMARY KEY, amount DECIMAL(19, 2) NOT NULL)",
                "CREATE TABLE ledger (trade_id VARCHAR(64) NOT NULL, account VARCHAR(64) NOT NULL, "
                        + "amount DECIMAL(19, 2) NOT NULL)",
                "INSERT INTO balance (account, amount) VALUES ('a', 0)");
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", dataSource).build();
        spring = new AnnotationConfigApplicationContext();
        DataSource springDataSource = onTransactionAwareDataSource ? dataSource : dataSource.targetDataSource();
        spring.registerBean("dataSource", DataSource.class, () -> springDataSource);
        spring.register(SpringConfig.class);
        spring.refresh();
        SpringLedgerDao dao = new SpringLedgerDao(spring.getBean(LedgerService.class));
        wal = TestWals.open(logDir, target);
        LedgerDao ledger = DurableRepository.builder(LedgerDao.class).target(target, dao).build(wal);
        wal.start();
        this.ledger = ledger;
        this.target = target;
        return dao;
    }

    @Test
    void transactionalJdbcTemplateDao_runsOnTheApplyTransaction_nothingRemainsOfAFailedApply_retryAppliesOnce()
            throws Exception {
        SpringLedgerDao dao = start(true);

        ledger.book("a", "t1", new BigDecimal("10.00"));
        assertTrue(dao.secondRun.await(30, TimeUnit.SECONDS), "the failed apply is retried");

        assertEquals(0, db.count("ledger"), "the first run's insert was rolled back with the apply transaction");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM balance WHERE amount <> 0"), "and its update");
        assertEquals(0, db.count("wal4j_applied_keys"), "and so was the entry's idempotency record");
        dao.checked.countDown();
        assertTrue(wal.flushLane(LaneId.of("ledger", "a"), "primary", Duration.ofSeconds(30)));

        assertEquals(1, db.count("ledger"), "applied exactly once");
        assertEquals(10, db.queryLong("SELECT amount FROM balance WHERE account = 'a'"));
        assertEquals(1, db.count("wal4j_applied_keys"));
        JdbcLedgerService service = (JdbcLedgerService) ((Advised) spring.getBean(LedgerService.class)).getTargetSource()
                .getTarget();
        assertEquals(2, service.seen.size(), service.seen::toString);
        for (String seen : service.seen) {
            assertTrue(seen.startsWith("transaction active=true connection=") && seen.contains("TransactionBinding.Handle"),
                    "Spring's transaction ran on a handle of the apply transaction: " + seen);
        }
        assertFalse(((DaoCallApplier) target.applierFor("LedgerDao#book(String,String,BigDecimal)")).warnedNoConnection());
    }

    @Test
    void exceptionLeavingTheTransactionalMethod_rollsBackWithTheEntry_whichIsDeadLettered() throws Exception {
        start(true);

        ledger.book("a", "t1", new BigDecimal("-5.00"));
        long seq = wal.stats().lastSeq();

        assertEquals(EntryStatus.DEAD, wal.awaitApplied(seq, "primary", Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS)
                .statusByTarget().get("primary"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM balance WHERE amount <> 0"), "the update was rolled back");
        assertEquals(0, db.count("ledger"));
        assertEquals(0, db.count("wal4j_applied_keys"));
    }

    @Test
    void springWiredOnThePoolInstead_commitsOnItsOwnConnection_andIsAppliedTwice() throws Exception {
        SpringLedgerDao dao = start(false);

        ledger.book("a", "t1", new BigDecimal("10.00"));
        assertTrue(dao.secondRun.await(30, TimeUnit.SECONDS));
        assertEquals(1, db.count("ledger"), "the failed apply's insert stayed: it committed on a pool connection");
        dao.checked.countDown();
        assertTrue(wal.flushLane(LaneId.of("ledger", "a"), "primary", Duration.ofSeconds(30)));

        assertEquals(2, db.count("ledger"), "the effect twice, the thing the transaction-aware data source prevents");
        assertTrue(((DaoCallApplier) target.applierFor("LedgerDao#book(String,String,BigDecimal)")).warnedNoConnection(),
                "and the repository warned that the DAO took no connection from the target's data source");
    }
}
