package org.wal4j.storage.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The futures of a log's writes still in flight that {@code sync()} waits for: each is kept from
 * {@link #track} until it completes.
 *
 * <p>Thread-safe.
 */
final class InFlight {
    private final Map<Long, CompletableFuture<?>> futures = new ConcurrentHashMap<>();
    private final AtomicLong tracked = new AtomicLong();

    /** Keeps {@code future} until it completes (at once if it has); returns it. */
    <T> CompletableFuture<T> track(CompletableFuture<T> future) {
        long number = tracked.incrementAndGet();
        futures.put(number, future);
        Future<?> unusedCleanup = future.whenComplete((value, failure) -> futures.remove(number));
        return future;
    }

    /** The futures not completed yet (some may complete meanwhile). */
    List<CompletableFuture<?>> pending() {
        return new ArrayList<>(futures.values());
    }
}
