package org.wal4j;

/**
 * A monotonic time source, in nanoseconds from an arbitrary origin: the time every delay,
 * backoff, breaker open period, time-to-live countdown and timeout of a {@link Wal} runs on. Like
 * {@link System#nanoTime()} (the default, {@link #system()}) it never jumps when the wall clock is
 * stepped (NTP, an operator, a virtual machine resumed); the wall clock (the {@link java.time.Clock}
 * given to {@link Wal.Builder#clock}) only stamps what people read: an entry's {@code createdAt},
 * status, event and audit timestamps.
 *
 * <p>A test may pass its own ticker to move monotonic time without sleeping. Only differences
 * between two readings of one ticker mean anything; a reading does not survive a restart.
 *
 * <p>Implementations must be thread-safe and never go backwards.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds elapsed since an arbitrary, fixed origin. */
    long read();

    /** {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
