package org.wal4j.spi;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalEntry;

/**
 * Observes writes and applies so that a trace runs from the request that wrote an entry, through
 * the log, to the target that applied it, however much later (an apply after an hour-long
 * outage joins the trace of the request that wrote it). {@code wal-micrometer} implements it over
 * a Micrometer {@code ObservationRegistry}; {@link #NONE}, the default, observes nothing and
 * costs nothing.
 *
 * <p>The {@code Wal} calls:
 * <ul>
 *   <li>{@link #write} on the writing thread, before an append; the entries that carry no
 *       {@link WalEntry#traceContext()} of their own are stored with the returned scope's
 *       {@link WriteScope#traceContext()}; the scope is closed when the append is answered
 *       (acknowledged or failed), on whichever thread answers it;</li>
 *   <li>{@link #applyBatch} on the applying thread, around a target's
 *       {@link SyncTarget#apply}, for a target that does not observe its entries one by one;</li>
 *   <li>a target that applies entries one at a time (a JDBC target runs each entry's applier in
 *       turn) calls {@link #applyEntry} itself, around each entry, with the instrumentation it
 *       was offered, and says so by returning true from {@link SyncTarget#observeEntries}.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe, quick, and never throw: an exception from a method here
 * is logged and ignored, never allowed to fail a write or an apply.
 */
public interface Instrumentation {

    /** Observes nothing; every scope it opens is {@link Scope#NONE}. */
    Instrumentation NONE = new Instrumentation() {
        @Override
        public String toString() {
            return "Instrumentation.NONE";
        }
    };

    /**
     * Opens the observation of one write call of {@code entries} (in order, not yet appended), on
     * the writing thread, with the writer's trace current.
     */
    default WriteScope write(List<WalEntry> entries) {
        return WriteScope.NONE;
    }

    /**
     * Opens the observation of a batch applied by {@code target}, on the thread that applies it
     * (around {@link SyncTarget#apply}, or inside it for work a target does for several entries
     * at once).
     */
    default Scope applyBatch(String target, List<WalEntry> batch) {
        return Scope.NONE;
    }

    /**
     * Opens the observation of one entry applied by {@code target}, on the thread that applies
     * it; its parent is the trace in {@code entry}'s {@link WalEntry#traceContext()}, if any.
     */
    default Scope applyEntry(String target, WalEntry entry) {
        return Scope.NONE;
    }

    /** An open observation; closed exactly once. */
    interface Scope extends AutoCloseable {
        /** A scope that observes nothing. */
        Scope NONE = new Scope() {
            @Override
            public void failed(Throwable failure) {
            }

            @Override
            public void close() {
            }
        };

        /** Records that what is observed failed; call before {@link #close()}. */
        void failed(Throwable failure);

        /** Ends the observation. */
        @Override
        void close();
    }

    /** The observation of a write, with the trace context the written entries keep. */
    interface WriteScope extends Scope {
        /** A write scope that observes nothing and gives no trace context. */
        WriteScope NONE = new WriteScope() {
            @Override
            public Map<String, String> traceContext() {
                return Map.of();
            }

            @Override
            public void failed(Throwable failure) {
            }

            @Override
            public void close() {
            }
        };

        /**
         * The propagation fields to store with the written entries (for example W3C
         * {@code traceparent}); empty for none. Must satisfy
         * {@link WalEntry.Builder#traceContext}'s rules, else the entries are stored without.
         */
        Map<String, String> traceContext();
    }

    /**
     * What {@code opener} opens, or {@code none} (logged) if it throws: how the {@code Wal} and
     * targets open scopes, so that a failing instrumentation never fails a write or an apply.
     */
    static <S extends Scope> S open(Supplier<S> opener, S none) {
        try {
            return opener.get();
        } catch (RuntimeException e) {
            InstrumentationLog.failed("open", e);
            return none;
        }
    }

    /**
     * Closes {@code scope}, after recording {@code failure} if it is not null, logging (never
     * throwing) what the instrumentation threw.
     */
    static void end(Scope scope, @Nullable Throwable failure) {
        try {
            if (failure != null) {
                scope.failed(failure);
            }
        } catch (RuntimeException e) {
            InstrumentationLog.failed("failed", e);
        }
        try {
            scope.close();
        } catch (RuntimeException e) {
            InstrumentationLog.failed("close", e);
        }
    }
}
