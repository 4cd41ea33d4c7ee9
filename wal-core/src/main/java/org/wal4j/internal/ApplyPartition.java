package org.wal4j.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One apply partition of a target as its worker sees it: the scheduler of the partition's lanes,
 * its batch size (adapted per partition: doubled after a batch applied whole, halved after a
 * split), whether it is started, and the batch of its call in flight.
 *
 * <p>Invariants: at most one call in flight ({@link #inFlight} non-null while it runs, until its
 * outcome is recorded); the lanes of that batch are {@link Lane#busy} and in no scheduler set; a
 * stopped partition starts no call, and its stop waiters complete once it has none in flight.
 *
 * <p>Not thread-safe: confined to the target's worker thread.
 */
final class ApplyPartition {
    final int index;
    final LaneScheduler scheduler = new LaneScheduler();
    /** Most entries of the next batch; between 1 and {@code maxBatchSize}. */
    int batchLimit;
    boolean started = true;
    /** The batch of the call in flight, or null. */
    @Nullable List<PendingEntry> inFlight;
    /** Engine time the call in flight was made (its attempts' time). */
    @Nullable Instant inFlightSince;
    /** Who waits for this stopped partition to have no call in flight. */
    private final List<CompletableFuture<Void>> quietWaiters = new ArrayList<>();

    ApplyPartition(int index, int batchLimit) {
        this.index = index;
        this.batchLimit = batchLimit;
    }

    boolean idle() {
        return inFlight == null;
    }

    /** True if a batch may start now: started and no call in flight. */
    boolean canStart() {
        return started && inFlight == null;
    }

    /** Completes when this partition has no call in flight (at once if it has none). */
    CompletableFuture<Void> whenQuiet() {
        CompletableFuture<Void> quiet = new CompletableFuture<>();
        if (inFlight == null) {
            quiet.complete(null);
        } else {
            quietWaiters.add(quiet);
        }
        return quiet;
    }

    /** The call in flight was recorded: tells those waiting for quiet. */
    void callRecorded() {
        inFlight = null;
        inFlightSince = null;
        quietWaiters.forEach(w -> w.complete(null));
        quietWaiters.clear();
    }

    /** The worker ends with a call still in flight: nobody is left to record it. */
    void abandonWaiters(String why) {
        quietWaiters.forEach(w -> w.completeExceptionally(new IllegalStateException(why)));
        quietWaiters.clear();
    }

    @Override
    public String toString() {
        return "ApplyPartition{" + index + (started ? "" : ", stopped") + ", batchLimit=" + batchLimit
                + (inFlight == null ? "" : ", in flight: " + inFlight.size() + " entries") + '}';
    }
}
