package org.wal4j.micrometer;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.NamespaceStats;
import org.wal4j.TargetStats;
import org.wal4j.Wal;
import org.wal4j.WalState;
import org.wal4j.WalStats;
import org.wal4j.event.LatencyListener;

/**
 * Publishes a {@link Wal}'s figures to Micrometer: a {@link MeterBinder} that can be bound to any
 * number of registries, before or after the Wal starts.
 *
 * <pre>{@code
 * WalMetrics metrics = WalMetrics.of(wal);
 * metrics.bindTo(registry);
 * ...
 * metrics.close();   // removes every meter it registered; wal.stop() does not
 * }</pre>
 *
 * <h2>What it publishes</h2>
 * Gauges of the backlog per target ({@value #OLDEST_PENDING_AGE}, {@value #DEAD_LETTERS},
 * {@value #BREAKER_STATE}) and per target and namespace ({@value #LAG}, {@value #UNAPPLIED_ENTRIES}),
 * the Wal's {@value #STATE}; counters over the Wal's cumulative figures ({@value #APPLIED},
 * {@value #RETRIES}, {@value #DEAD_LETTERED}, {@value #REJECTED}, {@value #EXPIRED} per target;
 * {@value #WRITES}, {@value #DUPLICATE_WRITES}); timers with percentile histograms
 * ({@value #WRITE_LATENCY}, {@value #APPLY_LATENCY} per target). {@code docs/operations.md}
 * lists each with its unit, tags, Prometheus name and suggested alerts.
 *
 * <h2>How it reads</h2>
 * Gauges and counters read one snapshot of {@link Wal#stats()} per scrape
 * ({@link WalMetricsOptions#statsMaxAge()}); the snapshot is made of counters and in-memory figures
 * kept by the engine, so a scrape never reads the log, calls a target, or waits on a disk or a
 * database. Counters are {@code FunctionCounter}s over the engine's atomic counts, so they are exact
 * whatever runs concurrently, and count from the Wal's start. The timers are fed each sample as the
 * engine measures it, through a {@link LatencyListener} this adds to the Wal on the first
 * {@link #bindTo} and removes on {@link #close()}: samples from before the first bind are not in them.
 *
 * <h2>Namespaces</h2>
 * A namespace gets its series once a scrape finds it in the stats (the first entry of it written
 * or found in the log at start); it keeps them, at 0, while it has no backlog. The first
 * {@link WalMetricsOptions#maxNamespaces()} namespaces get series of their own, later ones share
 * {@code namespace="}{@value #OTHER_NAMESPACES}{@code "}.
 *
 * <h2>After the Wal stops</h2>
 * The backlog gauges read {@code NaN} (no figure: nothing drains) while the Wal is
 * {@link WalState#NEW} or {@link WalState#STOPPED}; {@value #STATE} reads the state, and the
 * counters keep their last values. {@link #close()} removes the meters: call it when the Wal is
 * replaced (a new Wal gets a new {@code WalMetrics}).
 *
 * <p>Thread-safe.
 */
