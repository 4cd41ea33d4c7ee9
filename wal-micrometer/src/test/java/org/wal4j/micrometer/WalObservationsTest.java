package org.wal4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.SyncTarget;
import org.wal4j.testing.Await;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * {@link WalObservations} on a real tracer (Brave through Micrometer Tracing's bridge, W3C
 * propagation, spans kept in memory): one trace runs from the request that wrote an entry, through
 * the log, to the database call that applied it after an outage and a restart.
 */
@Timeout(60)
class WalObservationsTest {
    private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();
    private final Tracing tracing = Tracing.newBuilder()
            .currentTraceContext(ThreadLocalCurrentTraceContext.create())
            .propagationFactory(new W3CPropagation())
            .sampler(Sampler.ALWAYS_SAMPLE)
            .addSpanHandler(new SpanHandler() {
                @Override
                public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                    spans.add(span);
                    return true;
                }
            })
            .build();
    private final ObservationRegistry registry = ObservationRegistry.create();
    private final ManualClock clock = ManualClock.atEpochOfTests();
    private InMemoryWalStorage storage = InMemoryWalStorage.create();
    private final List<Wal> wals = new CopyOnWriteArrayList<>();

    WalObservationsTest() {
        BraveTracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()),
                new BraveBaggageManager());
        BravePropagator propagator = new BravePropagator(tracing);
        registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
    }

    @AfterEach
    void tearDown() {
        wals.forEach(w -> w.stop(Duration.ofSeconds(5)));
        tracing.close();
    }

    @Test
    void anEntryAppliedAfterAnOutageAndARestart_joinsTheTraceOfTheRequestThatWroteIt() {
        DatabaseTarget database = new DatabaseTarget(registry);
        database.down = true;
        Wal wal = start(database);

        long seq = Observation.createNotStarted("http.request", registry).observe(() ->
                wal.write(WalEntry.builder("accounts", "debit").key("A").payloadJson("{\"amount\":5}")).seq());
        assertTrue(storage.read(seq).orElseThrow().traceContext().get("traceparent").startsWith("00-"),
                "the log keeps a W3C traceparent: " + storage.read(seq).orElseThrow().traceContext());

        wal.stop(Duration.ofSeconds(5));
        storage = storage.reopen();
        database.down = false;
        Wal restarted = start(database);
        awaitApplied(restarted, seq);

        MutableSpan http = span("http.request");
        MutableSpan write = span(WalObservations.WRITE);
        MutableSpan apply = last(WalObservations.APPLY);
        MutableSpan db = last("db.update");
        assertEquals(http.traceId(), write.traceId(), "write joins the request's trace");
        assertEquals(http.id(), write.parentId());
        assertEquals(http.traceId(), apply.traceId(), "the apply, after a restart, joins the request's trace");
        assertEquals(write.id(), apply.parentId(), "the apply's parent is the write that logged the entry");
        assertEquals(apply.id(), db.parentId(), "the database call runs inside the apply");
        assertEquals(http.traceId(), db.traceId());
        assertEquals("accounts", apply.tag("namespace"));
        assertEquals("debit", apply.tag("operation"));
        assertEquals("db", apply.tag("target"));
        assertEquals(Long.toString(seq), apply.tag("wal4j.seq"));
        assertNull(apply.error(), "the last attempt applied the entry");
    }

    @Test
    void aTargetThatDoesNotObserveItsEntries_getsABatchObservationInTheFirstEntrysTrace() {
        ScriptedSyncTarget scripted = new ScriptedSyncTarget("scripted", clock);
        Wal wal = start(scripted);
        long seq = Observation.createNotStarted("http.request", registry).observe(() ->
                wal.write(WalEntry.builder("accounts", "debit").key("A")).seq());
        awaitApplied(wal, seq);
        Await.until(() -> span(WalObservations.APPLY_BATCH) != null, "the batch's span ends");
        MutableSpan batch = span(WalObservations.APPLY_BATCH);
        assertEquals(span("http.request").traceId(), batch.traceId());
        assertEquals(span(WalObservations.WRITE).id(), batch.parentId());
        assertEquals("scripted", batch.tag("target"));
        assertEquals("1", batch.tag("wal4j.entries"));
    }

    @Test
    void aWriteWithoutARequestTrace_startsATraceTheApplyJoins_andAFailedApplyIsAnError() {
        DatabaseTarget database = new DatabaseTarget(registry);
        database.failOnce = true;
        Wal wal = start(database);
        long seq = wal.write(WalEntry.builder("accounts", "debit").key("A")).seq();
        awaitApplied(wal, seq);
        Await.until(() -> spans.stream().filter(s -> WalObservations.APPLY.equals(s.name())).count() == 2,
                "two apply spans");
        MutableSpan write = span(WalObservations.WRITE);
        assertNull(write.parentId(), "no request: the write starts the trace");
        List<MutableSpan> applies = spans.stream().filter(s -> WalObservations.APPLY.equals(s.name())).toList();
        applies.forEach(a -> assertEquals(write.traceId(), a.traceId()));
        assertEquals("database refused", applies.get(0).error().getMessage(), "the failed attempt is an error");
        assertNull(applies.get(1).error());
    }

    @Test
    void aFailedAppend_endsTheWriteObservationWithTheError() {
        InMemoryWalStorage failing = storage;
        Wal wal = start(new ScriptedSyncTarget("scripted", clock));
        failing.close();
        assertThrows(WalUnavailableException.class, () -> wal.write(WalEntry.builder("accounts", "debit")));
        Await.until(() -> span(WalObservations.WRITE) != null, "the write span ends");
        assertTrue(span(WalObservations.WRITE).error() instanceof WalUnavailableException,
                String.valueOf(span(WalObservations.WRITE).error()));
    }

    @Test
    void aWriteOfNoEntries_isNotObserved() {
        assertEquals(Instrumentation.WriteScope.NONE, WalObservations.of(registry).write(List.of()));
    }

    @Test
    void of_refusesNull() {
        assertEquals("registry must not be null",
                assertThrows(NullPointerException.class, () -> WalObservations.of(null)).getMessage());
    }

    private Wal start(SyncTarget target) {
        Wal wal = Wal.builder(storage).target(target).clock(clock)
                .config(org.wal4j.WalConfig.builder().defaultLifecycle(WalFixture.PATIENT).build())
                .instrumentation(WalObservations.of(registry)).build().start();
        wals.add(wal);
        return wal;
    }

    /** Advances the clock a second at a time (past retry backoffs) until {@code seq} is applied. */
    private void awaitApplied(Wal wal, long seq) {
        java.util.concurrent.CompletableFuture<?> applied = wal.awaitApplied(seq, Duration.ofDays(1));
        long deadline = System.nanoTime() + Await.LIMIT.toNanos();
        while (!applied.isDone()) {
            assertTrue(System.nanoTime() < deadline, "seq " + seq + " not applied: " + wal.stats());
            clock.advance(Duration.ofSeconds(1));
            clock.awaitIdle(Await.LIMIT);
        }
        applied.join();
    }

    /** The span of {@code name} that ended last. */
    private MutableSpan last(String name) {
        List<MutableSpan> named = spans.stream().filter(s -> name.equals(s.name())).toList();
        return named.get(named.size() - 1);
    }

    private MutableSpan span(String name) {
        return spans.stream().filter(s -> name.equals(s.name())).findFirst().orElse(null);
    }

    /**
     * A target that applies entries one at a time, like a JDBC target: each inside the
     * instrumentation's entry scope, with a "database call" observation of its own.
     */
    private final class DatabaseTarget implements SyncTarget {
        private final ObservationRegistry registry;
        private Instrumentation instrumentation = Instrumentation.NONE;
        volatile boolean down;
        volatile boolean failOnce;

        DatabaseTarget(ObservationRegistry registry) {
            this.registry = registry;
        }

        @Override
        public String name() {
            return "db";
        }

        @Override
        public boolean observeEntries(Instrumentation instrumentation) {
            this.instrumentation = instrumentation;
            return true;
        }

        @Override
        public ApplyResult apply(List<WalEntry> batch) {
            for (int i = 0; i < batch.size(); i++) {
                Instrumentation.Scope scope = instrumentation.applyEntry(name(), batch.get(i));
                try {
                    Observation.createNotStarted("db.update", registry).observe(() -> { });
                    if (down || failOnce) {
                        failOnce = false;
                        IllegalStateException e = new IllegalStateException("database refused");
                        scope.failed(e);
                        return ApplyResult.failed(batch.size(), i, false, ApplyResult.FailureKind.RETRYABLE,
                                e.getMessage(), e);
                    }
                } finally {
                    scope.close();
                }
            }
            return ApplyResult.applied(batch.size());
        }
    }
}
