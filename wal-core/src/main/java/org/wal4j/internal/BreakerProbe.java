package org.wal4j.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.spi.TargetHealth;

/**
 * Shortens an open breaker's pause when its target is back: every {@code breakerProbeInterval}
 * of engine (monotonic) time while the breaker is OPEN, it asks the target's
 * {@link org.wal4j.spi.SyncTarget#probe() probe}, and half-opens the breaker as soon as the probe answers UP,
 * so the next batch is the trial call. Without it a backlog waits out the whole
 * {@code breakerOpenDuration} (30 s by default) after the database returned.
 *
 * <p>The first probe comes one interval after the breaker opened (the target has just failed);
 * a target still down, an UNKNOWN answer (a target without a probe) or a probe that throws leaves
 * the breaker open until the next interval, or until the open duration ends as before. So a dead
 * target sees at most one probe per interval and no apply calls.
 *
 * <p>The probe goes through the target's {@link BoundedTarget} watchdog, so a hung probe answers
 * DOWN at {@code targetCallTimeout} instead of holding the worker.
 *
 * <p>Not thread-safe: confined to the target's worker thread (the breaker's transition events,
 * which call {@link #opened}, fire on it).
 */
final class BreakerProbe {
    private static final Logger LOG = LoggerFactory.getLogger(BreakerProbe.class);

    private final String name;
    private final BoundedTarget target;
    private final CircuitBreaker breaker;
    private final Duration interval;
    /** Engine time of the next probe while open; null when not open or probing is off. */
    private @Nullable Instant nextProbeAt;

    BreakerProbe(String name, BoundedTarget target, CircuitBreaker breaker, Duration interval) {
        this.name = name;
        this.target = target;
        this.breaker = breaker;
        this.interval = interval;
    }

    /** The breaker has just opened at engine time {@code now}. */
    void opened(Instant now) {
        nextProbeAt = interval.isZero() ? null : now.plus(interval);
    }

    /** When the worker should wake up to probe, or null. */
    @Nullable Instant nextProbeAt() {
        return breaker.getState() == CircuitBreaker.State.OPEN ? nextProbeAt : null;
    }

    /**
     * Probes the target if the breaker is open and a probe is due, half-opening the breaker if the
     * target answers UP.
     *
     * @return true if the breaker was half-opened
     */
    boolean halfOpenIfBack(Instant now) {
        if (nextProbeAt == null || now.isBefore(nextProbeAt) || breaker.getState() != CircuitBreaker.State.OPEN) {
            return false;
        }
        nextProbeAt = now.plus(interval);
        TargetHealth health;
        try {
            health = target.probe();
        } catch (RuntimeException e) {
            LOG.debug("The probe of target '{}' failed while its breaker is open", name, e);
            return false;
        }
        if (health == null || health.state() != TargetHealth.State.UP) {
            return false;
        }
        LOG.info("Target '{}' answers its probe again; its breaker half-opens before its open period ends", name);
        nextProbeAt = null;
        breaker.transitionToHalfOpenState();
        return true;
    }
}
