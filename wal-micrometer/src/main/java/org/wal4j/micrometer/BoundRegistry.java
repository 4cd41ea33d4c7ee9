package org.wal4j.micrometer;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.wal4j.BreakerState;
import org.wal4j.NamespaceStats;
import org.wal4j.TargetStats;
import org.wal4j.WalState;
import org.wal4j.WalStats;

/**
 * The meters of one {@link WalMetrics} in one registry: registered at bind time, namespace series
 * as namespaces appear, all removed on {@link #remove()}. The timers are recorded into from the
 * Wal's latency listener.
 *
 * <p>Thread-safe: registration is guarded by this object; recording into the timers needs no lock.
 */
final class BoundRegistry {
    private final MeterRegistry registry;
    private final WalMetrics metrics;
    private final Tags common;
    private final Timer writeLatency;
    /** Fixed at construction (a Wal's targets do not change): read without the lock. */
    private final Map<String, Timer> applyLatency;
    @GuardedBy("this")
    private final List<Meter> meters = new ArrayList<>();
    /** (target, namespace) pairs with series of their own, as {@code target + '\0' + namespace}. */
    @GuardedBy("this")
    private final Set<String> namespaceSeries = new HashSet<>();
    /** Targets with an {@value WalMetrics#OTHER_NAMESPACES} series. */
    @GuardedBy("this")
    private final Set<String> otherSeries = new HashSet<>();
    /** Set by {@link #remove()}: a scrape racing with it registers nothing after. */
    @GuardedBy("this")
    private boolean removed;

