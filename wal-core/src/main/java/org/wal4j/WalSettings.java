package org.wal4j;

import static org.wal4j.WalConfig.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.wal4j.config.Setting;
import org.wal4j.config.SettingTable;
import org.wal4j.config.ValueType;

/**
 * The descriptors of {@link WalConfig}'s settings and of the {@code wal.lifecycle.*} settings of
 * its default {@link Lifecycle}: the one place each setting's property, unit, range, default and
 * documentation sentence are written. docs/configuration.md's tables are rendered from here (a
 * test fails when they differ).
 *
 * <p>Constants only; thread-safe.
 */
final class WalSettings {
    static final Setting<Duration> IMMEDIATE_APPLY_WAIT = Setting.builder("immediateApplyWait",
                    "wal.apply.immediate.wait", ValueType.duration())
            .unit("duration").range(Duration.ZERO, MAX_IMMEDIATE_APPLY_WAIT)
            .defaultValue(DEFAULT_IMMEDIATE_APPLY_WAIT).defaultText("0 (off)")
            .doc("how long `write` waits, after the entry is durable, for its targets to apply it; 0 = off").build();
    static final Setting<Integer> APPLY_PARTITIONS = Setting.builder("applyPartitions", "wal.apply.partitions",
                    ValueType.integer())
            .unit("partitions").range(1, MAX_APPLY_PARTITIONS).defaultValue(DEFAULT_APPLY_PARTITIONS).perTarget()
            .doc("how many apply partitions drain each target in parallel (one `SyncTarget.apply` call in "
                    + "flight each); every lane belongs to one, so each lane keeps its order; a target whose "
                    + "`concurrentApply()` is false gets one call at a time").build();
    static final Setting<Integer> MAX_BATCH_SIZE = Setting.builder("maxBatchSize", "wal.apply.batch.size",
                    ValueType.integer())
            .unit("entries").range(1, WalConfig.MAX_BATCH_SIZE).defaultValue(DEFAULT_MAX_BATCH_SIZE)
            .doc("most entries per `SyncTarget.apply` call (one transaction)").build();
    static final Setting<Integer> WINDOW_ENTRIES = Setting.builder("windowEntries", "wal.apply.window.entries",
                    ValueType.integer())
            .unit("entries").range(1, MAX_WINDOW_ENTRIES).defaultValue(DEFAULT_WINDOW_ENTRIES)
            .doc("most unfinished entries a target's worker holds in memory; at least `maxBatchSize`").build();
    static final Setting<Long> WINDOW_BYTES = Setting.builder("windowBytes", "wal.apply.window.bytes",
                    ValueType.bytes())
            .unit("bytes").range(MIN_WINDOW_BYTES, MAX_WINDOW_BYTES).defaultValue(DEFAULT_WINDOW_BYTES)
            .doc("most payload bytes a target's worker holds in memory (one entry always fits)").build();
    static final Setting<Long> MAX_UNFINISHED_ENTRIES = Setting.builder("maxUnfinishedEntries",
                    "wal.backpressure.max.entries", ValueType.longInteger())
            .unit("entries").range(1L, Long.MAX_VALUE).defaultValue(DEFAULT_MAX_UNFINISHED_ENTRIES)
            .doc("backpressure; most entries any one target may have PENDING or RETRYING before writes block")
            .build();
    static final Setting<Long> MAX_UNFINISHED_BYTES = Setting.builder("maxUnfinishedBytes",
                    "wal.backpressure.max.bytes", ValueType.bytes())
            .unit("bytes").range(1L, Long.MAX_VALUE).defaultValue(DEFAULT_MAX_UNFINISHED_BYTES)
            .doc("backpressure; most payload bytes any one target may have PENDING or RETRYING before writes "
                    + "block (a target with none always takes one write)").build();
    static final Setting<Duration> WRITE_TIMEOUT = Setting.builder("writeTimeout", "wal.backpressure.timeout",
                    ValueType.duration())
            .unit("duration").range(Duration.ZERO, MAX_WRITE_TIMEOUT).defaultValue(DEFAULT_WRITE_TIMEOUT)
            .doc("how long a write blocked by backpressure waits before `WalFullException`").build();
    static final Setting<Duration> RETENTION = Setting.builder("retention", "wal.retention", ValueType.duration())
            .unit("duration").range(MIN_RETENTION, MAX_RETENTION).defaultValue(DEFAULT_RETENTION)
            .doc("how long finished entries are kept for replay and audit, and idempotency keys remembered; "
                    + "also the default of a JDBC target's `appliedKeysRetention`").build();
    static final Setting<Duration> COMPACTION_INTERVAL = Setting.builder("compactionInterval",
                    "wal.compaction.interval", ValueType.duration())
            .unit("duration").range(MIN_COMPACTION_INTERVAL, MAX_COMPACTION_INTERVAL)
            .defaultValue(DEFAULT_COMPACTION_INTERVAL)
            .doc("how often compaction and the pruning of idempotency keys run").build();
    static final Setting<Duration> CHECKPOINT_INTERVAL = Setting.builder("checkpointInterval",
                    "wal.checkpoint.interval", ValueType.duration())
            .unit("duration").range(MIN_CHECKPOINT_INTERVAL, MAX_CHECKPOINT_INTERVAL)
            .defaultValue(DEFAULT_CHECKPOINT_INTERVAL)
            .doc("how often each worker saves its target's checkpoint (each save forces the disk)").build();
    static final Setting<Float> BREAKER_FAILURE_RATE_THRESHOLD = Setting.builder("breakerFailureRateThreshold",
                    "wal.breaker.failure.rate.threshold", ValueType.floating())
            .unit("percent").range(1f, 100f).defaultValue(DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD).perTarget()
            .doc("failure rate of recent calls at which a target's breaker opens").build();
    static final Setting<Integer> BREAKER_SLIDING_WINDOW_SIZE = Setting.builder("breakerSlidingWindowSize",
                    "wal.breaker.sliding.window.size", ValueType.integer())
            .unit("calls").range(1, MAX_BREAKER_CALLS).defaultValue(DEFAULT_BREAKER_SLIDING_WINDOW_SIZE).perTarget()
            .doc("how many recent apply calls the failure rate covers").build();
    static final Setting<Integer> BREAKER_MINIMUM_CALLS = Setting.builder("breakerMinimumCalls",
                    "wal.breaker.minimum.calls", ValueType.integer())
            .unit("calls").range(1, MAX_BREAKER_CALLS).defaultValue(DEFAULT_BREAKER_MINIMUM_CALLS).perTarget()
            .doc("calls needed before the failure rate counts; at most `breakerSlidingWindowSize`").build();
    static final Setting<Duration> BREAKER_OPEN_DURATION = Setting.builder("breakerOpenDuration",
                    "wal.breaker.open.duration", ValueType.duration())
            .unit("duration").range(MIN_BREAKER_OPEN_DURATION, MAX_BREAKER_OPEN_DURATION)
            .defaultValue(DEFAULT_BREAKER_OPEN_DURATION).perTarget()
            .doc("how long an open breaker pauses its target before trial calls").build();
    static final Setting<Integer> BREAKER_HALF_OPEN_CALLS = Setting.builder("breakerHalfOpenCalls",
                    "wal.breaker.half.open.calls", ValueType.integer())
            .unit("calls").range(1, MAX_BREAKER_HALF_OPEN_CALLS).defaultValue(DEFAULT_BREAKER_HALF_OPEN_CALLS)
            .perTarget().doc("trial calls in the half-open state").build();
    static final Setting<Duration> BREAKER_PROBE_INTERVAL = Setting.builder("breakerProbeInterval",
                    "wal.breaker.probe.interval", ValueType.duration())
            .unit("duration").range(Duration.ZERO, MAX_BREAKER_PROBE_INTERVAL)
            .defaultValue(DEFAULT_BREAKER_PROBE_INTERVAL).perTarget()
            .doc("how often an open breaker asks its target's `probe()` whether it is back; an UP answer "
                    + "half-opens the breaker at once (0: never, wait out `breakerOpenDuration`)").build();
    static final Setting<Duration> TARGET_CALL_TIMEOUT = Setting.builder("targetCallTimeout",
                    "wal.target.call.timeout", ValueType.duration())
            .unit("duration").range(MIN_TARGET_CALL_TIMEOUT, MAX_TARGET_CALL_TIMEOUT)
            .defaultValue(DEFAULT_TARGET_CALL_TIMEOUT)
            .doc("longest real time one call into a target (`apply` or `probe`) may take; a call still running "
                    + "then is abandoned (its thread interrupted) and counts as a failure of the target (the "
                    + "breaker counts it, no attempt is charged); no new apply is made in its partition (in any, for a "
                    + "target without `concurrentApply()`) while an abandoned one still runs; an abandoned probe "
                    + "answers DOWN. A last line of defence: keep the target's own "
                    + "timeouts shorter (docs/jdbc.md)").build();
    static final Setting<Duration> STOP_TIMEOUT = Setting.builder("stopTimeout", "wal.stop.timeout",
                    ValueType.duration())
            .unit("duration").range(Duration.ZERO, MAX_STOP_TIMEOUT).defaultValue(DEFAULT_STOP_TIMEOUT)
            .doc("how long `Wal.close()` lets the workers drain").build();

