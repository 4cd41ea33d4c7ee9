package org.wal4j;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.wal4j.spi.Checks;
import org.wal4j.spi.ConfigSource;
import org.wal4j.spi.Names;
import org.wal4j.spi.SyncTarget;

/**
 * Settings of a {@link Wal} manager and its sync engine. Every setting has a {@code DEFAULT_*}
 * constant, a property name (for {@link #fromProperties}) and an environment name derived from it
 * (upper case, dots to underscores: {@code wal.retention} is {@code WAL_RETENTION}, for
 * {@link #fromEnvironment}). {@code docs/configuration.md} lists them all.
 *
 * <p>Immutable and thread-safe. Create with {@link #ofDefaults()} or {@link #builder()}; each
 * setter validates its argument at once and throws {@link IllegalArgumentException} naming the
 * setting and its range.
 *
 * <p>This class is long only because each setting has a default constant, a property name, an
 * accessor and a documented, validating setter; it holds nothing else.
 */
public final class WalConfig {
    /** Default of {@link Builder#immediateApplyWait}: off, the write returns once durable. */
    public static final Duration DEFAULT_IMMEDIATE_APPLY_WAIT = Duration.ZERO;
    /** Longest {@link Builder#immediateApplyWait}. */
    public static final Duration MAX_IMMEDIATE_APPLY_WAIT = Duration.ofMinutes(1);
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

    /** Property of {@link Builder#immediateApplyWait}. */
    public static final String PROP_IMMEDIATE_APPLY_WAIT = "wal.apply.immediate.wait";
    /** Property of {@link Builder#maxBatchSize}. */
    public static final String PROP_MAX_BATCH_SIZE = "wal.apply.batch.size";
    /** Property of {@link Builder#windowEntries}. */
    public static final String PROP_WINDOW_ENTRIES = "wal.apply.window.entries";
    /** Property of {@link Builder#windowBytes}. */
    public static final String PROP_WINDOW_BYTES = "wal.apply.window.bytes";
    /** Property of {@link Builder#maxUnfinishedEntries}. */
    public static final String PROP_MAX_UNFINISHED_ENTRIES = "wal.backpressure.max.entries";
    /** Property of {@link Builder#maxUnfinishedBytes}. */
    public static final String PROP_MAX_UNFINISHED_BYTES = "wal.backpressure.max.bytes";
    /** Property of {@link Builder#writeTimeout}. */
    public static final String PROP_WRITE_TIMEOUT = "wal.backpressure.timeout";
    /** Property of {@link Builder#retention}. */
    public static final String PROP_RETENTION = "wal.retention";
    /** Property of {@link Builder#compactionInterval}. */
    public static final String PROP_COMPACTION_INTERVAL = "wal.compaction.interval";
    /** Property of {@link Builder#checkpointInterval}. */
    public static final String PROP_CHECKPOINT_INTERVAL = "wal.checkpoint.interval";
    /** Property of {@link Builder#breakerFailureRateThreshold}. */
    public static final String PROP_BREAKER_FAILURE_RATE_THRESHOLD = "wal.breaker.failure.rate.threshold";
    /** Property of {@link Builder#breakerSlidingWindowSize}. */
    public static final String PROP_BREAKER_SLIDING_WINDOW_SIZE = "wal.breaker.sliding.window.size";
    /** Property of {@link Builder#breakerMinimumCalls}. */
    public static final String PROP_BREAKER_MINIMUM_CALLS = "wal.breaker.minimum.calls";
    /** Property of {@link Builder#breakerOpenDuration}. */
    public static final String PROP_BREAKER_OPEN_DURATION = "wal.breaker.open.duration";
    /** Property of {@link Builder#breakerHalfOpenCalls}. */
    public static final String PROP_BREAKER_HALF_OPEN_CALLS = "wal.breaker.half.open.calls";
    /** Property of {@link Builder#breakerProbeInterval}. */
    public static final String PROP_BREAKER_PROBE_INTERVAL = "wal.breaker.probe.interval";
    /** Property of {@link Builder#targetCallTimeout}. */
    public static final String PROP_TARGET_CALL_TIMEOUT = "wal.target.call.timeout";
    /** Property of {@link Builder#stopTimeout}. */
    public static final String PROP_STOP_TIMEOUT = "wal.stop.timeout";
    /** Prefix of the properties of {@link Builder#defaultLifecycle}: {@code wal.lifecycle.max.attempts} and so on. */
    public static final String PROP_LIFECYCLE_PREFIX = "wal.lifecycle.";