    BoundRegistry(MeterRegistry registry, WalMetrics metrics, List<String> targets, Tags common) {
        this.registry = registry;
        this.metrics = metrics;
        this.common = common;
        synchronized (this) {
            this.writeLatency = add(Timer.builder(WalMetrics.WRITE_LATENCY)
                    .description("Time from a write call to its durable acknowledgement (without backpressure wait "
                            + "and immediate apply), one sample per call")
                    .tags(common).publishPercentileHistogram().serviceLevelObjectives(WalMetrics.WRITE_LATENCY_OBJECTIVE)
                    .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry));
            Map<String, Timer> apply = new HashMap<>();
            for (String target : targets) {
                apply.put(target, add(Timer.builder(WalMetrics.APPLY_LATENCY)
                        .description("Duration of one SyncTarget.apply call (a batch), returned or thrown")
                        .tags(common).tag(WalMetrics.TARGET_TAG, target).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofMinutes(1))
                        .register(registry)));
            }
            this.applyLatency = Map.copyOf(apply);
            registerWalMeters();
            for (String target : targets) {
                registerTargetMeters(target);
            }
        }
    }

    @GuardedBy("this")
    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    @GuardedBy("this")
    private void gauge(String name, String description, Tags tags, ToDoubleFunction<WalMetrics> value,
                       @Nullable String baseUnit) {
        add(Gauge.builder(name, metrics, value).description(description).tags(common).tags(tags).baseUnit(baseUnit)
                .strongReference(true).register(registry));
    }

    @GuardedBy("this")
    private void counter(String name, String description, Tags tags, ToDoubleFunction<WalMetrics> value) {
        add(FunctionCounter.builder(name, metrics, value).description(description).tags(common).tags(tags)
                .register(registry));
    }

    @GuardedBy("this")
    private void registerWalMeters() {
        for (WalState state : WalState.values()) {
            gauge(WalMetrics.STATE, "1 for the state the Wal is in, 0 for the others",
                    Tags.of(WalMetrics.STATE_TAG, tagValue(state.name())), m -> m.walState() == state ? 1 : 0, null);
        }
        counter(WalMetrics.WRITES, "Entries written since the Wal started (duplicates not counted)", Tags.empty(),
                m -> m.walFigure(WalStats::writes));
        counter(WalMetrics.DUPLICATE_WRITES, "Writes answered with an earlier entry's result (idempotency key seen)",
                Tags.empty(), m -> m.walFigure(WalStats::duplicateWrites));
    }

    @GuardedBy("this")
    private void registerTargetMeters(String target) {
        Tags tags = Tags.of(WalMetrics.TARGET_TAG, target);
        gauge(WalMetrics.OLDEST_PENDING_AGE, "Age of the oldest entry PENDING or RETRYING for the target; 0 when none",
                tags, m -> m.liveTargetFigure(target, TargetStats::lagSeconds), "seconds");
        gauge(WalMetrics.DEAD_LETTERS, "Entries in the dead-letter queue for the target", tags,
                m -> m.liveTargetFigure(target, s -> s.deadLetters()), null);
        for (BreakerState state : BreakerState.values()) {
            gauge(WalMetrics.BREAKER_STATE, "1 for the state the target's circuit breaker is in, 0 for the others",
                    tags.and(WalMetrics.STATE_TAG, tagValue(state.name())),
                    m -> m.liveTargetFigure(target, s -> s.breakerState() == state ? 1 : 0), null);
        }
        counter(WalMetrics.APPLIED, "Entries the target applied (or reported applied before)", tags,
                m -> m.targetFigure(target, TargetStats::applied));
        counter(WalMetrics.RETRIES, "Failed attempts followed by a retry", tags,
                m -> m.targetFigure(target, TargetStats::retried));
        counter(WalMetrics.DEAD_LETTERED, "Entries dead-lettered (a permanent failure, or attempts exhausted)", tags,
                m -> m.targetFigure(target, TargetStats::deadLettered));
        counter(WalMetrics.REJECTED, "Entries the target rejected with a business verdict (final, not dead letters)",
                tags, m -> m.targetFigure(target, TargetStats::rejected));
        counter(WalMetrics.EXPIRED, "Entries whose time to live passed before the target applied them", tags,
                m -> m.targetFigure(target, TargetStats::expired));
    }

    /**
     * Registers the series of the namespaces in {@code stats} that have none yet: their own if
     * {@code admitted}, else the target's {@value WalMetrics#OTHER_NAMESPACES} series.
     */
    synchronized void registerNamespaces(WalStats stats, Set<String> admitted) {
        if (removed) {
            return;
        }
        for (TargetStats target : stats.targets().values()) {
            for (NamespaceStats ns : target.namespaces().values()) {
                if (admitted.contains(ns.namespace())) {
                    if (namespaceSeries.add(target.target() + '\0' + ns.namespace())) {
                        registerNamespace(target.target(), ns.namespace());
                    }
                } else if (otherSeries.add(target.target())) {
                    registerOther(target.target());
                }
            }
        }
    }

    @GuardedBy("this")
    private void registerNamespace(String target, String namespace) {
        Tags tags = Tags.of(WalMetrics.TARGET_TAG, target, WalMetrics.NAMESPACE_TAG, namespace);
        gauge(WalMetrics.LAG, "Age of the namespace's oldest entry PENDING or RETRYING for the target; 0 when none",
                tags, m -> m.liveNamespaceFigure(target, namespace, NamespaceStats::lagSeconds), "seconds");
        gauge(WalMetrics.UNAPPLIED_ENTRIES, "Entries of the namespace PENDING or RETRYING for the target", tags,
                m -> m.liveNamespaceFigure(target, namespace, s -> s.unfinishedEntries()), null);
    }

    @GuardedBy("this")
    private void registerOther(String target) {
        Tags tags = Tags.of(WalMetrics.TARGET_TAG, target, WalMetrics.NAMESPACE_TAG, WalMetrics.OTHER_NAMESPACES);
        gauge(WalMetrics.LAG, "Age of the namespace's oldest entry PENDING or RETRYING for the target; 0 when none",
                tags, m -> m.liveOtherNamespaces(target, true), "seconds");
        gauge(WalMetrics.UNAPPLIED_ENTRIES, "Entries of the namespace PENDING or RETRYING for the target", tags,
                m -> m.liveOtherNamespaces(target, false), null);
    }

    void recordWrite(long nanos) {
        writeLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void recordApply(String target, long nanos) {
        Timer timer = applyLatency.get(target);
        if (timer != null) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    boolean isFor(MeterRegistry other) {
        return registry == other;
    }

    /** Removes every meter registered here from the registry. */
    synchronized void remove() {
        removed = true;
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
        namespaceSeries.clear();
        otherSeries.clear();
    }

    /** {@code HALF_OPEN} reads {@code half_open}: tag values in the lower case Prometheus users expect. */
    static String tagValue(String enumName) {
        return Objects.requireNonNull(enumName).toLowerCase(Locale.ROOT);
    }
}
