package org.wal4j.event;

import java.time.Instant;
import org.wal4j.WalEntry;

/**
 * An entry went to the dead-letter queue for a target (a permanent failure, or its attempts ran
 * out); its lane moves on.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at       when
 * @param target   the target
 * @param entry    the entry
 * @param attempts attempts made
 * @param reason   why
 */
public record EntryDeadLettered(Instant at, String target, WalEntry entry, int attempts, String reason)
        implements WalEvent {
}
