package org.wal4j.spi;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free histogram of non-negative values (latencies in nanoseconds), log-linear: values
 * below 16 are exact, larger ones fall into 8 buckets per power of two, so a reported percentile
 * is within 12.5% above the true value. Fixed size (about 4 KiB), no allocation when recording.
 *
 * <p>Thread-safe: recording uses atomic increments; a percentile read while others record sees
 * some of the concurrent values.
 */
public final class LatencyHistogram {
    private static final int EXACT = 16;
    private static final int SUB_BUCKETS = 8;
    private static final int BUCKETS = EXACT + (63 - 4) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long value) {
        counts.incrementAndGet(bucket(Math.max(0, value)));
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * The smallest bucket bound at or below which at least {@code quantile} of the recorded values
     * fall; 0 when nothing was recorded.
     *
     * @param quantile between 0 and 1, for example 0.99
     */
    public long percentile(double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be between 0 and 1 but was " + quantile);
        }
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    static int bucket(long value) {
        if (value < EXACT) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value); // >= 4
        int mantissa = (int) (value >>> (exponent - 3)); // in [8, 16)
        return EXACT + (exponent - 4) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
    }

    /** The largest value that falls into bucket {@code index}. */
    static long upperBound(int index) {
        if (index < EXACT) {
            return index;
        }
        int exponent = (index - EXACT) / SUB_BUCKETS + 4;
        long mantissa = (long) (index - EXACT) % SUB_BUCKETS + SUB_BUCKETS;
        long lower = mantissa << (exponent - 3);
        return lower + (1L << (exponent - 3)) - 1;
    }
}
