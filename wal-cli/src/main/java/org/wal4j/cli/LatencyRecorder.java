package org.wal4j.cli;

import java.util.Arrays;

/**
 * Every latency of a load run, kept exactly (8 bytes each) so that percentiles are exact: one
 * recorder per thread, merged at the end.
 *
 * <p>Not thread-safe: one per thread; {@link #merge} after the threads ended.
 */
final class LatencyRecorder {
    private long[] nanos;
    private int size;

    LatencyRecorder(int expected) {
        this.nanos = new long[Math.max(16, expected)];
    }

    void record(long latencyNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = latencyNanos;
    }

    int count() {
        return size;
    }

    /** The latencies of all {@code recorders}, sorted. */
    static Sorted merge(LatencyRecorder... recorders) {
        int total = 0;
        for (LatencyRecorder r : recorders) {
            total += r.size;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyRecorder r : recorders) {
            System.arraycopy(r.nanos, 0, all, at, r.size);
            at += r.size;
        }
        Arrays.sort(all);
        return new Sorted(all);
    }

    /**
     * Sorted latencies. Immutable after construction; thread-safe.
     */
    static final class Sorted {
        private final long[] nanos;

        private Sorted(long[] sortedNanos) {
            this.nanos = sortedNanos;
        }

        int count() {
            return nanos.length;
        }

        /** The latency at quantile {@code q} (0..1), nearest rank; 0 if none. */
        long percentile(double q) {
            if (nanos.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(q * nanos.length);
            return nanos[Math.min(nanos.length - 1, Math.max(0, rank - 1))];
        }

        long max() {
            return nanos.length == 0 ? 0 : nanos[nanos.length - 1];
        }

        double mean() {
            if (nanos.length == 0) {
                return 0;
            }
            double sum = 0;
            for (long n : nanos) {
                sum += n;
            }
            return sum / nanos.length;
        }
    }
}
