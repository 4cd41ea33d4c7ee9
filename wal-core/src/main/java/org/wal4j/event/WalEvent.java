package org.wal4j.event;

import java.time.Instant;

/**
 * Something the sync engine did or saw. Events are immutable and thread-safe; {@link #at()} is
 * the {@code Wal}'s clock time.
 */
public sealed interface WalEvent
        permits EntryApplied, EntryRetried, EntryRejected, EntryDeadLettered, EntryExpired, BreakerStateChanged, StorageFailed {
    Instant at();
}
