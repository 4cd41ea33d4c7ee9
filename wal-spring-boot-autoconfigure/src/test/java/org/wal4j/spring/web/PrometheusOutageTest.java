package org.wal4j.spring.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.TestDatabase;

/**
 * The Wal's meters as an operator sees them: a web application on a random port (Spring Boot's
 * Actuator and Prometheus registry, the starter's auto-configuration, Hikari on embedded
 * PostgreSQL) is scraped over HTTP at {@code /actuator/prometheus} before, during and after the
 * database server is stopped, while REST calls keep writing to two namespaces. The backlog gauges
 * rise per namespace during the outage and fall back to 0 after it; the counters count every entry.
 */
// spring-boot-starter-test on the class path turns metrics export and tracing off in tests unless asked
@AutoConfigureObservability
@SpringBootTest(classes = WebApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class PrometheusOutageTest {
    private static final TestDatabase DB = Engines.postgresql().createDatabase("prometheus");
    private static final Path LOG = logDirectory();
    private static final Map<String, String> LEDGER = Map.of("target", "primary", "namespace", "ledger");
    private static final Map<String, String> NOTES = Map.of("target", "primary", "namespace", "notes");
    private static final Map<String, String> PRIMARY = Map.of("target", "primary");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", DB::user);
        registry.add("spring.datasource.password", DB::password);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "8");
        registry.add("management.endpoints.web.exposure.include", () -> "health,prometheus");
        registry.add("wal4j.directory", LOG::toString);
        registry.add("wal4j.drain-timeout", () -> "20s");
        registry.add("wal4j.metrics.stats-max-age", () -> "0s");   // every scrape sees the latest figures
        registry.add("wal4j.settings.lifecycle.max.attempts", () -> "1000");
        registry.add("wal4j.settings.lifecycle.backoff.cap", () -> "500ms");
        registry.add("wal4j.settings.breaker.open.duration", () -> "1s");
    }

    private static Path logDirectory() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target, "prometheus-wal").resolve("wal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Value("${local.server.port}")   // not @LocalServerPort: its package differs in Spring Boot 4
    int port;

    @Test
    void backlogGauges_riseDuringAnOutage_perNamespace_andFallToZeroAfter_countersCountEveryEntry() throws Exception {
        Http http = new Http(port);
        for (int i = 0; i < 3; i++) {
            http.post("/ledger/a/trades/up-" + i + "?amount=1.00", "", 202);
        }
        http.post("/ledger/a/notes", "before", 202);
        // a scrape registers the series of the namespaces it finds: they are in the next one
        Http.Scrape before = await(http, s -> s.value("wal_entries_applied_total", PRIMARY) == 4.0
                && s.series("wal_unapplied_entries").containsAll(List.of(LEDGER, NOTES)), "4 entries applied");
        assertEquals(0.0, before.value("wal_unapplied_entries", LEDGER));
        assertEquals(0.0, before.value("wal_unapplied_entries", NOTES));
        assertEquals(0.0, before.value("wal_lag_seconds", LEDGER));
        assertEquals(0.0, before.value("wal_lag_seconds", NOTES));
        assertEquals(4.0, before.value("wal_writes_total", Map.of()));
        assertEquals(1.0, before.value("wal_breaker_state", Map.of("target", "primary", "state", "closed")));
        assertEquals(1.0, before.value("wal_state", Map.of("state", "running")));
        assertTrue(before.value("wal_write_latency_seconds_count", Map.of()) >= 4.0, before::toString);
        assertEquals(Set.of(LEDGER, NOTES), Set.copyOf(before.series("wal_lag_seconds")), "a series per namespace");

        DatabaseEngine engine = Engines.postgresql();
        engine.stop();
        Http.Scrape during;
        try {
            for (int i = 0; i < 5; i++) {
                http.post("/ledger/a/trades/down-" + i + "?amount=1.00", "", 202);
            }
            http.post("/ledger/a/notes", "during-1", 202);
            http.post("/ledger/a/notes", "during-2", 202);
            during = await(http, s -> s.value("wal_lag_seconds", LEDGER) >= 1.0 && s.value("wal_lag_seconds", NOTES) >= 1.0,
                    "the lag of both namespaces to pass a second");
            assertEquals(5.0, during.value("wal_unapplied_entries", LEDGER), during::toString);
            assertEquals(2.0, during.value("wal_unapplied_entries", NOTES), during::toString);
            assertTrue(during.value("wal_oldest_pending_age_seconds", PRIMARY) >= 1.0, during::toString);
            assertEquals(4.0, during.value("wal_entries_applied_total", PRIMARY), "nothing applied while down");
            assertEquals(11.0, during.value("wal_writes_total", Map.of()));
            await(http, s -> s.value("wal_breaker_state", Map.of("target", "primary", "state", "open")) == 1.0
                    || s.value("wal_breaker_state", Map.of("target", "primary", "state", "half_open")) == 1.0,
                    "the breaker to open");
        } finally {
            engine.start();
        }

        Http.Scrape after = await(http, s -> s.value("wal_entries_applied_total", PRIMARY) == 11.0, "all 11 entries applied");
        assertEquals(0.0, after.value("wal_unapplied_entries", LEDGER));
        assertEquals(0.0, after.value("wal_unapplied_entries", NOTES));
        assertEquals(0.0, after.value("wal_lag_seconds", LEDGER));
        assertEquals(0.0, after.value("wal_lag_seconds", NOTES));
        assertEquals(0.0, after.value("wal_dead_letters", PRIMARY));
        assertEquals(0.0, after.value("wal_entries_dead_lettered_total", PRIMARY));
        assertEquals("8.00", http.get("/ledger/a"));
        assertEquals(8, DB.count("ledger"));
        assertEquals(3, DB.count("notes"));
        String health = http.get("/actuator/health");
        assertTrue(health.contains("\"status\":\"UP\""), health);
    }

    private static Http.Scrape await(Http http, Predicate<Http.Scrape> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Http.Scrape last = http.scrape();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 60 s for " + what + "; the last scrape:\n" + last);
            }
            Thread.sleep(100);
            last = http.scrape();
        }
        return last;
    }
}
