package org.wal4j.spi;

/** Whether a storage accepts writes. Immutable and thread-safe. */
public enum StorageState {
    /** Accepting writes. */
    OPEN,
    /** A write or force failed; every write is refused until the log is reopened. */
    POISONED,
    /** Closed by its owner. */
    CLOSED
}
