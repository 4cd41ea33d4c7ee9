package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.wal4j.Wal;
import org.wal4j.WalState;
import org.wal4j.spring.ledger.LedgerConfiguration;
import org.wal4j.spring.ledger.LedgerDao;

/**
 * The lifecycle: phase, start after the context is built, and the drain on shutdown: with the
 * database switched off the drain gives up after {@code wal4j.drain-timeout}, the Wal stops, and
 * the next application context on the same directory applies what remained.
 */
@Timeout(120)
class WalLifecycleTest {
    @TempDir
    Path tmp;

    private final JdbcDataSource h2 = new JdbcDataSource();

    private ApplicationContextRunner runner(SwitchableDataSource dataSource) {
        return new ApplicationContextRunner()
                .withConfiguration(BootAutoConfigurations.jdbc(false))
                .withBean("dataSource", DataSource.class, () -> dataSource)
                .withUserConfiguration(LedgerConfiguration.class)
                .withPropertyValues("wal4j.directory=" + tmp.resolve("wal"), "wal4j.drain-timeout=1s",
                        "wal4j.settings.stop.timeout=2s");
    }

    @Test
    void phase_isBelowTheWebServers() {
        assertTrue(WalLifecycle.PHASE < Integer.MAX_VALUE - 2048);
    }

    @Test
    void shutdownWithTheDatabaseDown_drainGivesUpAfterTheTimeout_theNextStartAppliesWhatRemained() {
        h2.setURL("jdbc:h2:mem:lifecycle;DB_CLOSE_DELAY=-1");
        SwitchableDataSource dataSource = new SwitchableDataSource(h2);
        AtomicReference<Wal> first = new AtomicReference<>();
        runner(dataSource).run(context -> {
            assertNull(context.getStartupFailure());
            WalLifecycle lifecycle = context.getBean(WalLifecycle.class);
            assertTrue(lifecycle.isRunning());
            first.set(context.getBean(Wal.class));
            dataSource.down(true);
            context.getBean(LedgerDao.class).book("a", "t1", BigDecimal.ONE);
            long started = System.nanoTime();
            assertFalse(lifecycle.drain(), "the database is down: nothing drains");
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(900)) >= 0,
                    "it waited for the drain timeout");
        });
        assertEquals(WalState.STOPPED, first.get().state(), "stopped after the drain gave up");

        dataSource.down(false);
        runner(dataSource).run(context -> {
            assertNull(context.getStartupFailure());
            context.getBean(Wal.class).awaitAllApplied(Duration.ofSeconds(30)).get();
            assertEquals(new BigDecimal("1.00"), context.getBean(LedgerDao.class).balance("a"),
                    "the entry left in the log was applied after the next start");
            assertEquals(1, context.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM ledger", Integer.class));
        });
    }
}
