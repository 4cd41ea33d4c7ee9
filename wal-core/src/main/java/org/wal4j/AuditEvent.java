package org.wal4j;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One audited call: who did what, to which entries, when, and whether it was allowed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at        when, by the {@link Wal}'s clock
 * @param action    what was asked
 * @param userId    who asked ({@code system} for calls without a user context)
 * @param tenantId  the tenant the user acts for, or null
 * @param allowed   false when the access policy or tenant isolation refused the call
 * @param namespace the entry's namespace, or the query's (null when the call spans namespaces)
 * @param operation the entry's operation, or null
 * @param seq       the entry's sequence number, 0 when the call is not about one entry
 * @param target    the target concerned, or null
 * @param count     how many entries the call wrote, requeued, discarded or re-applied; -1 for a
 *                  listing (replay, dead letters), which is audited when it starts and streamed lazily
 * @param detail    a short human-readable description (the query, the reason for a denial), or null
 *                  when the call needs none (a write, a requeue or discard of one entry)
 */
public record AuditEvent(Instant at, WalAction action, String userId, @Nullable String tenantId, boolean allowed,
                         @Nullable String namespace, @Nullable String operation, long seq, @Nullable String target,
                         long count, @Nullable String detail) {
    public AuditEvent {
        Objects.requireNonNull(at, "at must not be null");
        Objects.requireNonNull(action, "action must not be null");
        Objects.requireNonNull(userId, "userId must not be null");
    }
}
