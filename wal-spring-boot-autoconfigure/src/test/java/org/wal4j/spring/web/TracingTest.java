package org.wal4j.spring.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import brave.Span;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.wal4j.Wal;
import org.wal4j.micrometer.WalObservations;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.testing.Await;

/**
 * One trace from an HTTP request to the database call that applied its write, with nothing but
 * Spring Boot's own tracing auto-configuration (Micrometer Tracing's Brave bridge, W3C propagation)
 * and the starter: a web application on a random port on embedded PostgreSQL, every span kept in
 * memory by a {@link SpanHandler} bean. The request's server span is the parent of
 * {@code wal4j.write}, which is the parent of {@code wal4j.apply} on the applying thread, which is
 * the parent of the DAO's own observation of its insert.
 */
// spring-boot-starter-test on the class path turns metrics export and tracing off in tests unless asked
@AutoConfigureObservability
@SpringBootTest(classes = {WebApp.class, TracingTest.Spans.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(120)
class TracingTest {
    private static final TestDatabase DB = Engines.postgresql().createDatabase("tracing");
    private static final Path LOG = logDirectory();

    /** Keeps every finished span in memory. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Spans {
        final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

        @Bean
        SpanHandler inMemorySpans() {
            return new SpanHandler() {
                @Override
                public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                    finished.add(span);
                    return true;
                }
            };
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", DB::user);
        registry.add("spring.datasource.password", DB::password);
        registry.add("management.tracing.sampling.probability", () -> "1.0");
        registry.add("wal4j.directory", LOG::toString);
    }

    private static Path logDirectory() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target, "tracing-wal").resolve("wal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Value("${local.server.port}")   // not @LocalServerPort: its package differs in Spring Boot 4
    int port;
    @Autowired
    Spans spans;
    @Autowired
    Wal wal;

    @Test
    void aRestCallsWrite_isAppliedInTheRequestsTrace_writeParentOfApply_applyParentOfTheDaosCall() throws Exception {
        new Http(port).post("/ledger/a/notes", "traced", 202);

        // the apply's span ends after the insert's, before its batch's transaction commits
        Await.until(() -> find(s -> WalObservations.APPLY.equals(s.name())).isPresent()
                && find(s -> s.kind() == Span.Kind.SERVER && s.name().contains("/notes")).isPresent(),
                () -> "the request's and the apply's spans to end: " + spans.finished);
        MutableSpan request = find(s -> s.kind() == Span.Kind.SERVER && s.name().contains("/notes")).orElseThrow();
        MutableSpan write = find(s -> WalObservations.WRITE.equals(s.name())).orElseThrow();
        MutableSpan apply = find(s -> WalObservations.APPLY.equals(s.name())).orElseThrow();
        MutableSpan insert = find(s -> JdbcNotesDao.INSERT.equals(s.name())).orElseThrow();

        assertEquals("http post /ledger/{account}/notes", request.name());
        assertEquals(request.traceId(), write.traceId(), "the write is in the request's trace");
        assertEquals(request.id(), write.parentId(), "the write is a child of the request");
        assertEquals(request.traceId(), apply.traceId(), "the apply, on a worker thread, is in the request's trace");
        assertEquals(write.id(), apply.parentId(), "the apply is a child of the write that logged the entry");
        assertEquals(request.traceId(), insert.traceId());
        assertEquals(apply.id(), insert.parentId(), "the DAO's database call runs inside the apply");
        assertEquals("notes", apply.tag("namespace"));
        assertEquals("primary", apply.tag("target"));
        assertNull(apply.error());
        wal.awaitAllApplied(Duration.ofSeconds(60)).get();
        assertEquals(1, DB.count("notes"));
    }

    private Optional<MutableSpan> find(Predicate<MutableSpan> which) {
        return spans.finished.stream().filter(which).findFirst();
    }
}
