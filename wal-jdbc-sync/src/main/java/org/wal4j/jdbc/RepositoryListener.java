package org.wal4j.jdbc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.wal4j.BreakerState;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.event.EntryRetried;
import org.wal4j.event.WalEvent;
import org.wal4j.event.WalListener;

/**
 * What a repository learns from the {@code Wal}'s events: whether a target's circuit breaker is
 * open (a call that returns a value then does not wait for a database that is down), and why a
 * waited-for call was retried or dead-lettered on its result target (for the exception its
 * caller gets). Runs on the workers' threads: constant time, no blocking.
 *
 * <p>Thread-safe.
 */
final class RepositoryListener implements WalListener {
    private final PendingCalls calls;
    private final Map<String, BreakerState> breakers = new ConcurrentHashMap<>();

    RepositoryListener(PendingCalls calls) {
        this.calls = calls;
    }

    @Override
    public void onEvent(WalEvent event) {
        if (event instanceof BreakerStateChanged) {
            BreakerStateChanged changed = (BreakerStateChanged) event;
            breakers.put(changed.target(), changed.to());
        } else if (event instanceof EntryRetried) {
            EntryRetried retried = (EntryRetried) event;
            record(retried.entry().id(), retried.target(), retried.reason());
        } else if (event instanceof EntryDeadLettered) {
            EntryDeadLettered dead = (EntryDeadLettered) event;
            record(dead.entry().id(), dead.target(), dead.reason());
        }
    }

    /** True while {@code target}'s breaker is open: it receives no calls, its entries wait. */
    boolean breakerOpen(String target) {
        return breakers.getOrDefault(target, BreakerState.CLOSED) == BreakerState.OPEN;
    }

    private void record(String entryId, String target, String reason) {
        PendingCalls.PendingCall call = calls.find(entryId);
        if (call != null && call.target().equals(target)) {
            call.failedOnTarget(reason);
        }
    }
}
