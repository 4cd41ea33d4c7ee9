package org.wal4j.event;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalEntry;

/**
 * A target rejected an entry: it answered with a business verdict (an exception its DAO method
 * declares, such as insufficient funds), applied nothing of it, and the entry is final
 * ({@link org.wal4j.EntryStatus#REJECTED REJECTED}); its lane moves on. A normal outcome, not a
 * fault: the entry is not a dead letter and is not retried.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at               when
 * @param target           the target
 * @param entry            the entry
 * @param attempts         attempts made, this one included
 * @param reason           the target's reason, as kept in the entry's status record
 * @param exceptionType    the class name of the exception behind the verdict, or null if the
 *                         target gave none
 * @param exceptionMessage that exception's message, or null if it had none
 */
public record EntryRejected(Instant at, String target, WalEntry entry, int attempts, String reason,
                            @Nullable String exceptionType, @Nullable String exceptionMessage) implements WalEvent {
}