    /** The settings of {@link WalConfig}, in documentation order. */
    static final SettingTable TABLE = SettingTable.of("WalConfig", List.of(IMMEDIATE_APPLY_WAIT, APPLY_PARTITIONS, MAX_BATCH_SIZE,
            WINDOW_ENTRIES, WINDOW_BYTES, MAX_UNFINISHED_ENTRIES, MAX_UNFINISHED_BYTES, WRITE_TIMEOUT, RETENTION,
            COMPACTION_INTERVAL, CHECKPOINT_INTERVAL, BREAKER_FAILURE_RATE_THRESHOLD, BREAKER_SLIDING_WINDOW_SIZE,
            BREAKER_MINIMUM_CALLS, BREAKER_OPEN_DURATION, BREAKER_HALF_OPEN_CALLS, BREAKER_PROBE_INTERVAL,
            TARGET_CALL_TIMEOUT, STOP_TIMEOUT));

    // The default lifecycle's settings: parsed here, checked by Lifecycle.Builder (the ranges below
    // are for the documentation and are Lifecycle's).
    static final Setting<Integer> LIFECYCLE_MAX_ATTEMPTS = Setting.builder("defaultLifecycle.maxAttempts",
                    "wal.lifecycle.max.attempts", ValueType.integer())
            .unit("attempts").rangeText("1 – 2^31−1").defaultValue(Lifecycle.DEFAULT_MAX_ATTEMPTS)
            .doc("attempts per target before dead-lettering, the first included").build();
    static final Setting<Duration> LIFECYCLE_INITIAL_DELAY = Setting.builder("defaultLifecycle.initialDelay",
                    "wal.lifecycle.initial.delay", ValueType.duration())
            .unit("duration").rangeText("0 – " + ValueType.duration().format(Lifecycle.MAX_DURATION))
            .defaultValue(Lifecycle.DEFAULT_INITIAL_DELAY)
            .doc("delay from creation to the first attempt (delayed delivery)").build();
    static final Setting<Backoff> LIFECYCLE_BACKOFF = Setting.builder("defaultLifecycle.backoff",
                    "wal.lifecycle.backoff", ValueType.enumOf(Backoff.class))
            .unit("`FIXED`, `LINEAR`, `EXPONENTIAL`").defaultValue(Lifecycle.DEFAULT_BACKOFF)
            .doc("how the wait between attempts grows").build();
    static final Setting<Duration> LIFECYCLE_BACKOFF_BASE = Setting.builder("defaultLifecycle.backoffBase",
                    "wal.lifecycle.backoff.base", ValueType.duration())
            .unit("duration").rangeText("1 ms – " + ValueType.duration().format(Lifecycle.MAX_DURATION))
            .defaultValue(Lifecycle.DEFAULT_BACKOFF_BASE).doc("the first wait").build();
    static final Setting<Double> LIFECYCLE_BACKOFF_MULTIPLIER = Setting.builder(
                    "defaultLifecycle.backoffMultiplier", "wal.lifecycle.backoff.multiplier", ValueType.decimal())
            .unit("factor").rangeText("1.0 – 100.0").defaultValue(Lifecycle.DEFAULT_BACKOFF_MULTIPLIER)
            .doc("growth factor of EXPONENTIAL").build();
    static final Setting<Duration> LIFECYCLE_BACKOFF_CAP = Setting.builder("defaultLifecycle.backoffCap",
                    "wal.lifecycle.backoff.cap", ValueType.duration())
            .unit("duration").rangeText("1 ms – " + ValueType.duration().format(Lifecycle.MAX_DURATION))
            .defaultValue(Lifecycle.DEFAULT_BACKOFF_CAP).doc("longest single wait").build();
    static final Setting<Boolean> LIFECYCLE_JITTER = Setting.builder("defaultLifecycle.jitter",
                    "wal.lifecycle.jitter", ValueType.bool())
            .unit("boolean").defaultValue(Lifecycle.DEFAULT_JITTER)
            .doc("draw each wait uniformly from [0, computed] (full jitter)").build();
    static final Setting<Duration> LIFECYCLE_TTL = Setting.builder("defaultLifecycle.ttl", "wal.lifecycle.ttl",
                    ValueType.duration())
            .unit("duration").rangeText("1 ms – " + ValueType.duration().format(Lifecycle.MAX_DURATION))
            .doc("time to live from creation; unset = never expires").build();
    static final Setting<Priority> LIFECYCLE_PRIORITY = Setting.builder("defaultLifecycle.priority",
                    "wal.lifecycle.priority", ValueType.enumOf(Priority.class))
            .unit("`HIGH`, `NORMAL`, `LOW`").defaultValue(Lifecycle.DEFAULT_PRIORITY)
            .doc("scheduling priority of the entry's lane").build();

