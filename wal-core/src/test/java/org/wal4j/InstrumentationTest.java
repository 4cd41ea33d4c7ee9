package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.SyncTarget;
import org.wal4j.testing.Await;

/**
 * The Wal's {@link Instrumentation}: a write's trace context is kept with its entries through the
 * log (a restart included) and offered back around their application; a failing instrumentation
 * never fails a write or an apply.
 */
@Timeout(60)
class InstrumentationTest {
    private static final Map<String, String> TRACE = Map.of("traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    private final Harness h = new Harness("primary");
    private final Recording recording = new Recording();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void writtenEntries_keepTheWritersTraceContext_andEachApplyIsObservedWithThem_acrossARestart() {
        h.instrumentation = recording;
        h.start();
        long seq = h.write("accounts", "a").seq();
        h.settledAll(seq);

        assertEquals(TRACE, h.storage.read(seq).orElseThrow().traceContext(), "the log keeps the trace context");
        Await.until(() -> recording.writesEnded.size() == 1, "the write scope ends with the acknowledgement");
        assertEquals(List.of("ok"), recording.writesEnded);
        Await.until(() -> recording.batchesEnded.size() == 1, "the apply scope ends");
        assertEquals(List.of(List.of(seq)), recording.batches);
        assertEquals(TRACE, recording.appliedEntries.get(0).traceContext(), "the apply sees the writer's trace");

        h.primary().down();
        long later = h.write("accounts", "a").seq();
        Wal restarted = h.stopAndRestart();
        h.primary().up();
        h.settledAll(later);
        assertTrue(restarted.stats().target("primary").applied() >= 1);
        Await.until(() -> recording.appliedEntries.stream().anyMatch(e -> e.seq() == later), "applied after restart");
        WalEntry applied = recording.appliedEntries.stream().filter(e -> e.seq() == later).findFirst().orElseThrow();
        assertEquals(TRACE, applied.traceContext(), "the trace context survives the restart with the entry");
    }

    @Test
    void anEntryWithATraceContextOfItsOwn_keepsIt() {
        h.instrumentation = recording;
        h.start();
        Map<String, String> own = Map.of("traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
        long seq = h.write(WalEntry.builder("accounts", "op").key("a").traceContext(own)).seq();
        assertEquals(own, h.storage.read(seq).orElseThrow().traceContext());
    }

    @Test
    void withoutInstrumentation_entriesCarryNoTraceContext() {
        h.start();
        long seq = h.write("accounts", "a").seq();
        assertEquals(Map.of(), h.storage.read(seq).orElseThrow().traceContext());
    }

    @Test
    void aFailedApply_isRecordedOnItsScope() {
        h.instrumentation = recording;
        h.primary().throwOnCall(1);
        h.start();
        long seq = h.write("accounts", "a").seq();
        h.advanceUntilSettled(seq, java.time.Duration.ofSeconds(1));
        Await.until(() -> recording.batchesEnded.size() >= 2, "two apply scopes");
        assertTrue(recording.batchesEnded.get(0).startsWith("failed: "), recording.batchesEnded.toString());
        assertEquals("ok", recording.batchesEnded.get(recording.batchesEnded.size() - 1));
    }

    @Test
    void aFailingInstrumentation_failsNoWriteAndNoApply() {
        h.instrumentation = new Instrumentation() {
            @Override
            public WriteScope write(List<WalEntry> entries) {
                throw new IllegalStateException("tracer broken");
            }

            @Override
            public Scope applyBatch(String target, List<WalEntry> batch) {
                return new Scope() {
                    @Override
                    public void failed(Throwable failure) {
                        throw new IllegalStateException("tracer broken");
                    }

                    @Override
                    public void close() {
                        throw new IllegalStateException("tracer broken");
                    }
                };
            }
        };
        h.start();
        long seq = h.write("accounts", "a").seq();
        h.settledAll(seq);
        assertEquals(EntryStatus.APPLIED, h.status(seq, "primary"));
        assertEquals(Map.of(), h.storage.read(seq).orElseThrow().traceContext());
    }

    @Test
    void aTraceContextTheLogCannotKeep_isLeftOut_andTheWriteGoesOn() {
        h.instrumentation = new Instrumentation() {
            @Override
            public WriteScope write(List<WalEntry> entries) {
                return scope(Map.of("Bad Name", "x"), null);
            }
        };
        h.start();
        long seq = h.write("accounts", "a").seq();
        assertEquals(Map.of(), h.storage.read(seq).orElseThrow().traceContext());
    }

    @Test
    void aRefusedWrite_endsItsScopeWithTheFailure() {
        h.instrumentation = recording;
        h.policy = (user, action, namespace, operation) -> false;
        h.start();
        assertThrows(WalAccessDeniedException.class, () -> h.write("accounts", "a"));
        assertEquals(1, recording.writesEnded.size());
        assertTrue(recording.writesEnded.get(0).startsWith("failed: " + WalAccessDeniedException.class.getName()),
                recording.writesEnded.toString());
    }

    @Test
    void aTargetThatObservesItsEntries_isNotWrappedByTheEngine() {
        h.instrumentation = recording;
        List<Instrumentation> offered = new ArrayList<>();
        SyncTarget observing = new SyncTarget() {
            @Override
            public String name() {
                return "observing";
            }

            @Override
            public org.wal4j.spi.ApplyResult apply(List<WalEntry> batch) {
                for (WalEntry e : batch) {
                    Instrumentation.end(offered.get(0).applyEntry(name(), e), null);
                }
                return org.wal4j.spi.ApplyResult.applied(batch.size());
            }

            @Override
            public boolean observeEntries(Instrumentation instrumentation) {
                offered.add(instrumentation);
                return true;
            }
        };
        Wal wal = Wal.builder(h.storage).target(observing).instrumentation(recording).clock(h.clock).build().start();
        try {
            long seq = wal.write(WalEntry.builder("accounts", "op").key("a")).seq();
            Await.until(() -> recording.appliedEntries.size() == 1, "the target observed its entry");
            assertEquals(List.of(recording), offered);
            assertEquals(seq, recording.appliedEntries.get(0).seq());
            assertEquals(List.of(), recording.batches, "no batch scope around a target that observes its entries");
        } finally {
            wal.stop(java.time.Duration.ofSeconds(5));
        }
    }

    private static Instrumentation.WriteScope scope(Map<String, String> context, @Nullable List<String> ended) {
        return new Instrumentation.WriteScope() {
            private @Nullable Throwable failure;

            @Override
            public Map<String, String> traceContext() {
                return context;
            }

            @Override
            public void failed(Throwable f) {
                failure = f;
            }

            @Override
            public void close() {
                if (ended != null) {
                    ended.add(failure == null ? "ok" : "failed: " + failure.getClass().getName());
                }
            }
        };
    }

    /** Records every scope it opens and how it ended. */
    private static final class Recording implements Instrumentation {
        final List<String> writesEnded = new CopyOnWriteArrayList<>();
        final List<List<Long>> batches = new CopyOnWriteArrayList<>();
        final List<String> batchesEnded = new CopyOnWriteArrayList<>();
        final List<WalEntry> appliedEntries = new CopyOnWriteArrayList<>();

        @Override
        public WriteScope write(List<WalEntry> entries) {
            return scope(TRACE, writesEnded);
        }

        @Override
        public Scope applyBatch(String target, List<WalEntry> batch) {
            batches.add(batch.stream().map(WalEntry::seq).toList());
            appliedEntries.addAll(batch);
            return recordingScope(batchesEnded);
        }

        @Override
        public Scope applyEntry(String target, WalEntry entry) {
            appliedEntries.add(entry);
            return Scope.NONE;
        }

        private static Scope recordingScope(List<String> ended) {
            return new Scope() {
                private @Nullable Throwable failure;

                @Override
                public void failed(Throwable f) {
                    failure = f;
                }

                @Override
                public void close() {
                    ended.add(failure == null ? "ok" : "failed: " + failure);
                }
            };
        }
    }
}
