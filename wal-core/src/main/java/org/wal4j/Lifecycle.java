package org.wal4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How the sync engine treats one entry over time: how many attempts it gets, how long to wait
 * before the first one and between the others, when it expires, and how urgently it is served.
 * Every entry carries its lifecycle into the log, so a restarted process treats it the same way.
 *
 * <p>Immutable and thread-safe. Create with {@link #ofDefaults()} or {@link #builder()}.
 */
public final class Lifecycle {
    /** Default for {@link Builder#maxAttempts(int)}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    /** Default for {@link Builder#initialDelay(Duration)}: apply at once. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ZERO;
    /** Default for {@link Builder#backoff(Backoff)}. */
    public static final Backoff DEFAULT_BACKOFF = Backoff.EXPONENTIAL;
    /** Default for {@link Builder#backoffBase(Duration)}. */
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(200);
    /** Default for {@link Builder#backoffMultiplier(double)}. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** Default for {@link Builder#backoffCap(Duration)}. */
    public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofMinutes(5);
    /** Default for {@link Builder#jitter(boolean)}: full jitter. */
    public static final boolean DEFAULT_JITTER = true;
    /** Default for {@link Builder#priority(Priority)}. */
    public static final Priority DEFAULT_PRIORITY = Priority.NORMAL;
    /** Longest {@link Builder#initialDelay(Duration) initial delay}, backoff base, cap and TTL accepted. */
    public static final Duration MAX_DURATION = Duration.ofDays(3650);

    private static final Lifecycle DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration initialDelay;
    private final Backoff backoff;
    private final Duration backoffBase;
    private final double backoffMultiplier;
    private final Duration backoffCap;
    private final boolean jitter;
    private final @Nullable Duration ttl;
    private final Priority priority;

    private Lifecycle(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialDelay = b.initialDelay;
        this.backoff = b.backoff;
        this.backoffBase = b.backoffBase;
        this.backoffMultiplier = b.backoffMultiplier;
        this.backoffCap = b.backoffCap;
        this.jitter = b.jitter;
        this.ttl = b.ttl;
        this.priority = b.priority;
    }

    /** The lifecycle with every setting at its {@code DEFAULT_*} value. */
    public static Lifecycle ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Attempts per target before the entry is dead-lettered, counting the first. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Wait after the entry's creation before the first attempt (delayed delivery). */
    public Duration initialDelay() {
        return initialDelay;
    }

    public Backoff backoff() {
        return backoff;
    }

    public Duration backoffBase() {
        return backoffBase;
    }

    /** Growth factor of {@link Backoff#EXPONENTIAL} backoff; unused by the others. */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** Upper bound of any single wait between attempts. */
    public Duration backoffCap() {
        return backoffCap;
    }

    /** Whether waits are drawn uniformly from {@code [0, computed]} (full jitter). */
    public boolean jitter() {
        return jitter;
    }

    /** Time to live from the entry's creation; empty when the entry never expires. */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    public Priority priority() {
        return priority;
    }

    /** When an entry created at {@code createdAt} expires, or empty if it never does. */
    public Optional<Instant> expiresAt(Instant createdAt) {
        return ttl == null ? Optional.empty() : Optional.of(createdAt.plus(ttl));
    }

    /**
     * The wait before the next attempt after {@code failedAttempts} failures, before jitter:
     * per {@link Backoff}, capped at {@link #backoffCap()}.
     *
     * @param failedAttempts at least 1
     */
    public Duration nominalBackoff(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1 but was " + failedAttempts);
        }
        double baseMillis = backoffBase.toMillis();
        double millis;
        switch (backoff) {
            case FIXED:
                millis = baseMillis;
                break;
            case LINEAR:
                millis = baseMillis * failedAttempts;
                break;
            default:
                millis = baseMillis * Math.pow(backoffMultiplier, failedAttempts - 1);
                break;
        }
        long capMillis = backoffCap.toMillis();
        return Duration.ofMillis(millis >= capMillis ? capMillis : (long) millis);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Lifecycle)) {
            return false;
        }
        Lifecycle that = (Lifecycle) o;
        return maxAttempts == that.maxAttempts && Double.compare(backoffMultiplier, that.backoffMultiplier) == 0
                && jitter == that.jitter && initialDelay.equals(that.initialDelay) && backoff == that.backoff
                && backoffBase.equals(that.backoffBase) && backoffCap.equals(that.backoffCap)
                && Objects.equals(ttl, that.ttl) && priority == that.priority;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialDelay, backoff, backoffBase, backoffMultiplier, backoffCap, jitter,
                ttl, priority);
    }

    @Override
    public String toString() {
        return "Lifecycle{maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay + ", backoff=" + backoff
                + ", backoffBase=" + backoffBase + ", backoffMultiplier=" + backoffMultiplier
                + ", backoffCap=" + backoffCap + ", jitter=" + jitter + ", ttl=" + ttl + ", priority=" + priority + '}';
    }

    /** Builds a {@link Lifecycle}; each setter validates its argument at once. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private Backoff backoff = DEFAULT_BACKOFF;
        private Duration backoffBase = DEFAULT_BACKOFF_BASE;
        private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
        private Duration backoffCap = DEFAULT_BACKOFF_CAP;
        private boolean jitter = DEFAULT_JITTER;
        private @Nullable Duration ttl;
        private Priority priority = DEFAULT_PRIORITY;

        private Builder() {
        }

        private Builder(Lifecycle l) {
            maxAttempts = l.maxAttempts;
            initialDelay = l.initialDelay;
            backoff = l.backoff;
            backoffBase = l.backoffBase;
            backoffMultiplier = l.backoffMultiplier;
            backoffCap = l.backoffCap;
            jitter = l.jitter;
            ttl = l.ttl;
            priority = l.priority;
        }

        /** At least 1; default {@link #DEFAULT_MAX_ATTEMPTS}. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Zero to {@link #MAX_DURATION}; default {@link #DEFAULT_INITIAL_DELAY}. */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = checkDuration("initialDelay", initialDelay, true);
            return this;
        }

        /** Default {@link #DEFAULT_BACKOFF}. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff must not be null");
            return this;
        }

        /** 1 ms to {@link #MAX_DURATION}; default {@link #DEFAULT_BACKOFF_BASE}. */
        public Builder backoffBase(Duration backoffBase) {
            this.backoffBase = checkDuration("backoffBase", backoffBase, false);
            return this;
        }

        /** 1.0 to 100.0; default {@link #DEFAULT_BACKOFF_MULTIPLIER}. */
        public Builder backoffMultiplier(double backoffMultiplier) {
            if (!(backoffMultiplier >= 1.0 && backoffMultiplier <= 100.0)) {
                throw new IllegalArgumentException("backoffMultiplier must be between 1.0 and 100.0 but was "
                        + backoffMultiplier);
            }
            this.backoffMultiplier = backoffMultiplier;
            return this;
        }

        /** 1 ms to {@link #MAX_DURATION}; default {@link #DEFAULT_BACKOFF_CAP}. */
        public Builder backoffCap(Duration backoffCap) {
            this.backoffCap = checkDuration("backoffCap", backoffCap, false);
            return this;
        }

        /** Default {@link #DEFAULT_JITTER}. */
        public Builder jitter(boolean jitter) {
            this.jitter = jitter;
            return this;
        }

        /** 1 ms to {@link #MAX_DURATION}, or null for no expiry (the default). */
        public Builder ttl(@Nullable Duration ttl) {
            this.ttl = ttl == null ? null : checkDuration("ttl", ttl, false);
            return this;
        }

        /** Default {@link #DEFAULT_PRIORITY}. */
        public Builder priority(Priority priority) {
            this.priority = Objects.requireNonNull(priority, "priority must not be null");
            return this;
        }

        public Lifecycle build() {
            return new Lifecycle(this);
        }

        private static Duration checkDuration(String field, Duration value, boolean zeroAllowed) {
            if (value == null) {
                throw new IllegalArgumentException(field + " must not be null");
            }
            Duration min = zeroAllowed ? Duration.ZERO : Duration.ofMillis(1);
            if (value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + MAX_DURATION
                        + " but was " + value);
            }
            // sub-millisecond parts are not kept in the log
            return Duration.ofMillis(value.toMillis());
        }
    }
}