    /** The settings of {@link WalConfig#defaultLifecycle()}, in documentation order. */
    static final SettingTable LIFECYCLE_TABLE = SettingTable.of("Lifecycle", List.of(LIFECYCLE_MAX_ATTEMPTS,
            LIFECYCLE_INITIAL_DELAY, LIFECYCLE_BACKOFF, LIFECYCLE_BACKOFF_BASE, LIFECYCLE_BACKOFF_MULTIPLIER,
            LIFECYCLE_BACKOFF_CAP, LIFECYCLE_JITTER, LIFECYCLE_TTL, LIFECYCLE_PRIORITY));

    /** How each lifecycle setting's value is given to a {@link Lifecycle.Builder}, which checks it. */
    static final Map<Setting<?>, BiConsumer<Lifecycle.Builder, Object>> LIFECYCLE_SETTERS = Map.of(
            LIFECYCLE_MAX_ATTEMPTS, (b, v) -> b.maxAttempts((Integer) v),
            LIFECYCLE_INITIAL_DELAY, (b, v) -> b.initialDelay((Duration) v),
            LIFECYCLE_BACKOFF, (b, v) -> b.backoff((Backoff) v),
            LIFECYCLE_BACKOFF_BASE, (b, v) -> b.backoffBase((Duration) v),
            LIFECYCLE_BACKOFF_MULTIPLIER, (b, v) -> b.backoffMultiplier((Double) v),
            LIFECYCLE_BACKOFF_CAP, (b, v) -> b.backoffCap((Duration) v),
            LIFECYCLE_JITTER, (b, v) -> b.jitter((Boolean) v),
            LIFECYCLE_TTL, (b, v) -> b.ttl((Duration) v),
            LIFECYCLE_PRIORITY, (b, v) -> b.priority((Priority) v));

    private WalSettings() {
    }
}