    private static final WalConfig DEFAULTS = builder().build();

    private final Duration immediateApplyWait;
    private final int maxBatchSize;
    private final int windowEntries;
    private final long windowBytes;
    private final long maxUnfinishedEntries;
    private final long maxUnfinishedBytes;
    private final Duration writeTimeout;
    private final Duration retention;
    private final Duration compactionInterval;
    private final Duration checkpointInterval;
    private final float breakerFailureRateThreshold;
    private final int breakerSlidingWindowSize;
    private final int breakerMinimumCalls;
    private final Duration breakerOpenDuration;
    private final int breakerHalfOpenCalls;
    private final Duration breakerProbeInterval;
    private final Duration targetCallTimeout;
    private final Duration stopTimeout;
    private final Lifecycle defaultLifecycle;
    private final Map<String, Lifecycle> namespaceLifecycles;

    private WalConfig(Builder b) {
        immediateApplyWait = b.immediateApplyWait;
        maxBatchSize = b.maxBatchSize;
        windowEntries = b.windowEntries;
        windowBytes = b.windowBytes;
        maxUnfinishedEntries = b.maxUnfinishedEntries;
        maxUnfinishedBytes = b.maxUnfinishedBytes;
        writeTimeout = b.writeTimeout;
        retention = b.retention;
        compactionInterval = b.compactionInterval;
        checkpointInterval = b.checkpointInterval;
        breakerFailureRateThreshold = b.breakerFailureRateThreshold;
        breakerSlidingWindowSize = b.breakerSlidingWindowSize;
        breakerMinimumCalls = b.breakerMinimumCalls;
        breakerOpenDuration = b.breakerOpenDuration;
        breakerHalfOpenCalls = b.breakerHalfOpenCalls;
        breakerProbeInterval = b.breakerProbeInterval;
        targetCallTimeout = b.targetCallTimeout;
        stopTimeout = b.stopTimeout;
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

    /** Settings from properties by their property names; settings not given keep their defaults. */
    public static WalConfig fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties must not be null");
        return builder().apply(ConfigSource.of(properties)).build();
    }

