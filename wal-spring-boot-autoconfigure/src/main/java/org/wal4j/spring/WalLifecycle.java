package org.wal4j.spring;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.wal4j.TargetStats;
import org.wal4j.Wal;
import org.wal4j.WalState;

/**
 * Starts the auto-configured {@link Wal} once every singleton is built (so every
 * {@link WalRepository} is wrapped and its appliers registered before entries of an earlier run
 * are delivered), and on shutdown drains it: waits up to {@code wal4j.drain-timeout} for
 * {@link Wal#awaitAllApplied}, logs what remained unapplied per target, then stops it with
 * {@code WalConfig.stopTimeout()}. What remains stays durable in the log for the next start.
 *
 * <p>Its {@link #PHASE} is below the web server's (Spring Boot starts the web server at
 * {@code Integer.MAX_VALUE - 2048}), so the Wal runs before requests arrive and is stopped only
 * after the web server stopped taking them; the DataSource beans close after every lifecycle
 * stopped, so the drain still has its database.
 *
 * <p>Thread-safe: Spring calls start and stop from one thread at a time; {@link #isRunning()} may
 * be read from any.
 */
public final class WalLifecycle implements SmartLifecycle {
    /** The phase: {@code Integer.MAX_VALUE - 4096}, below Spring Boot's web server (MAX_VALUE - 2048). */
    public static final int PHASE = Integer.MAX_VALUE - 4096;

    private static final Logger LOG = LoggerFactory.getLogger(WalLifecycle.class);

    private final Wal wal;
    private final Duration drainTimeout;
    private volatile boolean running;

    WalLifecycle(Wal wal, Duration drainTimeout) {
        this.wal = wal;
        this.drainTimeout = drainTimeout;
    }

    @Override
    public void start() {
        wal.start();
        running = true;
        LOG.info("wal4j started: targets {}, {} unfinished entries from earlier runs", wal.targets(),
                wal.stats().unfinishedEntries());
    }

    /**
     * Drains, then stops: see the class comment. Returns when the Wal is stopped, at most
     * {@code drainTimeout} plus the Wal's stop timeout later.
     */
    @Override
    public void stop() {
        running = false;
        if (wal.state() == WalState.RUNNING) {
            drain();
        }
        Duration stopTimeout = wal.config().stopTimeout();
        if (!wal.stop(stopTimeout)) {
            LOG.warn("wal4j: the Wal's workers did not stop within {}", stopTimeout);
        }
        LOG.info("wal4j stopped");
    }

    /** True if every entry written before it was settled within the drain timeout. */
    boolean drain() {
        try {
            wal.awaitAllApplied(drainTimeout).get(drainTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            LOG.info("wal4j drained: every entry written is settled for every target");
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            logRemaining("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            logRemaining("not within " + drainTimeout + " (wal4j.drain-timeout)");
        }
        return false;
    }

    private void logRemaining(String why) {
        StringBuilder remaining = new StringBuilder();
        for (Map.Entry<String, TargetStats> e : wal.stats().targets().entrySet()) {
            TargetStats t = e.getValue();
            remaining.append(remaining.length() == 0 ? "" : ", ").append(e.getKey()).append(": ")
                    .append(t.unfinishedEntries()).append(" unfinished (breaker ").append(t.breakerState())
                    .append("), ").append(t.deadLetters()).append(" dead letters");
        }
        LOG.warn("wal4j did not drain, {}: {}; the unfinished entries stay in the log and are applied after the next "
                + "start", why, remaining);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
