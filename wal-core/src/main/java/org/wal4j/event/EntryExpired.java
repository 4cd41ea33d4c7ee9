package org.wal4j.event;

import java.time.Instant;
import org.wal4j.WalEntry;

/**
 * An entry's time to live passed before a target applied it; it will not be attempted again.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at        when the engine marked it EXPIRED
 * @param target    the target
 * @param entry     the entry
 * @param expiredAt when its time to live ended
 * @param attempts  attempts made before
 */
public record EntryExpired(Instant at, String target, WalEntry entry, Instant expiredAt, int attempts)
        implements WalEvent {
}
