package org.wal4j.spi;

import java.util.function.BooleanSupplier;

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

    /**
     * Tells the clock how to ask whether the engine's target workers are idle: each is waiting
     * for the clock to move or for a signal, with no command, new entry or signal pending, so it
     * will do nothing more until the time changes or someone calls it. A test clock uses this to
     * let a test wait for the engine to finish what is due before the test moves the time (a call
     * into a target runs on a thread of its own, so a round of commands through a worker does not
     * show that its batch is over). The answer is true only while it holds at the moment of
     * asking. Default: not asked.
     */
    default void onIdleQuery(BooleanSupplier idle) {
    }
}
