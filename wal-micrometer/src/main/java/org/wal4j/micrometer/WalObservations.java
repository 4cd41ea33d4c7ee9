package org.wal4j.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.wal4j.WalEntry;
import org.wal4j.spi.Instrumentation;

/**
 * The Wal's {@link Instrumentation} over a Micrometer {@link ObservationRegistry}: one trace runs
 * from the request that wrote an entry, through the log, to the database call that applied it,
 * however much later (an apply after an hour-long outage joins the trace of its request).
 *
 * <ul>
 *   <li>{@code wal4j.write}: each write call, a sending observation (a
 *       {@link SenderContext}) started on the writing thread under the request's current
 *       observation; the tracing handler injects its trace context (W3C {@code traceparent},
 *       or what the application's propagator writes) into the entries, which the log keeps;
 *       stopped when the append is answered, with the error if it failed.</li>
 *   <li>{@code wal4j.apply}: each entry a target applies one at a time (a {@code JdbcSyncTarget}
 *       runs it around each applier, inside the apply transaction), a receiving observation (a
 *       {@link ReceiverContext}) whose parent the tracing handler extracts from the entry's
 *       stored trace context; it is current on the applying thread while the entry is applied,
 *       so the DAO's database observations are its children.</li>
 *   <li>{@code wal4j.apply.batch}: a batch applied by any other target (or a JDBC target's batch
 *       of SQL statements), a receiving observation whose parent is the trace of the batch's
 *       first entry that has one.</li>
 * </ul>
 *
 * <p>Low-cardinality key values: {@code namespace} and {@code operation} (write, apply),
 * {@code target} (apply, apply.batch). High-cardinality: {@code wal4j.entry.id} and
 * {@code wal4j.seq} (apply), {@code wal4j.entries} (write, apply.batch). Without a tracing bridge
 * in the registry (Spring Boot adds one with {@code micrometer-tracing-bridge-brave} or
 * {@code -otel}), the observations still feed timers, and the entries carry no trace context.
 *
 * <p>Thread-safe; add it with {@code Wal.builder(storage).instrumentation(WalObservations.of(registry))}.
 */
public final class WalObservations implements Instrumentation {
    /** Name of the observation of a write call. */
    public static final String WRITE = "wal4j.write";
    /** Name of the observation of one entry's application. */
    public static final String APPLY = "wal4j.apply";
    /** Name of the observation of a batch's application. */
    public static final String APPLY_BATCH = "wal4j.apply.batch";

    private final ObservationRegistry registry;

    private WalObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    /** Observes writes and applies in {@code registry}. */
    public static WalObservations of(ObservationRegistry registry) {
        return new WalObservations(Objects.requireNonNull(registry, "registry must not be null"));
    }

    @Override
    public WriteScope write(List<WalEntry> entries) {
        if (entries.isEmpty()) {
            return WriteScope.NONE;
        }
        SenderContext<Map<String, String>> context = new SenderContext<>((carrier, key, value) -> {
            if (carrier != null) {
                carrier.put(key, value);
            }
        });
        Map<String, String> carrier = new LinkedHashMap<>();
        context.setCarrier(carrier);
        context.setRemoteServiceName("wal4j");
        WalEntry first = entries.get(0);
        Observation observation = Observation.createNotStarted(WRITE, () -> context, registry)
                .lowCardinalityKeyValue("namespace", first.namespace())
                .lowCardinalityKeyValue("operation", first.operation())
                .highCardinalityKeyValue("wal4j.entries", Integer.toString(entries.size()))
                .start();
        return new WriteScope() {
            @Override
            public Map<String, String> traceContext() {
                return carrier;
            }

            @Override
            public void failed(Throwable failure) {
                observation.error(failure);
            }

            @Override
            public void close() {
                observation.stop();
            }
        };
    }

    @Override
    public Scope applyEntry(String target, WalEntry entry) {
        Observation observation = Observation.createNotStarted(APPLY, () -> receiving(entry.traceContext()), registry)
                .lowCardinalityKeyValue("target", target)
                .lowCardinalityKeyValue("namespace", entry.namespace())
                .lowCardinalityKeyValue("operation", entry.operation())
                .highCardinalityKeyValue("wal4j.entry.id", entry.id())
                .highCardinalityKeyValue("wal4j.seq", Long.toString(entry.seq()))
                .start();
        return new OpenScope(observation);
    }

    @Override
    public Scope applyBatch(String target, List<WalEntry> batch) {
        Map<String, String> parent = Map.of();
        for (WalEntry e : batch) {
            if (!e.traceContext().isEmpty()) {
                parent = e.traceContext();
                break;
            }
        }
        Map<String, String> carrier = parent;
        Observation observation = Observation.createNotStarted(APPLY_BATCH, () -> receiving(carrier), registry)
                .lowCardinalityKeyValue("target", target)
                .highCardinalityKeyValue("wal4j.entries", Integer.toString(batch.size()))
                .start();
        return new OpenScope(observation);
    }

    private static ReceiverContext<Map<String, String>> receiving(Map<String, String> traceContext) {
        ReceiverContext<Map<String, String>> context = new ReceiverContext<>(
                (carrier, key) -> carrier.get(key));
        context.setCarrier(traceContext);
        context.setRemoteServiceName("wal4j");
        return context;
    }

    @Override
    public String toString() {
        return "WalObservations{registry=" + registry + '}';
    }

    /** A started observation, current on the opening thread until closed. */
    private static final class OpenScope implements Scope {
        private final Observation observation;
        private final Observation.Scope scope;

        OpenScope(Observation observation) {
            this.observation = observation;
            this.scope = observation.openScope();
        }

        @Override
        public void failed(Throwable failure) {
            observation.error(failure);
        }

        @Override
        public void close() {
            scope.close();
            observation.stop();
        }
    }
}
