package org.wal4j.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.wal4j.Ticker;
import org.wal4j.spi.SteppedClock;

/**
 * The engine's only source of time and its only way of waiting for a point in time. It reads two
 * clocks:
 * <ul>
 *   <li>{@link #now()}: the <em>engine timeline</em>, monotonic: the wall clock's reading when
 *       this Timekeeper was made plus the {@link Ticker}'s elapsed nanoseconds since. Every
 *       decision (when an entry is due, when it expires, when a breaker may half-open, when a
 *       write or an {@code awaitApplied} gives up) and every wait run on it, so stepping the wall
 *       clock (NTP, an operator) neither stretches nor cuts a wait. It is an {@link Instant} only
 *       for convenience: after a wall-clock step it differs from the wall clock, so it must never
 *       be stored or shown to people.</li>
 *   <li>{@link #wallNow()}: the injected {@link Clock}, for what people read and what must outlive
 *       the process: {@code createdAt}, status records, events, audit records, retention cut-offs.
 *       Convert an engine instant for display with {@link #toWall}.</li>
 * </ul>
 *
 * <p>Every wait goes through {@link #awaitUntil}, which a clock step wakes when the clock is a
 * {@link SteppedClock}.
 *
 * <p>Hazard: a test clock does not pass in real time. So a wait is never trusted to end at its
 * deadline: it waits at most {@link #MAX_SLICE_NANOS} of real time and the caller re-reads the
 * time and decides again. Waiters therefore loop; a lost wake-up costs at most one slice, never a
 * hang.
 *
 * <p>Thread-safe.
 */
final class Timekeeper {
    /** Longest real-time wait before a waiter re-reads the clock. */
    static final long MAX_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Clock clock;
    private final Ticker ticker;
    private final Instant originWall;
    private final long originTicks;
    private final List<Runnable> wakers = new CopyOnWriteArrayList<>();
    private final List<BooleanSupplier> idleQueries = new CopyOnWriteArrayList<>();

    Timekeeper(Clock clock, Ticker ticker) {
        this.clock = clock;
        this.ticker = ticker;
        this.originWall = clock.instant();
        this.originTicks = ticker.read();
        if (clock instanceof SteppedClock) {
            ((SteppedClock) clock).onAdvance(this::clockMoved);
            ((SteppedClock) clock).onIdleQuery(this::waitersIdle);
        }
        if (ticker != clock && ticker instanceof SteppedClock) {
            ((SteppedClock) ticker).onAdvance(this::clockMoved);
        }
    }

    /** The engine timeline (monotonic); see the class comment. */
    Instant now() {
        return originWall.plusNanos(ticker.read() - originTicks);
    }

    /** The wall clock: for stamps people read, never for deadlines. */
    Instant wallNow() {
        return clock.instant();
    }

    /** The wall-clock time that corresponds to {@code engineInstant} at the current wall-clock setting. */
    Instant toWall(Instant engineInstant) {
        Instant now = now();
        return wallNow().plus(Duration.between(now, engineInstant));
    }

    /** A {@link Clock} that reads the engine timeline, for libraries that time things (resilience4j). */
    Clock monotonicClock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("the engine timeline is always UTC");
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    /** Registers an action that wakes one waiter when a stepped clock moves. */
    void onClockMoved(Runnable waker) {
        wakers.add(waker);
    }

    void removeWaker(Runnable waker) {
        wakers.remove(waker);
    }

    /**
     * Registers how a waiter (a target worker) tells whether it is idle, for a stepped clock's
     * {@link SteppedClock#onIdleQuery}; removed with {@link #removeIdleQuery}.
     */
    void onIdleQuery(BooleanSupplier idle) {
        idleQueries.add(idle);
    }

    void removeIdleQuery(BooleanSupplier idle) {
        idleQueries.remove(idle);
    }

    private boolean waitersIdle() {
        for (BooleanSupplier idle : idleQueries) {
            if (!idle.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    private void clockMoved() {
        for (Runnable waker : wakers) {
            waker.run();
        }
    }

    /**
     * Waits on {@code condition} (whose lock the caller holds) until it is signalled, the engine
     * timeline reaches {@code deadline}, or one slice of real time passes, whichever is first. The
     * caller re-checks its own state and the time afterwards.
     *
     * @param deadline on the engine timeline; null to wait for a signal only (still at most one slice)
     * @return false if the deadline has already passed, true otherwise
     */
    @SuppressWarnings("WaitNotInLoop") // one slice by design: every caller loops, re-checking its state
    boolean awaitUntil(Condition condition, @Nullable Instant deadline) throws InterruptedException {
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
    static @Nullable Instant earliest(@Nullable Instant a, @Nullable Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