public final class WalMetrics implements MeterBinder, AutoCloseable {
    /** Gauge, seconds; tags target, namespace. Prometheus: {@code wal_lag_seconds}. */
    public static final String LAG = "wal.lag";
    /** Gauge; tags target, namespace. Prometheus: {@code wal_unapplied_entries}. */
    public static final String UNAPPLIED_ENTRIES = "wal.unapplied.entries";
    /** Gauge, seconds; tag target. Prometheus: {@code wal_oldest_pending_age_seconds}. */
    public static final String OLDEST_PENDING_AGE = "wal.oldest.pending.age";
    /** Gauge; tag target. Prometheus: {@code wal_dead_letters}. */
    public static final String DEAD_LETTERS = "wal.dead.letters";
    /** Gauge, 1 or 0; tags target, state (closed, open, half_open). Prometheus: {@code wal_breaker_state}. */
    public static final String BREAKER_STATE = "wal.breaker.state";
    /** Gauge, 1 or 0; tag state (new, running, stopping, stopped, failed). Prometheus: {@code wal_state}. */
    public static final String STATE = "wal.state";
    /** Counter; tag target. Prometheus: {@code wal_entries_applied_total}. */
    public static final String APPLIED = "wal.entries.applied";
    /** Counter; tag target. Prometheus: {@code wal_retries_total}. */
    public static final String RETRIES = "wal.retries";
    /** Counter; tag target. Prometheus: {@code wal_entries_dead_lettered_total}. */
    public static final String DEAD_LETTERED = "wal.entries.dead.lettered";
    /** Counter; tag target. Prometheus: {@code wal_entries_rejected_total}. */
    public static final String REJECTED = "wal.entries.rejected";
    /** Counter; tag target. Prometheus: {@code wal_entries_expired_total}. */
    public static final String EXPIRED = "wal.entries.expired";
    /** Counter. Prometheus: {@code wal_writes_total}. */
    public static final String WRITES = "wal.writes";
    /** Counter. Prometheus: {@code wal_writes_duplicate_total}. */
    public static final String DUPLICATE_WRITES = "wal.writes.duplicate";
    /** Timer with a percentile histogram. Prometheus: {@code wal_write_latency_seconds}. */
    public static final String WRITE_LATENCY = "wal.write.latency";
    /** Timer with a percentile histogram; tag target. Prometheus: {@code wal_apply_latency_seconds}. */
    public static final String APPLY_LATENCY = "wal.apply.latency";

    /** The tag naming a target. */
    public static final String TARGET_TAG = "target";
    /** The tag naming a namespace. */
    public static final String NAMESPACE_TAG = "namespace";
    /** The tag naming a state (of the Wal, of a breaker). */
    public static final String STATE_TAG = "state";
    /**
     * The {@value #NAMESPACE_TAG} of the series that add up the namespaces past
     * {@link WalMetricsOptions#maxNamespaces()}; no namespace can be called so (parentheses are not
     * allowed in one).
     */
    public static final String OTHER_NAMESPACES = "(other)";
    /**
     * The design's target for the write latency's 99th percentile: a bucket boundary of
     * {@value #WRITE_LATENCY}'s histogram, so the share of writes within it is exact.
     */
    public static final Duration WRITE_LATENCY_OBJECTIVE = Duration.ofMillis(2);

    private static final Logger LOG = LoggerFactory.getLogger(WalMetrics.class);

    private final Wal wal;
    private final WalMetricsOptions options;
    private final StatsSnapshots snapshots;
    private final List<BoundRegistry> bound = new CopyOnWriteArrayList<>();
    /** Namespaces with series of their own: the first {@code maxNamespaces} seen. */
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();
    private final LatencyListener latencies = new Latencies();
    @GuardedBy("this")
    private boolean listening;
    @GuardedBy("this")
    private boolean closed;
    @GuardedBy("this")
    private boolean warnedCap;

    private WalMetrics(Wal wal, WalMetricsOptions options) {
        this.wal = wal;
        this.options = options;
        this.snapshots = new StatsSnapshots(wal, options, this::registerNamespaces);
    }

    /** {@return metrics of {@code wal} with {@link WalMetricsOptions#ofDefaults()}} */
    public static WalMetrics of(Wal wal) {
        return of(wal, WalMetricsOptions.ofDefaults());
    }

    /** {@return metrics of {@code wal} with {@code options}} */
    public static WalMetrics of(Wal wal, WalMetricsOptions options) {
        return new WalMetrics(Objects.requireNonNull(wal, "wal must not be null"),
                Objects.requireNonNull(options, "options must not be null"));
    }

