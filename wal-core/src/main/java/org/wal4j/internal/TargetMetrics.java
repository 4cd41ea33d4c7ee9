package org.wal4j.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.wal4j.spi.LatencyHistogram;

/**
 * Counters of one target, written by its worker and read by {@code stats()}.
 *
 * <p>Thread-safe.
 */
final class TargetMetrics {
    final AtomicLong applied = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    /** Entries the target rejected (a business verdict; not dead letters). */
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    /** Current size of the target's dead-letter queue. */
    final AtomicLong deadLetters = new AtomicLong();
    final LatencyHistogram applyLatency = new LatencyHistogram();
    private final String target;
    private final LatencyListeners latencies;

    TargetMetrics(String target, LatencyListeners latencies) {
        this.target = target;
        this.latencies = latencies;
    }

    /** An apply call took {@code nanos}: into the histogram, and to the latency listeners. */
    void recordApplyLatency(long nanos) {
        applyLatency.record(nanos);
        latencies.apply(target, nanos);
    }
}
