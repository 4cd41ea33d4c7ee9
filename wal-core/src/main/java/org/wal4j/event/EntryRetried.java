package org.wal4j.event;

import java.time.Instant;
import org.wal4j.WalEntry;

/**
 * An attempt to apply an entry failed with a retryable error; another attempt is scheduled.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at            when the attempt failed
 * @param target        the target
 * @param entry         the entry
 * @param attempts      attempts made so far
 * @param nextAttemptAt earliest time of the next attempt
 * @param reason        the failure
 */
public record EntryRetried(Instant at, String target, WalEntry entry, int attempts, Instant nextAttemptAt,
                           String reason) implements WalEvent {
}
