package org.wal4j.event;

/**
 * Receives each latency the {@code Wal} measures, as it measures it: the samples behind the
 * percentiles of {@link org.wal4j.WalStats} and {@link org.wal4j.TargetStats}, for a metrics
 * library that keeps histograms of its own (wal-micrometer's timers). Measured with
 * {@link System#nanoTime()}: a measurement, never a decision.
 *
 * <p>Unlike a {@link WalListener}, a latency listener may be added and removed at any time
 * ({@link org.wal4j.Wal#addListener(LatencyListener)}): missing the samples from before it was
 * added loses nothing a later one needs.
 *
 * <p>Called synchronously on the thread that measured: a writer's thread or a wal4j callback
 * thread for a write, the target's worker for an apply call; so record and return (a few hundred
 * nanoseconds), never block. An exception it throws is logged (the first time at WARN) and never
 * reaches the engine or other listeners.
 *
 * <p>Implementations must be thread-safe: writers and workers call concurrently.
 */
public interface LatencyListener {
    /**
     * A write was acknowledged: {@code nanos} from the call to its durable acknowledgement
     * (excluding any backpressure wait and the immediate apply), once per call, whatever the
     * number of entries it wrote; what {@link org.wal4j.WalStats#writeLatencyP99Micros()} is made of.
     */
    void writeLatency(long nanos);

    /**
     * A {@link org.wal4j.spi.SyncTarget#apply} call of {@code target} returned or threw after
     * {@code nanos}; what {@link org.wal4j.TargetStats#applyLatencyP99Micros()} is made of.
     */
    void applyLatency(String target, long nanos);
}
