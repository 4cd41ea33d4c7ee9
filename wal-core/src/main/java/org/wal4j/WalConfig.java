package org.wal4j;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.wal4j.config.ConfigSources;
import org.wal4j.config.Setting;
import org.wal4j.config.SettingTable;
import org.wal4j.config.SettingValues;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.Names;
import org.wal4j.spi.SyncTarget;

/**
 * Settings of a {@link Wal} manager and its sync engine. Each setting is described once, by a
 * descriptor ({@link #settings()}): its property ({@code wal.retention}), environment variable
 * ({@code WAL_RETENTION}), unit, range and default; the descriptor checks the value given to a
 * setter or read from a source, reads it from sources, and renders {@code toString} and the table
 * of docs/configuration.md. Each setting also has a {@code DEFAULT_*} constant, a getter and a
 * typed, validating setter.
 *
 * <p>Sources combine with the precedence defaults &lt; properties file &lt; environment &lt; code:
 * <pre>{@code
 * WalConfig config = WalConfig.builder()
 *         .load(ConfigSources.defaults().properties(Path.of("wal.properties")).environment())
 *         .maxBatchSize(500)                        // code wins over every source
 *         .breakerFor("search", b -> b.openDuration(Duration.ofSeconds(5)))
 *         .build();
 * }</pre>
 * A {@code wal.*} key no module knows is refused, naming the nearest known key; every error
 * names the field and its range, and the property or variable the value came from.
 *
 * <p>Immutable and thread-safe. Create with {@link #ofDefaults()}, {@link #builder()},
 * {@link #fromProperties} or {@link #fromEnvironment}.
 */
