package org.wal4j.spi;

/**
 * A clock that moves in discrete steps (a test clock) and says so. The sync engine waits for
 * points in time (a retry's backoff, a breaker's open period, a write timeout); with a real
 * clock it simply waits, but a clock that only moves when a test advances it must wake those
 * waits when it moves. A {@link java.time.Clock} that implements this interface is told every
 * wait-holder's wake-up action through {@link #onAdvance(Runnable)}.
 *
 * <p>Implementations are thread-safe and run the listeners after the time has moved.
 */
public interface SteppedClock {
    /** Runs {@code listener} after every step of this clock, on the thread that moved it. */
    void onAdvance(Runnable listener);
}
