package org.wal4j.event;

import java.time.Instant;
import org.wal4j.WalEntry;

/**
 * A target applied an entry (or reported it as already applied: an idempotent skip).
 *
 * <p>Immutable and thread-safe.
 *
 * @param at       when
 * @param target   the target
 * @param entry    the entry
 * @param attempts attempts it took, this one included
 */
public record EntryApplied(Instant at, String target, WalEntry entry, int attempts) implements WalEvent {
}
