package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.wal4j.BreakerState;
import org.wal4j.Wal;
import org.wal4j.jdbc.NotYetAppliedException;
import org.wal4j.jdbc.TransactionAwareDataSource;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spring.ledger.LedgerConfiguration;
import org.wal4j.spring.ledger.LedgerDao;
import org.wal4j.spring.ledger.LedgerFaults;
import org.wal4j.spring.ledger.LedgerService;

/**
 * A real Spring Boot application context (no web server) on embedded PostgreSQL (wal-jdbc-sync's
 * test fixtures: {@code synchronous_commit=on}), auto-configured by the starter: Spring Boot's
 * Hikari DataSource, JdbcTemplate and transaction manager, and the ledger DAO marked
 * {@code @WalRepository} with a {@code @Transactional} service. The database server is stopped
 * while the application keeps booking, then started again: every call is applied exactly once,
 * in order, on the apply transaction; one apply failed after the service had "committed" leaves
 * nothing behind.
 */
@SpringBootTest(classes = PostgresStarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class PostgresStarterTest {
    private static final TestDatabase DB = Engines.postgresql().createDatabase("starter");
    private static final Path LOG = logDirectory();

    /** The application: Spring Boot's auto-configuration and the ledger's beans. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(LedgerConfiguration.class)
    static class App {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", DB::user);
        registry.add("spring.datasource.password", DB::password);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "8");
        registry.add("wal4j.directory", LOG::toString);
        registry.add("wal4j.drain-timeout", () -> "20s");
        // an outage of seconds: keep retrying (the default 10 attempts back off past it), briefly
        registry.add("wal4j.settings.lifecycle.max.attempts", () -> "1000");
        registry.add("wal4j.settings.lifecycle.backoff.cap", () -> "500ms");
        registry.add("wal4j.settings.breaker.open.duration", () -> "1s");
    }

    private static Path logDirectory() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target, "starter-wal").resolve("wal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    LedgerDao ledger;
    @Autowired
    Wal wal;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    LedgerService service;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcSyncTargets targets;
    @Autowired
    LedgerFaults faults;

    @Test
    void callsThroughADatabaseOutage_areAppliedExactlyOnce_inOrder_onTheApplyTransaction() throws Exception {
        DatabaseEngine engine = Engines.postgresql();
        assertInstanceOf(TransactionAwareDataSource.class, dataSource);
        assertSame(targets.get("primary").transactionAwareDataSource(), dataSource);
        assertSame(dataSource, jdbc.getDataSource(), "the application's JdbcTemplate is on the transaction-aware bean");

        faults.failOnceAfterService("up-3");   // its first apply fails after the @Transactional service returned
        for (int i = 0; i < 10; i++) {
            ledger.book("a", "up-" + i, new BigDecimal("1.00"));
        }
        assertEquals(new BigDecimal("11.00"), ledger.credit("a", "up-credit", new BigDecimal("1.00")),
                "a value call waits for its apply, after the lane's earlier calls");

        engine.stop();
        try {
            for (int i = 0; i < 20; i++) {
                ledger.book("a", "down-" + i, new BigDecimal("1.00"));
            }
            NotYetAppliedException notYet = assertThrows(NotYetAppliedException.class,
                    () -> ledger.credit("a", "down-credit", new BigDecimal("1.00")));
            assertEquals("primary", notYet.target());
            assertTrue(wal.stats().unfinishedEntries() >= 21, "the outage's calls wait in the log: " + wal.stats());
            assertEquals(BreakerState.OPEN, wal.stats().target("primary").breakerState());
        } finally {
            engine.start();
        }

        wal.awaitAllApplied(Duration.ofSeconds(90)).get();
        assertEquals(32, DB.count("ledger"), "10 + 1 before, 20 + 1 during the outage, each once");
        assertEquals(32, DB.queryLong("SELECT COUNT(DISTINCT trade_id) FROM ledger"));
        assertEquals(32, DB.queryLong("SELECT amount FROM balance WHERE account = 'a'"));
        assertEquals(32, DB.count("wal4j_applied_keys"), "one idempotency record per call, committed with it");
        assertEquals(0, wal.stats().deadLetters());
        assertEquals(0, wal.stats().unfinishedEntries());
        assertEquals(new BigDecimal("32.00"), ledger.balance("a"));

        List<String> seen = service.seen();
        assertTrue(seen.size() >= 31, "every book ran the @Transactional service, the failed apply of up-3 twice: " + seen.size());
        for (String s : seen) {
            assertTrue(s.startsWith("transaction active=true connection=") && s.contains("TransactionBinding.Handle"),
                    "Spring's transaction ran on a handle of the apply transaction: " + s);
        }
    }
}