    /**
     * Registers the meters in {@code registry}, and the series of every namespace known so far.
     *
     * @throws IllegalStateException if this was closed, or is already bound to {@code registry}
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        if (closed) {
            throw new IllegalStateException("WalMetrics of " + wal + " is closed; make a new one with WalMetrics.of");
        }
        for (BoundRegistry b : bound) {
            if (b.isFor(registry)) {
                throw new IllegalStateException("WalMetrics of " + wal + " is already bound to " + registry);
            }
        }
        BoundRegistry b = new BoundRegistry(registry, this, wal.targets(), options.tags());
        bound.add(b);
        if (!listening) {
            wal.addListener(latencies);
            listening = true;
        }
        WalStats stats = snapshots.current();
        if (stats != null) {
            registerNamespaces(stats);
        }
    }

    /**
     * Removes every meter this registered from every registry it was bound to, and stops feeding
     * the timers. Idempotent; the Wal itself is left alone.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (listening) {
            wal.removeListener(latencies);
            listening = false;
        }
        for (BoundRegistry b : bound) {
            b.remove();
        }
        bound.clear();
    }

    /** Admits new namespaces up to the cap, then registers their series in every bound registry. */
    private void registerNamespaces(WalStats stats) {
        synchronized (this) {
            if (closed) {
                return;
            }
            for (TargetStats target : stats.targets().values()) {
                for (String namespace : target.namespaces().keySet()) {
                    if (admitted.contains(namespace)) {
                        continue;
                    }
                    if (admitted.size() < options.maxNamespaces()) {
                        admitted.add(namespace);
                    } else if (!warnedCap) {
                        warnedCap = true;
                        LOG.warn("wal4j metrics of {}: more than {} namespaces; '{}' and later ones share the series "
                                + "namespace=\"{}\" (raise WalMetricsOptions.maxNamespaces if they are few and "
                                + "fixed)", wal, options.maxNamespaces(), namespace, OTHER_NAMESPACES);
                    }
                }
            }
        }
        for (BoundRegistry b : bound) {
            b.registerNamespaces(stats, admitted);
        }
    }

    // ---- what the meters read ----

    WalState walState() {
        return wal.state();
    }

    /** A cumulative figure of the Wal, from the last snapshot (0 before the first). */
    double walFigure(ToLongFunction<WalStats> figure) {
        WalStats stats = snapshots.current();
        return stats == null ? 0 : figure.applyAsLong(stats);
    }

    /** A cumulative figure of {@code target}, from the last snapshot (0 before the first). */
    double targetFigure(String target, ToLongFunction<TargetStats> figure) {
        WalStats stats = snapshots.current();
        return stats == null ? 0 : figure.applyAsLong(stats.target(target));
    }

    /** A current figure of {@code target}; NaN while the Wal has none (see the class comment). */
    double liveTargetFigure(String target, ToDoubleFunction<TargetStats> figure) {
        WalStats stats = snapshots.live();
        return stats == null ? Double.NaN : figure.applyAsDouble(stats.target(target));
    }

    /** A current figure of one namespace of {@code target}; NaN while the Wal has none. */
    double liveNamespaceFigure(String target, String namespace, ToDoubleFunction<NamespaceStats> figure) {
        WalStats stats = snapshots.live();
        if (stats == null) {
            return Double.NaN;
        }
        NamespaceStats ns = stats.target(target).namespaces().get(namespace);
        return ns == null ? 0 : figure.applyAsDouble(ns);
    }

    /**
     * The namespaces of {@code target} past the cap, together: their largest lag, or the sum of
     * their entries; NaN while the Wal has no figures.
     */
    double liveOtherNamespaces(String target, boolean lag) {
        WalStats stats = snapshots.live();
        if (stats == null) {
            return Double.NaN;
        }
        double out = 0;
        for (NamespaceStats ns : stats.target(target).namespaces().values()) {
            if (!admitted.contains(ns.namespace())) {
                out = lag ? Math.max(out, ns.lagSeconds()) : out + ns.unfinishedEntries();
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "WalMetrics{" + wal + ", " + options + '}';
    }

    /** Feeds the timers of every bound registry, on the thread that measured. */
    private final class Latencies implements LatencyListener {
        @Override
        public void writeLatency(long nanos) {
            for (BoundRegistry b : bound) {
                b.recordWrite(nanos);
            }
        }

        @Override
        public void applyLatency(String target, long nanos) {
            for (BoundRegistry b : bound) {
                b.recordApply(target, nanos);
            }
        }

        @Override
        public String toString() {
            return "WalMetrics timers";
        }
    }
}