    /** Settings from the process environment by their environment names ({@code WAL_RETENTION}, ...). */
    public static WalConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Settings from {@code environment} by their environment names. */
    public static WalConfig fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment must not be null");
        return builder().apply(ConfigSource.ofEnvironment(environment)).build();
    }

    /** How long a write waits for its immediate apply; zero means off. */
    public Duration immediateApplyWait() {
        return immediateApplyWait;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public int windowEntries() {
        return windowEntries;
    }

    public long windowBytes() {
        return windowBytes;
    }

    public long maxUnfinishedEntries() {
        return maxUnfinishedEntries;
    }

    public long maxUnfinishedBytes() {
        return maxUnfinishedBytes;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    public Duration retention() {
        return retention;
    }

    public Duration compactionInterval() {
        return compactionInterval;
    }

    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    public float breakerFailureRateThreshold() {
        return breakerFailureRateThreshold;
    }

    public int breakerSlidingWindowSize() {
        return breakerSlidingWindowSize;
    }

    public int breakerMinimumCalls() {
        return breakerMinimumCalls;
    }

    public Duration breakerOpenDuration() {
        return breakerOpenDuration;
    }

    public int breakerHalfOpenCalls() {
        return breakerHalfOpenCalls;
    }

    public Duration breakerProbeInterval() {
        return breakerProbeInterval;
    }

    public Duration targetCallTimeout() {
        return targetCallTimeout;
    }

    public Duration stopTimeout() {
        return stopTimeout;
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
        return "WalConfig{immediateApplyWait=" + immediateApplyWait + ", maxBatchSize=" + maxBatchSize
                + ", windowEntries=" + windowEntries + ", windowBytes=" + windowBytes
                + ", maxUnfinishedEntries=" + maxUnfinishedEntries + ", maxUnfinishedBytes=" + maxUnfinishedBytes
                + ", writeTimeout=" + writeTimeout + ", retention=" + retention
                + ", compactionInterval=" + compactionInterval + ", checkpointInterval=" + checkpointInterval
                + ", breakerFailureRateThreshold=" + breakerFailureRateThreshold
                + ", breakerSlidingWindowSize=" + breakerSlidingWindowSize
                + ", breakerMinimumCalls=" + breakerMinimumCalls + ", breakerOpenDuration=" + breakerOpenDuration
                + ", breakerHalfOpenCalls=" + breakerHalfOpenCalls + ", breakerProbeInterval=" + breakerProbeInterval
                + ", targetCallTimeout=" + targetCallTimeout
                + ", stopTimeout=" + stopTimeout
                + ", defaultLifecycle=" + defaultLifecycle + ", namespaceLifecycles=" + namespaceLifecycles + '}';
    }

    /** Builds a {@link WalConfig}. Not thread-safe. */
    public static final class Builder {
        private Duration immediateApplyWait = DEFAULT_IMMEDIATE_APPLY_WAIT;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int windowEntries = DEFAULT_WINDOW_ENTRIES;
        private long windowBytes = DEFAULT_WINDOW_BYTES;
        private long maxUnfinishedEntries = DEFAULT_MAX_UNFINISHED_ENTRIES;
        private long maxUnfinishedBytes = DEFAULT_MAX_UNFINISHED_BYTES;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private Duration retention = DEFAULT_RETENTION;
        private Duration compactionInterval = DEFAULT_COMPACTION_INTERVAL;
        private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private float breakerFailureRateThreshold = DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD;
        private int breakerSlidingWindowSize = DEFAULT_BREAKER_SLIDING_WINDOW_SIZE;
        private int breakerMinimumCalls = DEFAULT_BREAKER_MINIMUM_CALLS;
        private Duration breakerOpenDuration = DEFAULT_BREAKER_OPEN_DURATION;
        private int breakerHalfOpenCalls = DEFAULT_BREAKER_HALF_OPEN_CALLS;
        private Duration breakerProbeInterval = DEFAULT_BREAKER_PROBE_INTERVAL;
        private Duration targetCallTimeout = DEFAULT_TARGET_CALL_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private Lifecycle defaultLifecycle = Lifecycle.ofDefaults();
        private final Map<String, Lifecycle> namespaceLifecycles = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder(WalConfig c) {
            immediateApplyWait = c.immediateApplyWait;
            maxBatchSize = c.maxBatchSize;
            windowEntries = c.windowEntries;
            windowBytes = c.windowBytes;
            maxUnfinishedEntries = c.maxUnfinishedEntries;
            maxUnfinishedBytes = c.maxUnfinishedBytes;
            writeTimeout = c.writeTimeout;
            retention = c.retention;
            compactionInterval = c.compactionInterval;
            checkpointInterval = c.checkpointInterval;
            breakerFailureRateThreshold = c.breakerFailureRateThreshold;
            breakerSlidingWindowSize = c.breakerSlidingWindowSize;
            breakerMinimumCalls = c.breakerMinimumCalls;
            breakerOpenDuration = c.breakerOpenDuration;
            breakerHalfOpenCalls = c.breakerHalfOpenCalls;
            breakerProbeInterval = c.breakerProbeInterval;
            targetCallTimeout = c.targetCallTimeout;
            stopTimeout = c.stopTimeout;
            defaultLifecycle = c.defaultLifecycle;
            namespaceLifecycles.putAll(c.namespaceLifecycles);
        }

        /**
         * How long {@code write} waits, after the entry is durable, for every target it names to
         * apply it: zero (off) to {@link #MAX_IMMEDIATE_APPLY_WAIT}; default
         * {@link #DEFAULT_IMMEDIATE_APPLY_WAIT}. The workers are told of the entry at once either
         * way; this only decides whether the caller waits for them. Property
         * {@value #PROP_IMMEDIATE_APPLY_WAIT}.
         */
        public Builder immediateApplyWait(Duration wait) {
            this.immediateApplyWait = Checks.range("immediateApplyWait", wait, Duration.ZERO, MAX_IMMEDIATE_APPLY_WAIT);
            return this;
        }

        /**
         * Most entries per {@link SyncTarget#apply} call (one transaction): 1 to
         * {@link #MAX_BATCH_SIZE}; default {@link #DEFAULT_MAX_BATCH_SIZE}. Property
         * {@value #PROP_MAX_BATCH_SIZE}.
         */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = (int) Checks.range("maxBatchSize", maxBatchSize, 1, MAX_BATCH_SIZE);
            return this;
        }

        /**
         * Most unfinished entries a target's worker holds in memory (with payloads) at a time; the
         * rest stay in the storage and are loaded as the window drains. 1 to
         * {@link #MAX_WINDOW_ENTRIES}, and at least {@link #maxBatchSize}; default
         * {@link #DEFAULT_WINDOW_ENTRIES}. Property {@value #PROP_WINDOW_ENTRIES}.
         */
        public Builder windowEntries(int windowEntries) {
            this.windowEntries = (int) Checks.range("windowEntries", windowEntries, 1, MAX_WINDOW_ENTRIES);
            return this;
        }

        /**
         * Most payload bytes a target's worker holds in memory at a time (one entry is always
         * allowed, however large): {@link #MIN_WINDOW_BYTES} to {@link #MAX_WINDOW_BYTES}; default
         * {@link #DEFAULT_WINDOW_BYTES}. Property {@value #PROP_WINDOW_BYTES}.
         */
        public Builder windowBytes(long windowBytes) {
            this.windowBytes = Checks.range("windowBytes", windowBytes, MIN_WINDOW_BYTES, MAX_WINDOW_BYTES);
            return this;
        }

        /**
         * Backpressure: most entries any one target may have PENDING or RETRYING before writes
         * block; 1 to {@link Long#MAX_VALUE}; default {@link #DEFAULT_MAX_UNFINISHED_ENTRIES}.
         * Property {@value #PROP_MAX_UNFINISHED_ENTRIES}.
         */
        public Builder maxUnfinishedEntries(long maxUnfinishedEntries) {
            this.maxUnfinishedEntries = Checks.range("maxUnfinishedEntries", maxUnfinishedEntries, 1, Long.MAX_VALUE);
            return this;
        }

        /**
         * Backpressure: most payload bytes any one target may have PENDING or RETRYING before
         * writes block (a single entry is always let through when the target has none); 1 to
         * {@link Long#MAX_VALUE}; default {@link #DEFAULT_MAX_UNFINISHED_BYTES}. Property
         * {@value #PROP_MAX_UNFINISHED_BYTES}.
         */
        public Builder maxUnfinishedBytes(long maxUnfinishedBytes) {
            this.maxUnfinishedBytes = Checks.range("maxUnfinishedBytes", maxUnfinishedBytes, 1, Long.MAX_VALUE);
            return this;
        }

        /**
         * How long a write blocked by backpressure waits for room before it fails with
         * {@link WalFullException}: zero (fail at once) to {@link #MAX_WRITE_TIMEOUT}; default
         * {@link #DEFAULT_WRITE_TIMEOUT}. Property {@value #PROP_WRITE_TIMEOUT}.
         */
        public Builder writeTimeout(Duration writeTimeout) {
            this.writeTimeout = Checks.range("writeTimeout", writeTimeout, Duration.ZERO, MAX_WRITE_TIMEOUT);
            return this;
        }

        /**
         * How long finished entries are kept for replay and audit, and how long an idempotency key
         * is remembered: {@link #MIN_RETENTION} to {@link #MAX_RETENTION}; default
         * {@link #DEFAULT_RETENTION}. Property {@value #PROP_RETENTION}.
         */
        public Builder retention(Duration retention) {
            this.retention = Checks.range("retention", retention, MIN_RETENTION, MAX_RETENTION);
            return this;
        }

        /**
         * How often compaction runs: 1 s to 1 day; default {@link #DEFAULT_COMPACTION_INTERVAL}.
         * Property {@value #PROP_COMPACTION_INTERVAL}.
         */
        public Builder compactionInterval(Duration compactionInterval) {
            this.compactionInterval = Checks.range("compactionInterval", compactionInterval, Duration.ofSeconds(1),
                    Duration.ofDays(1));
            return this;
        }

        /**
         * How often each worker persists its target's checkpoint (each save forces the disk):
         * 10 ms to 1 hour; default {@link #DEFAULT_CHECKPOINT_INTERVAL}. Property
         * {@value #PROP_CHECKPOINT_INTERVAL}.
         */
        public Builder checkpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = Checks.range("checkpointInterval", checkpointInterval, Duration.ofMillis(10),
                    Duration.ofHours(1));
            return this;
        }

        /**
         * Failure rate, in percent of the recent calls, at which a target's breaker opens:
         * 1 to 100; default {@link #DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD}. Property
         * {@value #PROP_BREAKER_FAILURE_RATE_THRESHOLD}.
         */
        public Builder breakerFailureRateThreshold(float percent) {
            if (!(percent >= 1 && percent <= 100)) {
                throw new IllegalArgumentException("breakerFailureRateThreshold must be between 1 and 100 but was "
                        + percent);
            }
            this.breakerFailureRateThreshold = percent;
            return this;
        }

        /**
         * How many recent apply calls the failure rate is computed over: 1 to 10000; default
         * {@link #DEFAULT_BREAKER_SLIDING_WINDOW_SIZE}. Property
         * {@value #PROP_BREAKER_SLIDING_WINDOW_SIZE}.
         */
        public Builder breakerSlidingWindowSize(int calls) {
            this.breakerSlidingWindowSize = (int) Checks.range("breakerSlidingWindowSize", calls, 1, 10_000);
            return this;
        }

        /**
         * Calls needed before the failure rate counts: 1 to {@link #breakerSlidingWindowSize};
         * default {@link #DEFAULT_BREAKER_MINIMUM_CALLS}. Property
         * {@value #PROP_BREAKER_MINIMUM_CALLS}.
         */
        public Builder breakerMinimumCalls(int calls) {
            this.breakerMinimumCalls = (int) Checks.range("breakerMinimumCalls", calls, 1, 10_000);
            return this;
        }

        /**
         * How long an open breaker pauses its target's draining before trial calls: 1 ms to
         * 1 day; default {@link #DEFAULT_BREAKER_OPEN_DURATION}. Property
         * {@value #PROP_BREAKER_OPEN_DURATION}.
         */
        public Builder breakerOpenDuration(Duration openDuration) {
            this.breakerOpenDuration = Checks.range("breakerOpenDuration", openDuration, Duration.ofMillis(1),
                    Duration.ofDays(1));
            return this;
        }

        /**
         * Trial calls in the half-open state: 1 to 1000; default
         * {@link #DEFAULT_BREAKER_HALF_OPEN_CALLS}. Property {@value #PROP_BREAKER_HALF_OPEN_CALLS}.
         */
        public Builder breakerHalfOpenCalls(int calls) {
            this.breakerHalfOpenCalls = (int) Checks.range("breakerHalfOpenCalls", calls, 1, 1000);
            return this;
        }

        /**
         * How often an open breaker asks its target's {@link SyncTarget#probe() probe} whether the
         * target is back: zero (never; the breaker waits out {@link #breakerOpenDuration}) to
         * {@link #MAX_BREAKER_PROBE_INTERVAL}; default {@link #DEFAULT_BREAKER_PROBE_INTERVAL}. When
         * the probe answers UP the breaker half-opens at once, so a backlog resumes within about
         * one interval of the target's return instead of after the open duration; a target still
         * down is probed at most once per interval (the probe runs on the target's worker thread).
         * Property {@value #PROP_BREAKER_PROBE_INTERVAL}.
         */
        public Builder breakerProbeInterval(Duration interval) {
            this.breakerProbeInterval = Checks.range("breakerProbeInterval", interval, Duration.ZERO,
                    MAX_BREAKER_PROBE_INTERVAL);
            return this;
        }

        /**
         * Longest real time one call into a target ({@link SyncTarget#apply} or
         * {@link SyncTarget#probe}) may take: {@link #MIN_TARGET_CALL_TIMEOUT} to
         * {@link #MAX_TARGET_CALL_TIMEOUT}; default {@link #DEFAULT_TARGET_CALL_TIMEOUT}. Property
         * {@value #PROP_TARGET_CALL_TIMEOUT}.
         *
         * <p>The engine makes each call on a thread of its own and waits this long; a call that
         * has not returned by then is abandoned (its thread is interrupted) and counts as a failure
         * of the target, not of its entries: the breaker counts it, no attempt is charged, and the
         * entries are delivered again later. No other apply is made while an abandoned one is still
         * running, so the target still sees one apply at a time; an abandoned apply that commits
         * late is harmless to a target that skips idempotency keys it has seen. An abandoned probe
         * answers DOWN. This is the last line of defence: set the target's own timeouts (driver
         * socket and query timeouts) shorter, so that a hung call fails with the target's own
         * error first.
         */
        public Builder targetCallTimeout(Duration timeout) {
            this.targetCallTimeout = Checks.range("targetCallTimeout", timeout, MIN_TARGET_CALL_TIMEOUT,
                    MAX_TARGET_CALL_TIMEOUT);
            return this;
        }

        /**
         * How long {@link Wal#close()} lets the workers drain: zero to 1 hour; default
         * {@link #DEFAULT_STOP_TIMEOUT}. Property {@value #PROP_STOP_TIMEOUT}.
         */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = Checks.range("stopTimeout", stopTimeout, Duration.ZERO, Duration.ofHours(1));
            return this;
        }

        /**
         * The lifecycle of entries whose writer sets none and whose namespace has none of its own;
         * default {@link Lifecycle#ofDefaults()}. Properties {@value #PROP_LIFECYCLE_PREFIX}{@code *}.
         */
        public Builder defaultLifecycle(Lifecycle lifecycle) {
            this.defaultLifecycle = Objects.requireNonNull(lifecycle, "defaultLifecycle must not be null");
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
         */
        public WalConfig build() {
            if (windowEntries < maxBatchSize) {
                throw new IllegalArgumentException("windowEntries (" + windowEntries
                        + ") must be at least maxBatchSize (" + maxBatchSize + ")");
            }
            if (breakerMinimumCalls > breakerSlidingWindowSize) {
                throw new IllegalArgumentException("breakerMinimumCalls (" + breakerMinimumCalls
                        + ") must be at most breakerSlidingWindowSize (" + breakerSlidingWindowSize + ")");
            }
            return new WalConfig(this);
        }

        Builder apply(ConfigSource source) {
            source.duration(PROP_IMMEDIATE_APPLY_WAIT).ifPresent(this::immediateApplyWait);
            source.integer(PROP_MAX_BATCH_SIZE).ifPresent(this::maxBatchSize);
            source.integer(PROP_WINDOW_ENTRIES).ifPresent(this::windowEntries);
            source.bytes(PROP_WINDOW_BYTES).ifPresent(this::windowBytes);
            source.longValue(PROP_MAX_UNFINISHED_ENTRIES).ifPresent(this::maxUnfinishedEntries);
            source.bytes(PROP_MAX_UNFINISHED_BYTES).ifPresent(this::maxUnfinishedBytes);
            source.duration(PROP_WRITE_TIMEOUT).ifPresent(this::writeTimeout);
            source.duration(PROP_RETENTION).ifPresent(this::retention);
            source.duration(PROP_COMPACTION_INTERVAL).ifPresent(this::compactionInterval);
            source.duration(PROP_CHECKPOINT_INTERVAL).ifPresent(this::checkpointInterval);
            source.decimal(PROP_BREAKER_FAILURE_RATE_THRESHOLD).ifPresent(v -> breakerFailureRateThreshold(v.floatValue()));
            source.integer(PROP_BREAKER_SLIDING_WINDOW_SIZE).ifPresent(this::breakerSlidingWindowSize);
            source.integer(PROP_BREAKER_MINIMUM_CALLS).ifPresent(this::breakerMinimumCalls);
            source.duration(PROP_BREAKER_OPEN_DURATION).ifPresent(this::breakerOpenDuration);
            source.integer(PROP_BREAKER_HALF_OPEN_CALLS).ifPresent(this::breakerHalfOpenCalls);
            source.duration(PROP_BREAKER_PROBE_INTERVAL).ifPresent(this::breakerProbeInterval);
            source.duration(PROP_TARGET_CALL_TIMEOUT).ifPresent(this::targetCallTimeout);
            source.duration(PROP_STOP_TIMEOUT).ifPresent(this::stopTimeout);
            defaultLifecycle(lifecycle(source, defaultLifecycle.toBuilder()));
            return this;
        }

        private static Lifecycle lifecycle(ConfigSource source, Lifecycle.Builder b) {
            String p = PROP_LIFECYCLE_PREFIX;
            source.integer(p + "max.attempts").ifPresent(b::maxAttempts);
            source.duration(p + "initial.delay").ifPresent(b::initialDelay);
            source.enumValue(p + "backoff", Backoff.class).ifPresent(b::backoff);
            source.duration(p + "backoff.base").ifPresent(b::backoffBase);
            source.decimal(p + "backoff.multiplier").ifPresent(b::backoffMultiplier);
            source.duration(p + "backoff.cap").ifPresent(b::backoffCap);
            source.bool(p + "jitter").ifPresent(b::jitter);
            source.duration(p + "ttl").ifPresent(b::ttl);
            source.enumValue(p + "priority", Priority.class).ifPresent(b::priority);
            return b.build();
        }
    }
}
