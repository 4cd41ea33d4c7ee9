package org.wal4j;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An entry in the dead-letter queue for one target: it failed permanently or ran out of
 * attempts, and waits for an operator to requeue or discard it. An entry dead for two targets
 * is two dead letters.
 *
 * <p>Immutable and thread-safe.
 *
 * @param entry    the entry, payload included
 * @param target   the target that gave up on it
 * @param attempts attempts made for that target
 * @param deadAt   when it was dead-lettered; null if the storage does not know (its
 *                 {@link org.wal4j.spi.TrackedEntry#lastChangeAt()} is null)
 * @param reason   why (the target's reason for a permanent failure, or the last retryable one); null
 *                 if the storage kept none
 */
public record DeadLetter(WalEntry entry, String target, int attempts, @Nullable Instant deadAt,
                         @Nullable String reason) {
    public DeadLetter {
        Objects.requireNonNull(entry, "entry must not be null");
        Objects.requireNonNull(target, "target must not be null");
    }

    public long seq() {
        return entry.seq();
    }
}
