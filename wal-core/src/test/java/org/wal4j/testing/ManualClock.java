package org.wal4j.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.wal4j.internal.SteppedClock;

/**
 * A clock that moves only when a test says so, so that tests advance time instead of sleeping.
 * Code that waits for a point in time registers a listener to be told when time moves: as a
 * {@link SteppedClock}, it wakes the {@code Wal}'s waits (retry backoffs, breaker open periods,
 * write timeouts, await timeouts) on every {@link #advance}.
 *
 * <p>Thread-safe.
 */
public final class ManualClock extends Clock implements SteppedClock {
    private volatile Instant now;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public ManualClock(Instant start) {
        this.now = start;
    }

    /** A clock at 2026-01-01T00:00:00Z. */
    public static ManualClock atEpochOfTests() {
        return new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Moves time forward and tells every listener. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward; duration was " + duration);
        }
        synchronized (this) {
            now = now.plus(duration);
        }
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} after every {@link #advance}. */
    @Override
    public void onAdvance(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
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
