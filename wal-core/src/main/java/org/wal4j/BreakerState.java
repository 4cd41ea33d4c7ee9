package org.wal4j;

/**
 * The state of a target's circuit breaker, as {@link Wal#stats()} and the
 * {@code BreakerStateChanged} event report it.
 *
 * <p>Immutable and thread-safe, as every enum.
 */
public enum BreakerState {
    /** Calls go through; failures are counted. */
    CLOSED,
    /** Too many recent calls failed: the target's draining is paused until the open period ends. */
    OPEN,
    /** The open period ended: a few trial calls decide between CLOSED and OPEN. */
    HALF_OPEN
}
