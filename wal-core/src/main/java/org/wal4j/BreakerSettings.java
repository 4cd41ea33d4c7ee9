package org.wal4j;

import java.time.Duration;
import java.util.Objects;
import org.wal4j.config.SettingValues;

/**
 * The circuit-breaker settings of one target: the {@link WalConfig}'s {@code breaker*} settings,
 * each replaced by the target's own value where one is set (in code with
 * {@link WalConfig.Builder#breakerFor}, or as {@code wal.target.<name>.breaker.*} in a source).
 * Ranges and defaults are those of the {@code WalConfig.Builder.breaker*} setters.
 *
 * <p>Immutable and thread-safe. Obtain with {@link WalConfig#breakerFor(String)}.
 */
public final class BreakerSettings {
    private final String target;
    private final float failureRateThreshold;
    private final int slidingWindowSize;
    private final int minimumCalls;
    private final Duration openDuration;
    private final int halfOpenCalls;
    private final Duration probeInterval;

    /** Resolves {@code target}'s settings: its own where {@code own} has one, else {@code shared}. */
    BreakerSettings(String target, SettingValues shared, SettingValues own) {
        this.target = target;
        this.failureRateThreshold = pick(WalSettings.BREAKER_FAILURE_RATE_THRESHOLD, shared, own);
        this.slidingWindowSize = pick(WalSettings.BREAKER_SLIDING_WINDOW_SIZE, shared, own);
        this.minimumCalls = pick(WalSettings.BREAKER_MINIMUM_CALLS, shared, own);
        this.openDuration = pick(WalSettings.BREAKER_OPEN_DURATION, shared, own);
        this.halfOpenCalls = pick(WalSettings.BREAKER_HALF_OPEN_CALLS, shared, own);
        this.probeInterval = pick(WalSettings.BREAKER_PROBE_INTERVAL, shared, own);
        if (minimumCalls > slidingWindowSize) {
            SettingValues minFrom = own.has(WalSettings.BREAKER_MINIMUM_CALLS) ? own : shared;
            SettingValues windowFrom = own.has(WalSettings.BREAKER_SLIDING_WINDOW_SIZE) ? own : shared;
            throw new IllegalArgumentException((own == shared ? "" : "target '" + target + "': ")
                    + "breakerMinimumCalls (" + minFrom.describe(WalSettings.BREAKER_MINIMUM_CALLS)
                    + ") must be at most breakerSlidingWindowSize ("
                    + windowFrom.describe(WalSettings.BREAKER_SLIDING_WINDOW_SIZE) + ")");
        }
    }

    private static <T> T pick(org.wal4j.config.Setting<T> setting, SettingValues shared, SettingValues own) {
        return own.has(setting) ? own.get(setting) : shared.get(setting);
    }

    /** The target these settings are for. */
    public String target() {
        return target;
    }

    /** See {@link WalConfig.Builder#breakerFailureRateThreshold}. */
    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    /** See {@link WalConfig.Builder#breakerSlidingWindowSize}. */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    /** See {@link WalConfig.Builder#breakerMinimumCalls}. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** See {@link WalConfig.Builder#breakerOpenDuration}. */
    public Duration openDuration() {
        return openDuration;
    }

    /** See {@link WalConfig.Builder#breakerHalfOpenCalls}. */
    public int halfOpenCalls() {
        return halfOpenCalls;
    }

    /** See {@link WalConfig.Builder#breakerProbeInterval}. */
    public Duration probeInterval() {
        return probeInterval;
    }

    @Override
    public String toString() {
        return "BreakerSettings{target=" + target + ", failureRateThreshold=" + failureRateThreshold
                + ", slidingWindowSize=" + slidingWindowSize + ", minimumCalls=" + minimumCalls + ", openDuration="
                + openDuration + ", halfOpenCalls=" + halfOpenCalls + ", probeInterval=" + probeInterval + '}';
    }

    /**
     * One target's own breaker settings, given in code; a setting not set here follows the
     * {@code WalConfig}'s. Each setter checks its value as the {@code WalConfig.Builder} setter of
     * the same name does. Not thread-safe.
     */
    public static final class Overrides {
        private final SettingValues values;

        Overrides(SettingValues values) {
            this.values = Objects.requireNonNull(values, "values must not be null");
        }

        /** See {@link WalConfig.Builder#breakerFailureRateThreshold}. */
        public Overrides failureRateThreshold(float percent) {
            values.set(WalSettings.BREAKER_FAILURE_RATE_THRESHOLD, percent);
            return this;
        }

        /** See {@link WalConfig.Builder#breakerSlidingWindowSize}. */
        public Overrides slidingWindowSize(int calls) {
            values.set(WalSettings.BREAKER_SLIDING_WINDOW_SIZE, calls);
            return this;
        }

        /** See {@link WalConfig.Builder#breakerMinimumCalls}. */
        public Overrides minimumCalls(int calls) {
            values.set(WalSettings.BREAKER_MINIMUM_CALLS, calls);
            return this;
        }

        /** See {@link WalConfig.Builder#breakerOpenDuration}. */
        public Overrides openDuration(Duration openDuration) {
            values.set(WalSettings.BREAKER_OPEN_DURATION, openDuration);
            return this;
        }

        /** See {@link WalConfig.Builder#breakerHalfOpenCalls}. */
        public Overrides halfOpenCalls(int calls) {
            values.set(WalSettings.BREAKER_HALF_OPEN_CALLS, calls);
            return this;
        }

        /** See {@link WalConfig.Builder#breakerProbeInterval}. */
        public Overrides probeInterval(Duration interval) {
            values.set(WalSettings.BREAKER_PROBE_INTERVAL, interval);
            return this;
        }
    }
}
