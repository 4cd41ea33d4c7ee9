package org.wal4j.spi;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;

/**
 * An entry with its state for one target, as the storage's index knows it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param entry         the entry, payload included
 * @param target        the target this state is for
 * @param status        the entry's status for {@code target}
 * @param attempts      attempts made for {@code target} so far
 * @param lastChangeAt  when the status last changed, or null if it never did (still the first PENDING)
 * @param reason        the last failure's reason, or null
 */
public record TrackedEntry(WalEntry entry, String target, EntryStatus status, int attempts,
                           @Nullable Instant lastChangeAt, @Nullable String reason) {
}
