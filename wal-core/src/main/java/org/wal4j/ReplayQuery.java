package org.wal4j;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.wal4j.spi.Names;

/**
 * Which entries a {@link WalAdmin#replay replay} returns or {@link WalAdmin#reapply re-applies}. Every
 * criterion left unset matches everything; set criteria must all match:
 * <ul>
 *   <li>{@code namespace}, {@code operation}, {@code correlationId}, {@code tenantId}: equal;</li>
 *   <li>{@code createdFrom} (inclusive) and {@code createdBefore} (exclusive): the entry's
 *       creation time;</li>
 *   <li>{@code target}: the entry names the target;</li>
 *   <li>{@code statuses}: the entry's status for {@code target} is one of them, or, with no
 *       target set, its status for at least one target it names is.</li>
 * </ul>
 * Tenant isolation applies on top: a tenant-scoped user only ever sees its own tenant's entries.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReplayQuery {
    private final @Nullable String namespace;
    private final @Nullable Instant createdFrom;
    private final @Nullable Instant createdBefore;
    private final @Nullable Set<EntryStatus> statuses;
    private final @Nullable String operation;
    private final @Nullable String target;
    private final @Nullable String correlationId;
    private final @Nullable String tenantId;

    private ReplayQuery(Builder b) {
        this.namespace = b.namespace;
        this.createdFrom = b.createdFrom;
        this.createdBefore = b.createdBefore;
        this.statuses = b.statuses == null ? null : Set.copyOf(b.statuses);
        this.operation = b.operation;
        this.target = b.target;
        this.correlationId = b.correlationId;
        this.tenantId = b.tenantId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Matches every entry. */
    public static ReplayQuery all() {
        return builder().build();
    }

    public @Nullable String namespace() {
        return namespace;
    }

    public @Nullable Instant createdFrom() {
        return createdFrom;
    }

    public @Nullable Instant createdBefore() {
        return createdBefore;
    }

    /** The statuses asked for, or null for any. */
    public @Nullable Set<EntryStatus> statuses() {
        return statuses;
    }

    public @Nullable String operation() {
        return operation;
    }

    public @Nullable String target() {
        return target;
    }

    public @Nullable String correlationId() {
        return correlationId;
    }

    public @Nullable String tenantId() {
        return tenantId;
    }

    /** True when the entry's own fields match (everything except status and tenant isolation). */
    public boolean matchesEntry(WalEntry e) {
        return (namespace == null || namespace.equals(e.namespace()))
                && (createdFrom == null || !e.createdAt().isBefore(createdFrom))
                && (createdBefore == null || e.createdAt().isBefore(createdBefore))
                && (operation == null || operation.equals(e.operation()))
                && (target == null || e.targets().contains(target))
                && (correlationId == null || correlationId.equals(e.correlationId()))
                && (tenantId == null || tenantId.equals(e.tenantId()));
    }

    /** True when the statuses (per target the entry names) match. */
    public boolean matchesStatus(Map<String, EntryStatus> statusByTarget) {
        if (statuses == null) {
            return true;
        }
        if (target != null) {
            EntryStatus s = statusByTarget.get(target);
            return s != null && statuses.contains(s);
        }
        return statusByTarget.values().stream().anyMatch(statuses::contains);
    }

    @Override
    public String toString() {
        return "ReplayQuery{namespace=" + namespace + ", createdFrom=" + createdFrom + ", createdBefore="
                + createdBefore + ", statuses=" + statuses + ", operation=" + operation + ", target=" + target
                + ", correlationId=" + correlationId + ", tenantId=" + tenantId + '}';
    }

    /** Builds a {@link ReplayQuery}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private @Nullable String namespace;
        private @Nullable Instant createdFrom;
        private @Nullable Instant createdBefore;
        private @Nullable Set<EntryStatus> statuses;
        private @Nullable String operation;
        private @Nullable String target;
        private @Nullable String correlationId;
        private @Nullable String tenantId;

        private Builder() {
        }

        public Builder namespace(@Nullable String namespace) {
            this.namespace = namespace == null ? null : Names.requireNamespace(namespace);
            return this;
        }

        /** Created at or after {@code from}, and before {@code before}; either may be null. */
        public Builder createdBetween(@Nullable Instant from, @Nullable Instant before) {
            if (from != null && before != null && !from.isBefore(before)) {
                throw new IllegalArgumentException("createdBetween: from (" + from + ") must be before before ("
                        + before + ")");
            }
            this.createdFrom = from;
            this.createdBefore = before;
            return this;
        }

        public Builder statuses(Set<EntryStatus> statuses) {
            Objects.requireNonNull(statuses, "statuses must not be null");
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("statuses must not be empty (leave unset to match any)");
            }
            this.statuses = EnumSet.copyOf(statuses);
            return this;
        }

        public Builder statuses(EntryStatus first, EntryStatus... more) {
            return statuses(EnumSet.of(first, more));
        }

        public Builder operation(@Nullable String operation) {
            this.operation = operation == null ? null : Names.requireOperation(operation);
            return this;
        }

        public Builder target(@Nullable String target) {
            this.target = target == null ? null : Names.requireTarget(target);
            return this;
        }

        public Builder correlationId(@Nullable String correlationId) {
            this.correlationId = Names.requireOptionalId("correlationId", correlationId);
            return this;
        }

        public Builder tenantId(@Nullable String tenantId) {
            this.tenantId = Names.requireOptionalId("tenantId", tenantId);
            return this;
        }

        public ReplayQuery build() {
            return new ReplayQuery(this);
        }
    }
}
