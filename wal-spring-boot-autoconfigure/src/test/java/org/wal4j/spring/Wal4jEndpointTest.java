package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.wal4j.AccessPolicy;
import org.wal4j.AuditEvent;
import org.wal4j.Wal;
import org.wal4j.WalAction;
import org.wal4j.spring.ledger.LedgerConfiguration;
import org.wal4j.spring.ledger.LedgerDao;
import org.wal4j.spring.ledger.LedgerFaults;

/**
 * The {@code /actuator/wal4j} endpoint over HTTP, on a real web server (random port) with Spring
 * Security (HTTP basic; {@link ActuatorSecurity}'s users) and an {@link AccessPolicy} bean that lets
 * only holders of LEDGER_OWNER discard. In-memory H2: the database does not matter here, the dead
 * letters come from the ledger DAO failing its apply once with a single attempt allowed. One
 * context for the class; the test methods share it and each makes dead letters of its own.
 */
@SpringBootTest(classes = Wal4jEndpointTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(120)
class Wal4jEndpointTest {
    private static final Path LOG = logDirectory();
    private static final AtomicInteger TRADES = new AtomicInteger();

    /** The application: Spring Boot's auto-configuration, the ledger, security, and the access policy. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({LedgerConfiguration.class, ActuatorSecurity.class})
    static class App {
        /** Discarding destroys data: only holders of LEDGER_OWNER may; everything else is allowed. */
        @Bean
        AccessPolicy ledgerPolicy() {
            return (user, action, namespace, operation) ->
                    action != WalAction.DISCARD || user.isSystem() || user.permissions().contains("LEDGER_OWNER");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:endpoint;DB_CLOSE_DELAY=-1");
        registry.add("wal4j.directory", LOG::toString);
        registry.add("wal4j.drain-timeout", () -> "5s");
        registry.add("wal4j.settings.lifecycle.max.attempts", () -> "1");   // a failed apply is a dead letter at once
        registry.add("management.endpoints.web.exposure.include", () -> "health,wal4j");
    }

    private static Path logDirectory() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target, "endpoint-wal").resolve("wal");
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
    @Autowired
    LedgerFaults faults;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ActuatorSecurity.RecordingAuditSink audit;

    private Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void status_showsTheStateAndEachTargetsFigures() throws Exception {
        ledger.book("a", "status-" + TRADES.incrementAndGet(), BigDecimal.ONE);
        wal.awaitAllApplied(Duration.ofSeconds(30)).get();

        Http.Answer status = http.get("/actuator/wal4j", "bob");   // reading needs no admin role
        assertEquals(200, status.status(), String.valueOf(status.body()));
        JsonNode json = status.json();
        assertEquals("RUNNING", json.get("state").asText());
        assertEquals(wal.stats().lastSeq(), json.get("lastSeq").asLong());
        JsonNode primary = json.get("targets").get("primary");
        assertEquals("CLOSED", primary.get("breakerState").asText());
        assertEquals(0, primary.get("unfinishedEntries").asLong());
        assertTrue(primary.get("applied").asLong() >= 1, primary.toString());
        assertEquals(wal.stats().target("primary").deadLetters(), primary.get("deadLetters").asLong());

        assertEquals(401, http.get("/actuator/wal4j", null).status(), "the application's security asks who");
        assertEquals(404, http.get("/actuator/wal4j/nothing", "bob").status());
    }

    @Test
    void requeue_overHttp_appliesTheDeadLetter_refusedWithoutTheRole_auditedWithTheUser() throws Exception {
        DeadTrade dead = deadLetter("requeue");
        long seq = dead.seq();

        Http.Answer refused = http.post("/actuator/wal4j/dead-letters/" + seq, "bob", "{\"target\":\"primary\"}");
        assertEquals(403, refused.status(), String.valueOf(refused.body()));
        assertEquals("DENIED", refused.json().get("outcome").asText());
        assertEquals("user bob lacks the role WAL4J_ADMIN (wal4j.actuator.admin-role) to requeue a dead letter",
                refused.json().get("error").asText());
        AuditEvent denied = lastAudit(WalAction.REQUEUE, seq);
        assertEquals("bob", denied.userId());
        assertFalse(denied.allowed());
        assertEquals(1, deadLettersWithSeq(seq), "still a dead letter");

        Http.Answer done = http.post("/actuator/wal4j/dead-letters/" + seq, "alice", "{\"target\":\"primary\"}");
        assertEquals(200, done.status(), String.valueOf(done.body()));
        assertEquals("DONE", done.json().get("outcome").asText());
        assertEquals("alice", done.json().get("user").asText());
        AuditEvent requeued = lastAudit(WalAction.REQUEUE, seq);
        assertEquals("alice", requeued.userId());
        assertTrue(requeued.allowed());
        assertEquals("primary", requeued.target());
        assertEquals(1, requeued.count());

        wal.awaitApplied(seq, Duration.ofSeconds(30)).get();
        assertEquals(1, jdbc.queryForObject("SELECT COUNT(*) FROM ledger WHERE trade_id = ?", Integer.class,
                dead.trade()), "the requeued call is applied once");
        assertEquals(0, deadLettersWithSeq(seq));

        Http.Answer again = http.post("/actuator/wal4j/dead-letters/" + seq, "alice", "{\"target\":\"primary\"}");
        assertEquals(404, again.status());
        assertEquals("entry " + seq + " is not a dead letter for target 'primary'; its status is APPLIED",
                again.json().get("error").asText());
    }

    @Test
    void discard_overHttp_dropsTheDeadLetter_refusedByTheRoleAndByThePolicy_auditedWithTheUser() throws Exception {
        DeadTrade dead = deadLetter("discard");
        long seq = dead.seq();
        String path = "/actuator/wal4j/dead-letters/" + seq + "?target=primary";

        assertEquals(403, http.delete(path, "bob").status(), "no WAL4J_ADMIN");
        Http.Answer byPolicy = http.delete(path, "carol");
        assertEquals(403, byPolicy.status(), "WAL4J_ADMIN, but the access policy wants LEDGER_OWNER: "
                + byPolicy.body());
        AuditEvent denied = lastAudit(WalAction.DISCARD, seq);
        assertEquals("carol", denied.userId());
        assertFalse(denied.allowed(), "the Wal audited the policy's refusal");
        assertEquals(1, deadLettersWithSeq(seq));

        Http.Answer done = http.delete(path, "alice");
        assertEquals(200, done.status(), String.valueOf(done.body()));
        assertEquals("DONE", done.json().get("outcome").asText());
        AuditEvent discarded = lastAudit(WalAction.DISCARD, seq);
        assertEquals("alice", discarded.userId());
        assertTrue(discarded.allowed());
        assertEquals(0, deadLettersWithSeq(seq));
        assertEquals(0, jdbc.queryForObject("SELECT COUNT(*) FROM ledger WHERE trade_id = ?", Integer.class,
                dead.trade()), "a discarded call is never applied");

        assertEquals(400, http.delete("/actuator/wal4j/dead-letters/" + seq + "?target=nope", "alice").status());
    }

    @Test
    void deadLetters_areListedInPages_filteredByTargetAndNamespace() throws Exception {
        long first = deadLetter("page").seq();
        long second = deadLetter("page").seq();
        List<Long> all = wal.admin().deadLetters(org.wal4j.DeadLetterFilter.all()).map(d -> d.seq()).toList();
        int at = all.indexOf(first);
        assertEquals(second, all.get(at + 1), "the two are next to each other in seq order: " + all);

        Http.Answer page = http.get("/actuator/wal4j/dead-letters?target=primary&namespace=ledger&size=1&page=" + at,
                "bob");
        assertEquals(200, page.status(), String.valueOf(page.body()));
        JsonNode letters = page.json().get("deadLetters");
        assertEquals(1, letters.size());
        JsonNode letter = letters.get(0);
        assertEquals(first, letter.get("seq").asLong());
        assertEquals("primary", letter.get("target").asText());
        assertEquals("ledger", letter.get("namespace").asText());
        assertEquals("LedgerDao#book(String,String,BigDecimal)", letter.get("operation").asText());
        assertEquals(1, letter.get("attempts").asInt());
        assertTrue(letter.get("reason").asText().contains("the test fails the apply of page-"), letter.toString());
        assertTrue(page.json().get("hasMore").asBoolean());

        Http.Answer next = http.get("/actuator/wal4j/dead-letters?size=1&page=" + (at + 1), "bob");
        assertEquals(second, next.json().get("deadLetters").get(0).get("seq").asLong());

        Http.Answer none = http.get("/actuator/wal4j/dead-letters?namespace=other", "bob");
        assertEquals(0, none.json().get("deadLetters").size());
        assertFalse(none.json().get("hasMore").asBoolean());

        assertEquals(400, http.get("/actuator/wal4j/dead-letters?size=0", "bob").status());
        assertEquals(400, http.get("/actuator/wal4j/dead-letters?page=-1", "bob").status());
        assertEquals(400, http.get("/actuator/wal4j/dead-letters?target=nope", "bob").status());
    }

    /** A trade dead-lettered for target primary. */
    private record DeadTrade(long seq, String trade) {
    }

    /** Books a trade whose one apply fails: a dead letter. */
    private DeadTrade deadLetter(String prefix) throws Exception {
        String trade = prefix + "-" + TRADES.incrementAndGet();
        faults.failOnceAfterService(trade);
        long before = wal.stats().lastSeq();
        ledger.book("acct-" + trade, trade, BigDecimal.ONE);
        long seq = wal.stats().lastSeq();
        assertEquals(before + 1, seq);
        wal.awaitApplied(seq, Duration.ofSeconds(30)).get();
        assertEquals(1, deadLettersWithSeq(seq), "dead-lettered after its one attempt");
        return new DeadTrade(seq, trade);
    }

    private long deadLettersWithSeq(long seq) {
        try (var letters = wal.admin().deadLetters(org.wal4j.DeadLetterFilter.all())) {
            return letters.filter(d -> d.seq() == seq).count();
        }
    }

    private AuditEvent lastAudit(WalAction action, long seq) {
        List<AuditEvent> events = audit.events().stream().filter(e -> e.action() == action && e.seq() == seq).toList();
        assertFalse(events.isEmpty(), "an audit event " + action + " of seq " + seq + " in " + audit.events());
        return events.get(events.size() - 1);
    }
}
