package org.wal4j.event;

import java.time.Instant;

/**
 * The storage failed; the {@code Wal} stopped accepting writes and draining
 * ({@link org.wal4j.WalState#FAILED}). Only a new {@code Wal} on the reopened storage goes on.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at        when
 * @param operation what failed (append, status, checkpoint, compaction, read)
 * @param cause     the failure
 */
public record StorageFailed(Instant at, String operation, Throwable cause) implements WalEvent {
}
