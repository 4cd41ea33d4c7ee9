package org.wal4j.internal;

import java.time.Duration;
import java.util.List;
import org.wal4j.WalEntry;
import org.wal4j.internal.AbandonableCaller.CallAbandoned;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.TargetHealth;

/**
 * A target whose every call is bounded by {@code targetCallTimeout}: the engine's watchdog. A
 * hung target (a database whose server stopped, a socket read without a timeout) cannot hold the
 * worker: an apply still running at the deadline is abandoned and reported as
 * {@link CallAbandoned}, which {@link ApplyRound} counts as a failure of the target, not of the
 * entries; a probe still running at the deadline answers DOWN. See {@link AbandonableCaller} for
 * what happens to the abandoned call.
 *
 * <p>Thread-safe: {@link #apply} is called by the worker, {@link #probe} by any thread.
 */
final class BoundedTarget implements AutoCloseable {
    private final String name;
    private final SyncTarget target;
    private final long timeoutNanos;
    private final AbandonableCaller applies;
    private final AbandonableCaller probes;

    BoundedTarget(String name, SyncTarget target, Duration timeout) {
        this.name = name;
        this.target = target;
        this.timeoutNanos = Timekeeper.saturatedNanos(timeout);
        this.applies = new AbandonableCaller("wal4j-apply-" + name);
        this.probes = new AbandonableCaller("wal4j-probe-" + name);
    }

    /**
     * {@link SyncTarget#apply}, bounded.
     *
     * @throws CallAbandoned if it was abandoned or not made (an abandoned apply still runs)
     */
    ApplyResult apply(List<WalEntry> batch) {
        return applies.call(() -> target.apply(batch), "apply of target '" + name + "' for a batch of " + batch.size()
                + " entries (seq " + batch.get(0).seq() + ".." + batch.get(batch.size() - 1).seq() + ")", timeoutNanos);
    }

    /** {@link SyncTarget#probe}, bounded: DOWN if it was abandoned or not made. */
    TargetHealth probe() {
        try {
            return probes.call(target::probe, "probe of target '" + name + "'", timeoutNanos);
        } catch (CallAbandoned e) {
            return TargetHealth.down(e.getMessage());
        }
    }

    @Override
    public void close() {
        applies.close();
        probes.close();
    }
}
