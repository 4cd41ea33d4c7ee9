package org.wal4j.spi;

import java.time.Duration;

/**
 * The range checks of configuration builders, with the messages every setter gives: the field,
 * the range and the value ({@code "maxBatchSize must be between 1 and 10000 but was 0"}).
 *
 * <p>Thread-safe: stateless.
 */
public final class Checks {
    private Checks() {
    }

    /** @return {@code value} if {@code min <= value <= max} */
    public static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + " but was " + value);
        }
        return value;
    }

    /** @return {@code value} if it is not null and {@code min <= value <= max} */
    public static Duration range(String field, Duration value, Duration min, Duration max) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + " but was " + value);
        }
        return value;
    }
}
