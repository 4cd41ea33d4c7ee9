package org.wal4j.micrometer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link WalMetrics} publishes a {@link org.wal4j.Wal}'s figures: extra tags, the cap on
 * namespace series, and how long one snapshot of the figures serves the gauges of a scrape.
 *
 * <p>Immutable and thread-safe; the {@link Builder} is not thread-safe.
 */
public final class WalMetricsOptions {
    /** Default of {@link Builder#maxNamespaces}: namespaces with series of their own, per Wal. */
    public static final int DEFAULT_MAX_NAMESPACES = 100;
    /** Largest {@link Builder#maxNamespaces}. */
    public static final int MAX_NAMESPACES_LIMIT = 10_000;
    /** Default of {@link Builder#statsMaxAge}. */
    public static final Duration DEFAULT_STATS_MAX_AGE = Duration.ofSeconds(1);
    /** Largest {@link Builder#statsMaxAge}. */
    public static final Duration STATS_MAX_AGE_LIMIT = Duration.ofMinutes(1);

    private static final WalMetricsOptions DEFAULTS = builder().build();

    private final Tags tags;
    private final int maxNamespaces;
    private final Duration statsMaxAge;
    private final Clock clock;

    private WalMetricsOptions(Builder b) {
        this.tags = b.tags;
        this.maxNamespaces = b.maxNamespaces;
        this.statsMaxAge = b.statsMaxAge;
        this.clock = b.clock;
    }

    /** {@return the defaults: no extra tags, {@link #DEFAULT_MAX_NAMESPACES}, {@link #DEFAULT_STATS_MAX_AGE}} */
    public static WalMetricsOptions ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@return tags added to every meter, such as the name of the Wal when an application has several} */
    public Tags tags() {
        return tags;
    }

    /** {@return how many namespaces get series of their own; see {@link Builder#maxNamespaces}} */
    public int maxNamespaces() {
        return maxNamespaces;
    }

    /** {@return how long one snapshot of the Wal's figures serves the gauges; see {@link Builder#statsMaxAge}} */
    public Duration statsMaxAge() {
        return statsMaxAge;
    }

    /** {@return the clock that times {@link #statsMaxAge()}} */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "WalMetricsOptions{tags=" + tags + ", maxNamespaces=" + maxNamespaces + ", statsMaxAge=" + statsMaxAge
                + '}';
    }

    /** Builds {@link WalMetricsOptions}. Not thread-safe. */
    public static final class Builder {
        private Tags tags = Tags.empty();
        private int maxNamespaces = DEFAULT_MAX_NAMESPACES;
        private Duration statsMaxAge = DEFAULT_STATS_MAX_AGE;
        private Clock clock = Clock.SYSTEM;

        private Builder() {
        }

        /**
         * Tags added to every meter, after wal4j's own; default none. A tag key wal4j uses itself
         * ({@value WalMetrics#TARGET_TAG}, {@value WalMetrics#NAMESPACE_TAG}, {@value WalMetrics#STATE_TAG})
         * is refused.
         *
         * @throws IllegalArgumentException if a key is one of wal4j's
         */
        public Builder tags(Iterable<Tag> tags) {
            Objects.requireNonNull(tags, "tags must not be null");
            for (Tag tag : tags) {
                String key = tag.getKey();
                if (key.equals(WalMetrics.TARGET_TAG) || key.equals(WalMetrics.NAMESPACE_TAG)
                        || key.equals(WalMetrics.STATE_TAG)) {
                    throw new IllegalArgumentException("tags must not use the key '" + key + "': wal4j's meters "
                            + "carry it themselves");
                }
            }
            this.tags = Tags.of(tags);
            return this;
        }

        /**
         * How many namespaces get series of their own in {@value WalMetrics#LAG} and
         * {@value WalMetrics#UNAPPLIED_ENTRIES}: the first so many seen, per Wal; the figures of
         * later ones are added up under {@code namespace="}{@value WalMetrics#OTHER_NAMESPACES}{@code "}
         * (entries summed, the largest lag). Namespaces are chosen by the application, one per
         * kind of write, so they are few; the cap protects the registry from an application that
         * makes one per customer. Between 1 and {@link #MAX_NAMESPACES_LIMIT}; default
         * {@link #DEFAULT_MAX_NAMESPACES}.
         *
         * @throws IllegalArgumentException outside that range
         */
        public Builder maxNamespaces(int maxNamespaces) {
            if (maxNamespaces < 1 || maxNamespaces > MAX_NAMESPACES_LIMIT) {
                throw new IllegalArgumentException("maxNamespaces must be between 1 and " + MAX_NAMESPACES_LIMIT
                        + " but was " + maxNamespaces);
            }
            this.maxNamespaces = maxNamespaces;
            return this;
        }

        /**
         * How long one snapshot of {@link org.wal4j.Wal#stats()} serves the gauges and counters, so
         * that a scrape reading dozens of them takes one snapshot, not dozens; a scrape also finds
         * new namespaces when it takes one. Between 0 (every read takes a new snapshot) and
         * {@link #STATS_MAX_AGE_LIMIT}; default {@link #DEFAULT_STATS_MAX_AGE}, below any sensible
         * scrape interval.
         *
         * @throws IllegalArgumentException outside that range
         */
        public Builder statsMaxAge(Duration statsMaxAge) {
            Objects.requireNonNull(statsMaxAge, "statsMaxAge must not be null");
            if (statsMaxAge.isNegative() || statsMaxAge.compareTo(STATS_MAX_AGE_LIMIT) > 0) {
                throw new IllegalArgumentException("statsMaxAge must be between 0 and " + STATS_MAX_AGE_LIMIT
                        + " but was " + statsMaxAge);
            }
            this.statsMaxAge = statsMaxAge;
            return this;
        }

        /** The clock that times {@link #statsMaxAge}; default {@link Clock#SYSTEM}. For tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        public WalMetricsOptions build() {
            return new WalMetricsOptions(this);
        }
    }
}
