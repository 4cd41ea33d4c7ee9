package org.wal4j.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.wal4j.Wal;

/**
 * The example service as a client sees it, on a random port (its own properties, but an in-memory
 * H2 database and a log in a temporary directory): deposits over REST, one retried with the same
 * id, the account read back, the health endpoint, and the Prometheus scrape's wal4j series.
 */
@SpringBootTest(classes = AccountsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)   // Spring Boot's tests leave the Prometheus registry out otherwise
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(120)
class AccountsApplicationTest {
    private static final AtomicLong DATABASES = new AtomicLong();

    @TempDir
    static Path tmp;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:accounts" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        registry.add("wal4j.directory", () -> tmp.resolve("wal").toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    Wal wal;

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET());
    }

    private HttpResponse<String> deposit(String account, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/accounts/" + account + "/deposits"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void deposits_areAcceptedDurable_appliedOnce_andTheScrapeShowsTheWal() throws Exception {
        assertEquals(404, get("/accounts/alice").statusCode(), "no account before its first deposit");
        HttpResponse<String> first = deposit("alice", "{\"depositId\":\"d-1\",\"amount\":25.00}");
        assertEquals(202, first.statusCode(), first::body);
        assertTrue(first.body().contains("\"status\":\"durable\""), first.body());
        assertEquals(202, deposit("alice", "{\"depositId\":\"d-2\",\"amount\":10.50}").statusCode());
        assertEquals(202, deposit("alice", "{\"depositId\":\"d-1\",\"amount\":25.00}").statusCode(),
                "a retry of d-1: accepted, written once");
        assertEquals(202, deposit("bob", "{\"depositId\":\"d-3\",\"amount\":1.00}").statusCode());
        HttpResponse<String> invalid = deposit("bob", "{\"depositId\":\"d-4\",\"amount\":-1}");
        assertEquals(400, invalid.statusCode());
        assertEquals("{\"error\":\"a deposit needs a depositId and a positive amount, but was "
                + "Deposit[depositId=d-4, amount=-1]\"}", invalid.body());

        wal.awaitAllApplied(Duration.ofSeconds(30)).get();
        assertEquals("{\"id\":\"alice\",\"balance\":35.50,\"deposits\":2}", get("/accounts/alice").body());
        assertEquals("{\"id\":\"bob\",\"balance\":1.00,\"deposits\":1}", get("/accounts/bob").body());

        HttpResponse<String> health = get("/actuator/health");
        assertEquals(200, health.statusCode());
        assertTrue(health.body().startsWith("{\"status\":\"UP\""), health.body());

        String scrape = scrapeWithNamespaces();
        assertTrue(scrape.contains("\nwal_entries_applied_total{target=\"primary\"} 3.0\n"), scrape);
        assertTrue(scrape.contains("\nwal_writes_total 3.0\n"), scrape);
        assertTrue(scrape.contains("\nwal_writes_duplicate_total 1.0\n"), scrape);
        assertTrue(scrape.contains("\nwal_unapplied_entries{namespace=\"deposits\",target=\"primary\"} 0.0\n"), scrape);
        assertTrue(scrape.contains("\nwal_lag_seconds{namespace=\"deposits\",target=\"primary\"} 0.0\n"), scrape);
        assertTrue(scrape.contains("\nwal_state{state=\"running\"} 1.0\n"), scrape);
        // the starter's observations (Actuator's ObservationRegistry, no tracer here) feed timers
        assertTrue(scrape.contains("\nwal4j_write_seconds_count{"), scrape);
        assertTrue(scrape.contains("\nwal4j_apply_seconds_count{"), scrape);
    }

    /** A scrape registers the namespaces it finds; they are in the next one. */
    private String scrapeWithNamespaces() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            HttpResponse<String> scrape = get("/actuator/prometheus");
            assertEquals(200, scrape.statusCode());
            if (scrape.body().contains("wal_unapplied_entries{namespace=\"deposits\"") || System.nanoTime() > deadline) {
                return scrape.body();
            }
            Thread.sleep(200);
        }
    }
}
