package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.wal4j.Wal;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spring.ledger.LedgerConfiguration;
import org.wal4j.spring.ledger.LedgerDao;

/**
 * The {@code wal4j} health indicator over HTTP (random port) around a real outage of embedded
 * PostgreSQL (wal-jdbc-sync's fixtures): UP, then DEGRADED (HTTP 200) with the target's figures
 * while the server is stopped, still DEGRADED and answering within {@code wal4j.health.timeout}
 * while every {@code getConnection} hangs, and UP again once the database answers and the log is
 * drained. The application's DataSource is Hikari on PostgreSQL behind a {@link SwitchableDataSource}
 * (for the hang).
 */
@SpringBootTest(classes = Wal4jHealthOutageTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class Wal4jHealthOutageTest {
    private static final TestDatabase DB = Engines.postgresql().createDatabase("health");
    private static final Path LOG = logDirectory();
    private static final long HEALTH_TIMEOUT_MILLIS = 1000;
    private static final SwitchableDataSource DATABASE = new SwitchableDataSource(hikari());

    /** The application: Spring Boot's auto-configuration, the ledger, security, the switchable DataSource. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({LedgerConfiguration.class, ActuatorSecurity.class})
    static class App {
        @Bean
        DataSource dataSource() {
            return DATABASE;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("wal4j.directory", LOG::toString);
        registry.add("wal4j.drain-timeout", () -> "10s");
        registry.add("wal4j.health.timeout", () -> HEALTH_TIMEOUT_MILLIS + "ms");
        registry.add("wal4j.settings.lifecycle.max.attempts", () -> "1000");
        registry.add("wal4j.settings.lifecycle.backoff.cap", () -> "300ms");
        registry.add("wal4j.settings.breaker.open.duration", () -> "1s");
        registry.add("wal4j.settings.breaker.minimum.calls", () -> "2");
        registry.add("wal4j.settings.target.call.timeout", () -> "1s");   // a hung apply is abandoned after 1 s
        registry.add("management.endpoints.web.exposure.include", () -> "health,wal4j");
        registry.add("management.endpoint.health.show-details", () -> "always");
        registry.add("management.endpoint.health.status.order", () -> "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN");
        registry.add("management.endpoint.health.group.wal.include", () -> "wal4j,diskSpace");
    }

    private static HikariDataSource hikari() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(DB.jdbcUrl());
        pool.setUsername(DB.user());
        pool.setPassword(DB.password());
        pool.setConnectionTimeout(1000);
        pool.setMaximumPoolSize(8);
        return pool;
    }

    private static Path logDirectory() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target, "health-wal").resolve("wal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    Wal wal;
    @Autowired
    LedgerDao ledger;

    @Test
    void health_isUpThenDegradedThroughAnOutageAndAHang_withinItsTimeout_thenUpAgain() throws Exception {
        Http http = new Http(port);
        DatabaseEngine engine = Engines.postgresql();
        ledger.book("a", "before", BigDecimal.ONE);
        wal.awaitAllApplied(Duration.ofSeconds(30)).get();

        Http.Answer up = http.get("/actuator/health/wal4j", null);
        assertEquals(200, up.status());
        assertEquals("UP", up.json().get("status").asText(), up.json().toString());
        JsonNode details = up.json().get("details");
        assertEquals("RUNNING", details.get("state").asText());
        assertEquals("CLOSED", details.get("targets").get("primary").get("breakerState").asText());
        assertEquals(0, details.get("targets").get("primary").get("unfinishedEntries").asLong());

        engine.stop();
        try {
            for (int i = 0; i < 3; i++) {
                ledger.book("a", "down-" + i, BigDecimal.ONE);   // durable in the log, waits for the database
            }
            Http.Answer degraded = awaitStatus(http, "DEGRADED");
            assertEquals(200, degraded.status(), "DEGRADED is answered with HTTP 200: the application still takes writes");
            JsonNode primary = degraded.json().get("details").get("targets").get("primary");
            assertNotEquals("CLOSED", primary.get("breakerState").asText(), primary.toString());
            assertEquals(3, primary.get("unfinishedEntries").asLong(), primary.toString());
            assertTrue(primary.get("lagSeconds").asDouble() > 0, primary.toString());
            assertEquals(0, primary.get("deadLetters").asLong());

            // the aggregate is Spring Boot's db indicator's DOWN (HTTP 503): an application that wants to keep
            // serving through an outage wal4j absorbs leaves db out of the group its probes read (docs/spring.md)
            Http.Answer aggregate = http.get("/actuator/health", null);
            assertEquals(503, aggregate.status());
            assertEquals("DOWN", aggregate.json().get("components").get("db").get("status").asText());
            assertEquals("DEGRADED", aggregate.json().get("components").get("wal4j").get("status").asText());
            Http.Answer group = http.get("/actuator/health/wal", null);
            assertEquals(200, group.status(), "the group without db: " + group.body());
            assertEquals("DEGRADED", group.json().get("status").asText(),
                    "with DEGRADED in management.endpoint.health.status.order an aggregate shows it");
        } finally {
            engine.start();
        }
        wal.awaitAllApplied(Duration.ofSeconds(60)).get();
        assertEquals("UP", awaitStatus(http, "UP").json().get("status").asText());
        assertEquals(4, DB.count("ledger"));

        DATABASE.hang(true);      // every getConnection now hangs: the breaker learns it from abandoned calls
        try {
            ledger.book("a", "hung", BigDecimal.ONE);
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            int answers = 0;
            boolean degraded = false;
            while (System.nanoTime() < deadline) {
                Http.Answer hung = http.get("/actuator/health/wal4j", null);
                assertTrue(hung.millis() < HEALTH_TIMEOUT_MILLIS, "answered in " + hung.millis() + " ms");
                assertFalse(hung.json().get("details").has("timeout"), "the figures came: " + hung.body());
                assertEquals(1, hung.json().get("details").get("targets").get("primary").get("unfinishedEntries").asLong());
                degraded |= "DEGRADED".equals(hung.json().get("status").asText());
                answers++;
                Thread.sleep(200);
            }
            assertTrue(answers >= 10, "answers while hung: " + answers);
            assertTrue(degraded, "the breaker opened on the abandoned calls: DEGRADED");
        } finally {
            DATABASE.hang(false);
        }

        wal.awaitAllApplied(Duration.ofSeconds(60)).get();
        Http.Answer again = awaitStatus(http, "UP");
        JsonNode primary = again.json().get("details").get("targets").get("primary");
        assertEquals("CLOSED", primary.get("breakerState").asText());
        assertEquals(0, primary.get("unfinishedEntries").asLong());
        assertEquals(5, DB.count("ledger"), "before, 3 during the outage, 1 during the hang: each once");
        assertEquals(5, DB.count("wal4j_applied_keys"));
        assertEquals("UP", http.get("/actuator/health", null).json().get("status").asText());
    }

    private static Http.Answer awaitStatus(Http http, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Http.Answer last;
        do {
            last = http.get("/actuator/health/wal4j", null);
            if (status.equals(last.json().get("status").asText())) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("health did not become " + status + " within 30 s; last: " + last.body());
    }
}
