package org.wal4j.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The engine's only source of time and its only way of waiting for a point in time. Every
 * decision (when an entry is due, when it expires, when a breaker may half-open, when a write
 * gives up) reads {@link #now()} from the injected {@link Clock}; every wait goes through
 * {@link #awaitUntil}, which a clock step wakes when the clock is a {@link SteppedClock}.
 *
 * <p>Hazard: a clock's time does not pass in real time (a test clock), or jumps (NTP). So a wait
 * is never trusted to end at its deadline: it waits at most {@link #MAX_SLICE_NANOS} of real time and
 * the caller re-reads the clock and decides again. Waiters therefore loop; a lost wake-up costs
 * at most one slice, never a hang.
 *
 * <p>Thread-safe.
 */
final class Timekeeper {
    /** Longest real-time wait before a waiter re-reads the clock. */
    static final long MAX_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Clock clock;
    private final List<Runnable> wakers = new CopyOnWriteArrayList<>();

    Timekeeper(Clock clock) {
        this.clock = clock;
        if (clock instanceof SteppedClock) {
            ((SteppedClock) clock).onAdvance(this::clockMoved);
        }
    }

    Clock clock() {
        return clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** Registers an action that wakes one waiter when a stepped clock moves. */
    void onClockMoved(Runnable waker) {
        wakers.add(waker);
    }

    void removeWaker(Runnable waker) {
        wakers.remove(waker);
    }

    private void clockMoved() {
        for (Runnable waker : wakers) {
            waker.run();
        }
    }

    /**
     * Waits on {@code condition} (whose lock the caller holds) until it is signalled, the clock
     * reaches {@code deadline}, or one slice of real time passes, whichever is first. The caller
     * re-checks its own state and the clock afterwards.
     *
     * @param deadline null to wait for a signal only (still at most one slice)
     * @return false if the deadline has already passed, true otherwise
     */
    boolean awaitUntil(Condition condition, Instant deadline) throws InterruptedException {
        long nanos = MAX_SLICE_NANOS;
        if (deadline != null) {
            Duration left = Duration.between(now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return false;
            }
            nanos = Math.min(nanos, saturatedNanos(left));
        }
        condition.awaitNanos(nanos);
        return true;
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** {@code a} or {@code b}, whichever is earlier; a null is "never". */
    static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