public final class WalConfig {
    /** Default of {@link Builder#immediateApplyWait}: off, the write returns once durable. */
    public static final Duration DEFAULT_IMMEDIATE_APPLY_WAIT = Duration.ZERO;
    /** Longest {@link Builder#immediateApplyWait}. */
    public static final Duration MAX_IMMEDIATE_APPLY_WAIT = Duration.ofMinutes(1);
    /** Default of {@link Builder#applyPartitions}. */
    public static final int DEFAULT_APPLY_PARTITIONS = 4;
    /** Largest {@link Builder#applyPartitions}: {@link ApplyPartitions#MAX}. */
    public static final int MAX_APPLY_PARTITIONS = ApplyPartitions.MAX;
    /** Default of {@link Builder#maxBatchSize}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 100;
    /** Largest {@link Builder#maxBatchSize}. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Default of {@link Builder#windowEntries}. */
    public static final int DEFAULT_WINDOW_ENTRIES = 10_000;
    /** Largest {@link Builder#windowEntries}. */
    public static final int MAX_WINDOW_ENTRIES = 10_000_000;
    /** Default of {@link Builder#windowBytes}: 64 MiB. */
    public static final long DEFAULT_WINDOW_BYTES = 64L << 20;
    /** Smallest {@link Builder#windowBytes}: 1 KiB. */
    public static final long MIN_WINDOW_BYTES = 1L << 10;
    /** Largest {@link Builder#windowBytes}: 16 GiB. */
    public static final long MAX_WINDOW_BYTES = 16L << 30;
    /** Default of {@link Builder#maxUnfinishedEntries}. */
    public static final long DEFAULT_MAX_UNFINISHED_ENTRIES = 10_000_000;
    /** Default of {@link Builder#maxUnfinishedBytes}: 8 GiB. */
    public static final long DEFAULT_MAX_UNFINISHED_BYTES = 8L << 30;
    /** Default of {@link Builder#writeTimeout}. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** Longest {@link Builder#writeTimeout}. */
    public static final Duration MAX_WRITE_TIMEOUT = Duration.ofHours(1);
    /** Default of {@link Builder#retention}. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** Shortest {@link Builder#retention}. */
    public static final Duration MIN_RETENTION = Duration.ofSeconds(1);
    /** Longest {@link Builder#retention}. */
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);
    /** Default of {@link Builder#compactionInterval}. */
    public static final Duration DEFAULT_COMPACTION_INTERVAL = Duration.ofMinutes(10);
    /** Default of {@link Builder#checkpointInterval}. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    /** Default of {@link Builder#breakerFailureRateThreshold}, in percent. */
    public static final float DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD = 50;
    /** Default of {@link Builder#breakerSlidingWindowSize}, in calls. */
    public static final int DEFAULT_BREAKER_SLIDING_WINDOW_SIZE = 10;
    /** Default of {@link Builder#breakerMinimumCalls}. */
    public static final int DEFAULT_BREAKER_MINIMUM_CALLS = 5;
    /** Default of {@link Builder#breakerOpenDuration}. */
    public static final Duration DEFAULT_BREAKER_OPEN_DURATION = Duration.ofSeconds(30);
    /** Default of {@link Builder#breakerHalfOpenCalls}. */
    public static final int DEFAULT_BREAKER_HALF_OPEN_CALLS = 1;
    /** Default of {@link Builder#breakerProbeInterval}. */
    public static final Duration DEFAULT_BREAKER_PROBE_INTERVAL = Duration.ofSeconds(1);
    /** Longest {@link Builder#breakerProbeInterval}. */
    public static final Duration MAX_BREAKER_PROBE_INTERVAL = Duration.ofHours(1);
    /** Default of {@link Builder#targetCallTimeout}. */
    public static final Duration DEFAULT_TARGET_CALL_TIMEOUT = Duration.ofMinutes(2);
    /** Shortest {@link Builder#targetCallTimeout}. */
    public static final Duration MIN_TARGET_CALL_TIMEOUT = Duration.ofMillis(100);
    /** Longest {@link Builder#targetCallTimeout}. */
    public static final Duration MAX_TARGET_CALL_TIMEOUT = Duration.ofHours(1);
    /** Default of {@link Builder#stopTimeout}. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Shortest {@link Builder#compactionInterval}. */
    public static final Duration MIN_COMPACTION_INTERVAL = Duration.ofSeconds(1);
    /** Longest {@link Builder#compactionInterval}. */
    public static final Duration MAX_COMPACTION_INTERVAL = Duration.ofDays(1);
    /** Shortest {@link Builder#checkpointInterval}. */
    public static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(10);
    /** Longest {@link Builder#checkpointInterval}. */
    public static final Duration MAX_CHECKPOINT_INTERVAL = Duration.ofHours(1);
    /** Largest {@link Builder#breakerSlidingWindowSize} and {@link Builder#breakerMinimumCalls}. */
    public static final int MAX_BREAKER_CALLS = 10_000;
    /** Shortest {@link Builder#breakerOpenDuration}. */
    public static final Duration MIN_BREAKER_OPEN_DURATION = Duration.ofMillis(1);
    /** Longest {@link Builder#breakerOpenDuration}. */
    public static final Duration MAX_BREAKER_OPEN_DURATION = Duration.ofDays(1);
    /** Largest {@link Builder#breakerHalfOpenCalls}. */
    public static final int MAX_BREAKER_HALF_OPEN_CALLS = 1000;
    /** Longest {@link Builder#stopTimeout}. */
    public static final Duration MAX_STOP_TIMEOUT = Duration.ofHours(1);

    private static final WalConfig DEFAULTS = builder().build();

    private final SettingValues values;
    private final Map<String, SettingValues> targetSettings;
    private final Lifecycle defaultLifecycle;
    private final Map<String, Lifecycle> namespaceLifecycles;

    private WalConfig(Builder b) {
        values = b.values.copy();
        Map<String, SettingValues> targets = new TreeMap<>();
        b.targetSettings.forEach((target, own) -> targets.put(target, own.copy()));
        targetSettings = Collections.unmodifiableMap(targets);
        defaultLifecycle = b.defaultLifecycle;
        namespaceLifecycles = Map.copyOf(b.namespaceLifecycles);
    }

    /** Every setting at its default. */
    public static WalConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The descriptors of this class's settings (property, environment variable, unit, range,
     * default), from which docs/configuration.md's table is rendered.
     */
    public static SettingTable settings() {
        return WalSettings.TABLE;
    }

    /** The descriptors of the {@code wal.lifecycle.*} settings of {@link #defaultLifecycle()}. */
    public static SettingTable lifecycleSettings() {
        return WalSettings.LIFECYCLE_TABLE;
    }

    /**
     * Settings from properties by their property names; settings not given keep their defaults.
     * Same as {@code builder().load(ConfigSources.defaults().properties(properties)).build()}.
     *
     * @throws IllegalArgumentException naming the property: unknown, malformed or out of range
     */
    public static WalConfig fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties must not be null");
        return builder().load(ConfigSources.defaults().properties(properties)).build();
    }

    /** Settings from the process environment by their environment names ({@code WAL_RETENTION}, ...). */
    public static WalConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Settings from {@code environment} by their environment names. */
    public static WalConfig fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment must not be null");
        return builder().load(ConfigSources.defaults().environment(environment)).build();
    }

    /** How long a write waits for its immediate apply; zero means off. */
    public Duration immediateApplyWait() {
        return values.get(WalSettings.IMMEDIATE_APPLY_WAIT);
    }

    public int maxBatchSize() {
        return values.get(WalSettings.MAX_BATCH_SIZE);
    }

    /** The apply partitions of every target without its own; see {@link #applyPartitionsFor(String)}. */
    public int applyPartitions() {
        return values.get(WalSettings.APPLY_PARTITIONS);
    }

    /**
     * The apply partitions of {@code target}: its own where set (in code with
     * {@link Builder#applyPartitionsFor}, or as {@code wal.target.<name>.apply.partitions}; the
     * name is matched as in {@link #breakerFor(String)}), else {@link #applyPartitions()}.
     */
    public int applyPartitionsFor(String target) {
        Objects.requireNonNull(target, "target must not be null");
        SettingValues own = targetSettings.get(SettingTable.targetKey(target));
        return own != null && own.has(WalSettings.APPLY_PARTITIONS) ? own.get(WalSettings.APPLY_PARTITIONS)
                : applyPartitions();
    }

    public int windowEntries() {
        return values.get(WalSettings.WINDOW_ENTRIES);
    }

    public long windowBytes() {
        return values.get(WalSettings.WINDOW_BYTES);
    }

    public long maxUnfinishedEntries() {
        return values.get(WalSettings.MAX_UNFINISHED_ENTRIES);
    }

    public long maxUnfinishedBytes() {
        return values.get(WalSettings.MAX_UNFINISHED_BYTES);
    }

    public Duration writeTimeout() {
        return values.get(WalSettings.WRITE_TIMEOUT);
    }

    public Duration retention() {
        return values.get(WalSettings.RETENTION);
    }

    public Duration compactionInterval() {
        return values.get(WalSettings.COMPACTION_INTERVAL);
    }

    public Duration checkpointInterval() {
        return values.get(WalSettings.CHECKPOINT_INTERVAL);
    }

    /** The failure-rate threshold of every target without its own; see {@link #breakerFor(String)}. */
    public float breakerFailureRateThreshold() {
        return values.get(WalSettings.BREAKER_FAILURE_RATE_THRESHOLD);
    }

    /** The sliding window of every target without its own; see {@link #breakerFor(String)}. */
    public int breakerSlidingWindowSize() {
        return values.get(WalSettings.BREAKER_SLIDING_WINDOW_SIZE);
    }

    /** The minimum calls of every target without its own; see {@link #breakerFor(String)}. */
    public int breakerMinimumCalls() {
        return values.get(WalSettings.BREAKER_MINIMUM_CALLS);
    }

    /** The open duration of every target without its own; see {@link #breakerFor(String)}. */
    public Duration breakerOpenDuration() {
        return values.get(WalSettings.BREAKER_OPEN_DURATION);
    }

    /** The half-open calls of every target without its own; see {@link #breakerFor(String)}. */
    public int breakerHalfOpenCalls() {
        return values.get(WalSettings.BREAKER_HALF_OPEN_CALLS);
    }

    /** The probe interval of every target without its own; see {@link #breakerFor(String)}. */
    public Duration breakerProbeInterval() {
        return values.get(WalSettings.BREAKER_PROBE_INTERVAL);
    }

    /**
     * The breaker settings of {@code target}: its own where set (a target name is matched as the
     * environment spells it: {@code db-primary}, {@code db.primary} and {@code DB_PRIMARY} are one
     * name here), else this configuration's {@code breaker*} settings.
     */
    public BreakerSettings breakerFor(String target) {
        Objects.requireNonNull(target, "target must not be null");
        SettingValues own = targetSettings.get(SettingTable.targetKey(target));
        return new BreakerSettings(target, values, own == null ? values : own);
    }

    public Duration targetCallTimeout() {
        return values.get(WalSettings.TARGET_CALL_TIMEOUT);
    }

    public Duration stopTimeout() {
        return values.get(WalSettings.STOP_TIMEOUT);
    }

    public Lifecycle defaultLifecycle() {
        return defaultLifecycle;
    }

    /** The lifecycles set per namespace. */
    public Map<String, Lifecycle> namespaceLifecycles() {
        return namespaceLifecycles;
    }

    /** The lifecycle an entry of {@code namespace} gets when its writer sets none. */
    public Lifecycle lifecycleFor(String namespace) {
        return namespaceLifecycles.getOrDefault(namespace, defaultLifecycle);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(values.render("WalConfig"));
        targetSettings.forEach((target, own) -> out.append(", ").append(own.render("target(" + target + ")"))
                .append('}'));
        return out.append(", defaultLifecycle=").append(defaultLifecycle).append(", namespaceLifecycles=")
                .append(namespaceLifecycles).append('}').toString();
    }

    /** Builds a {@link WalConfig}. Not thread-safe. */
    public static final class Builder {
        private final SettingValues values;
        /** Each target's own settings (breaker, apply partitions), by {@link SettingTable#targetKey}; sparse. */
        private final Map<String, SettingValues> targetSettings = new TreeMap<>();
        /** The {@code wal.lifecycle.*} values read from sources; sparse. */
        private final SettingValues lifecycleValues = SettingValues.emptyOf(WalSettings.LIFECYCLE_TABLE);
        private Lifecycle defaultLifecycle = Lifecycle.ofDefaults();
        private boolean lifecycleInCode;
        private final Map<String, Lifecycle> namespaceLifecycles = new LinkedHashMap<>();

        private Builder() {
            values = SettingValues.defaultsOf(WalSettings.TABLE);
        }

        private Builder(WalConfig c) {
            values = c.values.copy();
            c.targetSettings.forEach((target, own) -> targetSettings.put(target, own.copy()));
            defaultLifecycle = c.defaultLifecycle;
            lifecycleInCode = true;
            namespaceLifecycles.putAll(c.namespaceLifecycles);
        }

        /**
         * Reads every setting {@code source} has, except those already set in code on this
         * builder: a setter wins over a source whether it is called before or after, so the
         * precedence is defaults &lt; the source's layers &lt; code. Reads also the per-target
         * settings ({@code wal.target.<name>.breaker.*}, {@code wal.target.<name>.apply.partitions}) and, unless
         * {@link #defaultLifecycle} was set in code, the {@code wal.lifecycle.*} settings.
         * Typical use: {@code WalConfig.builder().load(ConfigSources.defaults().properties(path).environment())}.
         *
         * @throws IllegalArgumentException for a key no module knows (naming the nearest known
         *                                  key), or naming the property or variable whose value is
         *                                  malformed or out of range
         */
        public Builder load(ConfigSources source) {
            values.load(source);
            for (String target : WalSettings.TABLE.targetsNamedIn(source)) {
                String prefix = SettingTable.TARGET_PREFIX + target + ".";
                targetSettings.computeIfAbsent(SettingTable.targetKey(target),
                        t -> SettingValues.emptyOf(WalSettings.TABLE)).load(source,
                        WalSettings.TABLE.perTargetSettings(),
                        property -> prefix + property.substring(SettingTable.PREFIX.length()));
            }
            if (!lifecycleInCode) {
                lifecycleValues.load(source);
            }
            return this;
        }

        /**
         * How long {@code write} waits, after the entry is durable, for every target it names to
         * apply it: zero (off) to {@link #MAX_IMMEDIATE_APPLY_WAIT}; default
         * {@link #DEFAULT_IMMEDIATE_APPLY_WAIT}. The workers are told of the entry at once either
         * way; this only decides whether the caller waits for them.
         */
        public Builder immediateApplyWait(Duration wait) {
            values.set(WalSettings.IMMEDIATE_APPLY_WAIT, wait);
            return this;
        }

        /**
         * How many apply partitions each target is drained through: 1 to
         * {@link #MAX_APPLY_PARTITIONS}; default {@link #DEFAULT_APPLY_PARTITIONS}. Each lane belongs
         * to one partition ({@link ApplyPartitions#of}); the partitions apply in parallel, one
         * {@link SyncTarget#apply} call in flight each (so up to this many connections to the
         * target), while every lane keeps its order. A target whose
         * {@link SyncTarget#concurrentApply()} is false gets one call at a time whatever this says.
         * Per target: {@link #applyPartitionsFor}.
         */
        public Builder applyPartitions(int partitions) {
            values.set(WalSettings.APPLY_PARTITIONS, partitions);
            return this;
        }

        /**
         * The apply partitions of one target, replacing {@link #applyPartitions} for it alone; the
         * same as property {@code wal.target.<target>.apply.partitions}, which this wins over.
         *
         * @param target     the target's name (matched as the environment spells it, see
         *                   {@link WalConfig#breakerFor(String)})
         * @param partitions 1 to {@link #MAX_APPLY_PARTITIONS}
         */
        public Builder applyPartitionsFor(String target, int partitions) {
            Names.requireTarget(target);
            targetSettings.computeIfAbsent(SettingTable.targetKey(target),
                    t -> SettingValues.emptyOf(WalSettings.TABLE)).set(WalSettings.APPLY_PARTITIONS, partitions);
            return this;
        }

        /**
         * Most entries per {@link SyncTarget#apply} call (one transaction): 1 to
         * {@link #MAX_BATCH_SIZE}; default {@link #DEFAULT_MAX_BATCH_SIZE}.
         */
        public Builder maxBatchSize(int maxBatchSize) {
            values.set(WalSettings.MAX_BATCH_SIZE, maxBatchSize);
            return this;
        }

        /**
         * Most unfinished entries a target's worker holds in memory (with payloads) at a time; the
         * rest stay in the storage and are loaded as the window drains. 1 to
         * {@link #MAX_WINDOW_ENTRIES}, and at least {@link #maxBatchSize}; default
         * {@link #DEFAULT_WINDOW_ENTRIES}.
         */
        public Builder windowEntries(int windowEntries) {
            values.set(WalSettings.WINDOW_ENTRIES, windowEntries);
            return this;
        }

        /**
         * Most payload bytes a target's worker holds in memory at a time (one entry is always
         * allowed, however large): {@link #MIN_WINDOW_BYTES} to {@link #MAX_WINDOW_BYTES}; default
         * {@link #DEFAULT_WINDOW_BYTES}.
         */
        public Builder windowBytes(long windowBytes) {
            values.set(WalSettings.WINDOW_BYTES, windowBytes);
            return this;
        }

        /**
         * Backpressure: most entries any one target may have PENDING or RETRYING before writes
         * block; 1 to {@link Long#MAX_VALUE}; default {@link #DEFAULT_MAX_UNFINISHED_ENTRIES}.
         */
        public Builder maxUnfinishedEntries(long maxUnfinishedEntries) {
            values.set(WalSettings.MAX_UNFINISHED_ENTRIES, maxUnfinishedEntries);
            return this;
        }

        /**
         * Backpressure: most payload bytes any one target may have PENDING or RETRYING before
         * writes block (a single entry is always let through when the target has none); 1 to
         * {@link Long#MAX_VALUE}; default {@link #DEFAULT_MAX_UNFINISHED_BYTES}.
         */
        public Builder maxUnfinishedBytes(long maxUnfinishedBytes) {
            values.set(WalSettings.MAX_UNFINISHED_BYTES, maxUnfinishedBytes);
            return this;
        }

        /**
         * How long a write blocked by backpressure waits for room before it fails with
         * {@link WalFullException}: zero (fail at once) to {@link #MAX_WRITE_TIMEOUT}; default
         * {@link #DEFAULT_WRITE_TIMEOUT}.
         */
        public Builder writeTimeout(Duration writeTimeout) {
            values.set(WalSettings.WRITE_TIMEOUT, writeTimeout);
            return this;
        }

        /**
         * How long finished entries are kept for replay and audit, and how long an idempotency key
         * is remembered: {@link #MIN_RETENTION} to {@link #MAX_RETENTION}; default
         * {@link #DEFAULT_RETENTION}.
         */
        public Builder retention(Duration retention) {
            values.set(WalSettings.RETENTION, retention);
            return this;
        }

        /**
         * How often compaction runs: {@link #MIN_COMPACTION_INTERVAL} to
         * {@link #MAX_COMPACTION_INTERVAL}; default {@link #DEFAULT_COMPACTION_INTERVAL}.
         */
        public Builder compactionInterval(Duration compactionInterval) {
            values.set(WalSettings.COMPACTION_INTERVAL, compactionInterval);
            return this;
        }

        /**
         * How often each worker persists its target's checkpoint (each save forces the disk):
         * {@link #MIN_CHECKPOINT_INTERVAL} to {@link #MAX_CHECKPOINT_INTERVAL}; default
         * {@link #DEFAULT_CHECKPOINT_INTERVAL}.
         */
        public Builder checkpointInterval(Duration checkpointInterval) {
            values.set(WalSettings.CHECKPOINT_INTERVAL, checkpointInterval);
            return this;
        }

        /**
         * Failure rate, in percent of the recent calls, at which a target's breaker opens:
         * 1 to 100; default {@link #DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD}. Per target:
         * {@link #breakerFor}.
         */
        public Builder breakerFailureRateThreshold(float percent) {
            values.set(WalSettings.BREAKER_FAILURE_RATE_THRESHOLD, percent);
            return this;
        }

        /**
         * How many recent apply calls the failure rate is computed over: 1 to
         * {@link #MAX_BREAKER_CALLS}; default {@link #DEFAULT_BREAKER_SLIDING_WINDOW_SIZE}.
         */
        public Builder breakerSlidingWindowSize(int calls) {
            values.set(WalSettings.BREAKER_SLIDING_WINDOW_SIZE, calls);
            return this;
        }

        /**
         * Calls needed before the failure rate counts: 1 to {@link #breakerSlidingWindowSize};
         * default {@link #DEFAULT_BREAKER_MINIMUM_CALLS}.
         */
        public Builder breakerMinimumCalls(int calls) {
            values.set(WalSettings.BREAKER_MINIMUM_CALLS, calls);
            return this;
        }

        /**
         * How long an open breaker pauses its target's draining before trial calls:
         * {@link #MIN_BREAKER_OPEN_DURATION} to {@link #MAX_BREAKER_OPEN_DURATION}; default
         * {@link #DEFAULT_BREAKER_OPEN_DURATION}.
         */
        public Builder breakerOpenDuration(Duration openDuration) {
            values.set(WalSettings.BREAKER_OPEN_DURATION, openDuration);
            return this;
        }

        /**
         * Trial calls in the half-open state: 1 to {@link #MAX_BREAKER_HALF_OPEN_CALLS}; default
         * {@link #DEFAULT_BREAKER_HALF_OPEN_CALLS}.
         */
        public Builder breakerHalfOpenCalls(int calls) {
            values.set(WalSettings.BREAKER_HALF_OPEN_CALLS, calls);
            return this;
        }

        /**
         * How often an open breaker asks its target's {@link SyncTarget#probe() probe} whether the
         * target is back: zero (never; the breaker waits out {@link #breakerOpenDuration}) to
         * {@link #MAX_BREAKER_PROBE_INTERVAL}; default {@link #DEFAULT_BREAKER_PROBE_INTERVAL}. When
         * the probe answers UP the breaker half-opens at once, so a backlog resumes within about
         * one interval of the target's return instead of after the open duration; a target still
         * down is probed at most once per interval (the probe runs on the target's worker thread).
         */
        public Builder breakerProbeInterval(Duration interval) {
            values.set(WalSettings.BREAKER_PROBE_INTERVAL, interval);
            return this;
        }

        /**
         * Breaker settings of one target, replacing the {@code breaker*} settings above for it
         * alone; a setting not given follows them. The same as properties
         * {@code wal.target.<target>.breaker.*}; settings given here win over those.
         *
         * @param target    the target's name (matched as the environment spells it, see
         *                  {@link WalConfig#breakerFor(String)})
         * @param overrides sets the target's own values; each setter checks its value
         */
        public Builder breakerFor(String target, Consumer<BreakerSettings.Overrides> overrides) {
            Names.requireTarget(target);
            Objects.requireNonNull(overrides, "overrides must not be null");
            overrides.accept(new BreakerSettings.Overrides(targetSettings.computeIfAbsent(
                    SettingTable.targetKey(target), t -> SettingValues.emptyOf(WalSettings.TABLE))));
            return this;
        }

        /**
         * Longest real time one call into a target ({@link SyncTarget#apply} or
         * {@link SyncTarget#probe}) may take: {@link #MIN_TARGET_CALL_TIMEOUT} to
         * {@link #MAX_TARGET_CALL_TIMEOUT}; default {@link #DEFAULT_TARGET_CALL_TIMEOUT}.
         *
         * <p>The engine makes each call on a thread of its own and waits this long; a call that
         * has not returned by then is abandoned (its thread is interrupted) and counts as a failure
         * of the target, not of its entries: the breaker counts it, no attempt is charged, and the
         * entries are delivered again later. No other apply of the same apply partition (of any
         * partition, for a target whose {@link SyncTarget#concurrentApply()} is false) is made while
         * an abandoned one is still running, so a partition still sees one apply at a time and the
         * other partitions go on; an abandoned apply that commits
         * late is harmless to a target that skips idempotency keys it has seen. An abandoned probe
         * answers DOWN. This is the last line of defence: set the target's own timeouts (driver
         * socket and query timeouts) shorter, so that a hung call fails with the target's own
         * error first.
         */
        public Builder targetCallTimeout(Duration timeout) {
            values.set(WalSettings.TARGET_CALL_TIMEOUT, timeout);
            return this;
        }

        /**
         * How long {@link Wal#close()} lets the workers drain: zero to {@link #MAX_STOP_TIMEOUT};
         * default {@link #DEFAULT_STOP_TIMEOUT}.
         */
        public Builder stopTimeout(Duration stopTimeout) {
            values.set(WalSettings.STOP_TIMEOUT, stopTimeout);
            return this;
        }

        /**
         * The lifecycle of entries whose writer sets none and whose namespace has none of its own;
         * default {@link Lifecycle#ofDefaults()}. Set here, it wins over the
         * {@code wal.lifecycle.*} settings of any source.
         */
        public Builder defaultLifecycle(Lifecycle lifecycle) {
            this.defaultLifecycle = Objects.requireNonNull(lifecycle, "defaultLifecycle must not be null");
            this.lifecycleInCode = true;
            return this;
        }

        /** The lifecycle of entries of {@code namespace} whose writer sets none. Builder only. */
        public Builder namespaceLifecycle(String namespace, Lifecycle lifecycle) {
            Names.requireNamespace(namespace);
            namespaceLifecycles.put(namespace, Objects.requireNonNull(lifecycle, "lifecycle must not be null"));
            return this;
        }

        /**
         * Checks the settings against each other and builds.
         *
         * @throws IllegalArgumentException if {@code windowEntries < maxBatchSize} or
         *                                  {@code breakerMinimumCalls > breakerSlidingWindowSize}
         *                                  (for all targets or for one), naming where each value
         *                                  came from if a source gave it
         */
        public WalConfig build() {
            if (values.get(WalSettings.WINDOW_ENTRIES) < values.get(WalSettings.MAX_BATCH_SIZE)) {
                throw new IllegalArgumentException("windowEntries (" + values.describe(WalSettings.WINDOW_ENTRIES)
                        + ") must be at least maxBatchSize (" + values.describe(WalSettings.MAX_BATCH_SIZE) + ")");
            }
            new BreakerSettings("", values, values);
            targetSettings.forEach((target, own) -> new BreakerSettings(target, values, own));
            if (!lifecycleInCode) {
                defaultLifecycle = lifecycleFromSources();
            }
            return new WalConfig(this);
        }

        /** The default lifecycle with the {@code wal.lifecycle.*} values read from sources, each checked by Lifecycle. */
        private Lifecycle lifecycleFromSources() {
            Lifecycle.Builder b = defaultLifecycle.toBuilder();
            for (Setting<?> s : WalSettings.LIFECYCLE_TABLE.settings()) {
                if (lifecycleValues.has(s)) {
                    try {
                        Objects.requireNonNull(WalSettings.LIFECYCLE_SETTERS.get(s), s.name()).accept(b, lifecycleValues.get(s));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(lifecycleValues.originSuffix(s).substring(2)
                                + " is out of range: " + e.getMessage(), e);
                    }
                }
            }
            return b.build();
        }
    }
}
