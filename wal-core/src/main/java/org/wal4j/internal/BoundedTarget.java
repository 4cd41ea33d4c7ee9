package org.wal4j.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.wal4j.WalEntry;
import org.wal4j.internal.AbandonableCaller.CallAbandoned;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.Instrumentation;
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
 * <p>Each apply partition has a caller of its own ({@link #applyAsync}), so the partitions' calls
 * run side by side and an abandoned call holds back only its partition: its next call fails at
 * once until the abandoned one returns, the other partitions go on.
 *
 * <p>Thread-safe: {@link #applyAsync} is called by the worker, {@link #probe} by any thread.
 */
final class BoundedTarget implements AutoCloseable {
    private final String name;
    private final SyncTarget target;
    private final long timeoutNanos;
    /** One per apply partition. */
    private final AbandonableCaller[] applies;
    private final AbandonableCaller probes;
    private final Instrumentation instrumentation;

    BoundedTarget(String name, SyncTarget target, Duration timeout, int partitions, Instrumentation instrumentation) {
        this.name = name;
        this.target = target;
        this.instrumentation = instrumentation;
        this.timeoutNanos = Timekeeper.saturatedNanos(timeout);
        this.applies = new AbandonableCaller[partitions];
        for (int p = 0; p < partitions; p++) {
            applies[p] = new AbandonableCaller("wal4j-apply-" + name + "-p" + p);
        }
        this.probes = new AbandonableCaller("wal4j-probe-" + name);
    }

    /**
     * Starts {@link SyncTarget#apply} of a batch of {@code partition}, bounded; at most one call
     * per partition at a time. The future completes with the target's result or what it threw,
     * or with {@link CallAbandoned} if the call was abandoned or not made (an abandoned apply
     * still runs).
     */
    CompletableFuture<ApplyResult> applyAsync(int partition, List<WalEntry> batch) {
        return applies[partition % applies.length].callAsync(() -> observedApply(batch), "apply of target '" + name + "' partition "
                + partition + " for a batch of " + batch.size() + " entries (seq " + batch.get(0).seq() + ".."
                + batch.get(batch.size() - 1).seq() + ")", timeoutNanos);
    }

    /** {@link SyncTarget#apply} in an {@link Instrumentation#applyBatch} scope, on the calling thread. */
    private ApplyResult observedApply(List<WalEntry> batch) {
        if (instrumentation == Instrumentation.NONE) {
            return target.apply(batch);
        }
        Instrumentation.Scope scope = Instrumentation.open(() -> instrumentation.applyBatch(name, batch),
                Instrumentation.Scope.NONE);
        Throwable failure = null;
        try {
            return target.apply(batch);
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            Instrumentation.end(scope, failure);
        }
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
        for (AbandonableCaller a : applies) {
            a.close();
        }
        probes.close();
    }
}
