package org.wal4j;

import org.wal4j.spi.WalStorage;

/**
 * When an append is acknowledged relative to the disk. See {@code docs/guarantees.md}.
 */
public enum SyncPolicy {
    /**
     * Acknowledge only after the bytes are written and forced to stable storage
     * ({@code fdatasync}). An acknowledged entry survives a process crash and a power loss.
     * Concurrent appends share one force (group commit).
     */
    ALWAYS,
    /**
     * Acknowledge after the bytes are handed to the operating system; force on a timer.
     * An acknowledged entry survives a process crash; a power loss may lose the entries
     * acknowledged since the last timed force. {@link WalStorage#whenDurable(long)} tells when
     * a given entry is forced.
     */
    INTERVAL,
    /**
     * Acknowledge after the bytes are handed to the operating system; never force except on
     * {@link WalStorage#sync()}, rotation and close. For tests and data that can be rebuilt.
     */
    NONE
}
