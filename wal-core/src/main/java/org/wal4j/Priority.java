package org.wal4j;

/**
 * Scheduling priority of an entry. Lanes whose head entry has a higher priority are served
 * first; within a lane, order is always the write order regardless of priority.
 */
public enum Priority {
    /** Served before every NORMAL and LOW lane. */
    HIGH,
    /** The default. */
    NORMAL,
    /** Served only when no HIGH or NORMAL lane is ready. */
    LOW
}
