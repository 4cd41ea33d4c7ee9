package org.wal4j.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.wal4j.Ticker;
import org.wal4j.spi.SteppedClock;

/**
 * A wall clock and a monotonic {@link Ticker} that move only when a test says so, so that tests
 * advance time instead of sleeping. {@link #advance} lets time pass: both move together.
 * {@link #stepWall} only sets the wall clock (NTP stepping it, an operator changing the date): the
 * ticker does not move, as {@link System#nanoTime()} does not. A {@code Wal} built with this clock
 * and no ticker of its own uses it as its ticker too.
 *
 * <p>As a {@link SteppedClock}, it wakes the {@code Wal}'s waits (retry backoffs, breaker open
 * periods, write timeouts, await timeouts) on every move, and {@link #awaitIdle} waits until the
 * engines' target workers have done what is due.
 *
 * <p>Thread-safe.
 */
public final class ManualClock extends Clock implements SteppedClock, Ticker {
    private volatile Instant now;
    private volatile long ticks;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<BooleanSupplier> idleQueries = new CopyOnWriteArrayList<>();

    public ManualClock(Instant start) {
        this.now = start;
    }

    /** A clock at 2026-01-01T00:00:00Z. */
    public static ManualClock atEpochOfTests() {
        return new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Lets {@code duration} pass: the wall clock and the ticker move forward, and every listener is told. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward; duration was " + duration);
        }
        synchronized (this) {
            now = now.plus(duration);
            ticks += duration.toNanos();
        }
        listeners.forEach(Runnable::run);
    }

    /**
     * Steps the wall clock by {@code step} (back if negative) without any time passing: the ticker
     * stays where it is. Every listener is told.
     */
    public void stepWall(Duration step) {
        synchronized (this) {
            now = now.plus(step);
        }
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} after every {@link #advance} and {@link #stepWall}. */
    @Override
    public void onAdvance(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void onIdleQuery(BooleanSupplier idle) {
        idleQueries.add(idle);
    }

    /**
     * Waits (real time, at most {@code limit}) until every engine on this clock is idle: its target
     * workers have done all that is due at the current time and wait for the clock to move or for
     * a call. Call it before moving the clock, so that the move does not race a round still under
     * way, and before asserting on what the engine did up to now.
     *
     * @throws AssertionError if the engines are not idle within {@code limit}
     */
    public void awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!idleQueries.stream().allMatch(BooleanSupplier::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the engines on this clock were not idle within " + limit);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    /** Monotonic nanoseconds: moved by {@link #advance}, never by {@link #stepWall}. */
    @Override
    public long read() {
        return ticks;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("ManualClock is always UTC");
    }
}
