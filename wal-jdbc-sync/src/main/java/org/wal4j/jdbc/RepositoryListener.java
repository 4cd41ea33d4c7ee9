package org.wal4j.jdbc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.wal4j.BreakerState;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.event.EntryRejected;
import org.wal4j.event.EntryRetried;
import org.wal4j.event.WalEvent;
import org.wal4j.event.WalListener;

/**
 * What a repository learns from the {@code Wal}'s events: when a target's circuit breaker opens
 * (a call that waits for a value stops waiting for a database that is down, and later calls do
 * not start), and why a waited-for call was retried or dead-lettered on its result target (for
 * the exception its caller gets). Runs on the workers' threads: constant time, no blocking.
 *
 * <p>Thread-safe.
 */
final class RepositoryListener implements WalListener {
    private final PendingCalls calls;
    /** Per target, completed while its breaker is open; replaced by a new one when it leaves OPEN. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> opened = new ConcurrentHashMap<>();

    RepositoryListener(PendingCalls calls) {
        this.calls = calls;
    }

    @Override
    public void onEvent(WalEvent event) {
        if (event instanceof BreakerStateChanged) {
            BreakerStateChanged changed = (BreakerStateChanged) event;
            if (changed.to() == BreakerState.OPEN) {
                opening(changed.target()).complete(null);
            } else if (changed.from() == BreakerState.OPEN) {
                opened.compute(changed.target(), (t, f) -> f == null || f.isDone() ? new CompletableFuture<>() : f);
            }
        } else if (event instanceof EntryRetried) {
            EntryRetried retried = (EntryRetried) event;
            record(retried.entry().id(), retried.target(), retried.reason());
        } else if (event instanceof EntryDeadLettered) {
            EntryDeadLettered dead = (EntryDeadLettered) event;
            record(dead.entry().id(), dead.target(), dead.reason());
        } else if (event instanceof EntryRejected) {
            EntryRejected rejected = (EntryRejected) event;
            record(rejected.entry().id(), rejected.target(), rejected.reason());
        }
    }

    /** True while {@code target}'s breaker is open: it receives no calls, its entries wait. */
    boolean breakerOpen(String target) {
        return opening(target).isDone();
    }

    /** Completes when {@code target}'s breaker is open (at once if it is now). */
    CompletableFuture<Void> opening(String target) {
        return opened.computeIfAbsent(target, t -> new CompletableFuture<>());
    }

    private void record(String entryId, String target, String reason) {
        PendingCalls.PendingCall call = calls.find(entryId);
        if (call != null && call.target().equals(target)) {
            call.failedOnTarget(reason);
        }
    }
}
