package org.wal4j;

/**
 * Where a {@link Wal} is in its life.
 *
 * <p>Immutable and thread-safe, as every enum.
 */
public enum WalState {
    /** Built, not started: writes are refused until {@link Wal#start()}. */
    NEW,
    /** Accepting writes and draining them to the targets. */
    RUNNING,
    /** {@link Wal#stop} was called: writes are refused, the workers drain what they can. */
    STOPPING,
    /** Stopped; the storage is closed. Terminal. */
    STOPPED,
    /**
     * The storage failed (a write or force): writes are refused with
     * {@link WalUnavailableException}, draining has stopped, reads still work. Only a new
     * {@code Wal} on a reopened storage accepts writes again.
     */
    FAILED
}
