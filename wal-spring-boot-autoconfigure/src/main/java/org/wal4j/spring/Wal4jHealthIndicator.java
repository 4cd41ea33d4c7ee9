package org.wal4j.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.wal4j.BreakerState;
import org.wal4j.TargetStats;
import org.wal4j.Wal;
import org.wal4j.WalState;
import org.wal4j.WalStats;

/**
 * The Actuator health indicator {@code wal4j} (docs/spring.md, Actuator), computed from
 * {@link Wal#stats()} only: in-memory counters of the engine and of the file log's index, never a
 * read of the disk or a call to a database (a target's {@code probe()} would be one, so "down" is
 * read from the target's circuit breaker, which opens when its probe fails).
 *
 * <ul>
 *   <li>{@link Status#DOWN} when the Wal {@link WalState#FAILED} (its storage failed: writes are
 *       refused), with the reason;</li>
 *   <li>{@link Status#OUT_OF_SERVICE} when it is not running (not started yet, stopping, stopped);</li>
 *   <li>the degraded status ({@code wal4j.health.degraded-status}) when a target's breaker is
 *       {@link BreakerState#OPEN OPEN} (its database is down: entries wait in the log) or
 *       {@link BreakerState#HALF_OPEN HALF_OPEN} (trial calls), and when the figures did not come
 *       within {@code wal4j.health.timeout};</li>
 *   <li>{@link Status#UP} otherwise.</li>
 * </ul>
 * Details, always: the state, the log's last seq, unfinished entries, dead letters, and per target
 * its lag in seconds, unfinished entries, breaker state and dead letters.
 *
 * <p>Bounded: the figures are read on a thread of the indicator's own and awaited at most the
 * timeout, so a stuck call cannot hold the Actuator's thread. While a read is stuck, later checks
 * wait on that same read instead of starting another: at most one thread is ever held.
 *
 * <p>Thread-safe.
 */
final class Wal4jHealthIndicator implements HealthIndicator, DisposableBean {
    private final Supplier<WalStats> stats;
    private final LastStorageFailure failure;
    private final Duration timeout;
    private final Status degraded;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wal4j-health");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    // a read still running (stuck) is reused by the next checks rather than queued behind
    private @Nullable CompletableFuture<WalStats> inFlight;

    /**
     * @param stats          the figures: {@code wal::stats}
     * @param failure        why the Wal failed, if it did
     * @param timeout        the longest a check waits for {@code stats}
     * @param degradedStatus the status code while a target is down or recovering
     */
    Wal4jHealthIndicator(Supplier<WalStats> stats, LastStorageFailure failure, Duration timeout, String degradedStatus) {
        this.stats = stats;
        this.failure = failure;
        this.timeout = timeout;
        this.degraded = new Status(degradedStatus, "a target is down or recovering: its entries wait in the log");
    }

    @Override
    public Health health() {
        WalStats stats;
        try {
            stats = read().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Health.status(degraded).withDetail("timeout", "the Wal's figures did not come within " + timeout
                    + " (wal4j.health.timeout)").build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().withDetail("interrupted", "the health check was interrupted").build();
        } catch (ExecutionException e) {
            return Health.down().withException(e.getCause() == null ? e : e.getCause()).build();
        }
        return health(stats);
    }

    private CompletableFuture<WalStats> read() {
        synchronized (lock) {
            CompletableFuture<WalStats> running = inFlight;
            if (running != null && !running.isDone()) {
                return running;
            }
            CompletableFuture<WalStats> next = CompletableFuture.supplyAsync(stats, reader);
            inFlight = next;
            return next;
        }
    }

    /** The health the figures show; see the class comment. */
    Health health(WalStats stats) {
        Map<String, Object> targets = new LinkedHashMap<>();
        boolean targetTroubled = false;
        for (TargetStats t : stats.targets().values()) {
            targets.put(t.target(), Wal4jEndpoint.targetFigures(t, false));
            targetTroubled |= t.breakerState() != BreakerState.CLOSED;
        }
        Health.Builder health;
        WalState state = stats.state();
        if (state == WalState.FAILED) {
            String reason = failure.reason();
            health = Health.down().withDetail("reason", reason != null ? reason
                    : "the storage failed (writes are refused; the failure is in the application's log)");
        } else if (state != WalState.RUNNING) {
            health = Health.outOfService();
        } else if (targetTroubled) {
            health = Health.status(degraded);
        } else {
            health = Health.up();
        }
        return health.withDetail("state", state)
                .withDetail("lastSeq", stats.lastSeq())
                .withDetail("unfinishedEntries", stats.unfinishedEntries())
                .withDetail("deadLetters", stats.deadLetters())
                .withDetail("targets", targets)
                .build();
    }

    @Override
    public void destroy() {
        reader.shutdownNow();
    }
}
