package org.wal4j;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.wal4j.spi.Names;

/**
 * Which dead letters a listing, requeue or discard concerns. Every criterion left unset matches
 * everything; set criteria must all match. Tenant isolation applies on top: a tenant-scoped user
 * only ever matches entries of its own tenant.
 *
 * <p>Immutable and thread-safe. {@link #all()} matches every dead letter.
 */
public final class DeadLetterFilter {
    private static final DeadLetterFilter ALL = builder().build();

    private final @Nullable String namespace;
    private final @Nullable String target;
    private final @Nullable String reasonContains;
    private final @Nullable Instant deadFrom;
    private final @Nullable Instant deadBefore;
    private final @Nullable String tenantId;

    private DeadLetterFilter(Builder b) {
        this.namespace = b.namespace;
        this.target = b.target;
        this.reasonContains = b.reasonContains;
        this.deadFrom = b.deadFrom;
        this.deadBefore = b.deadBefore;
        this.tenantId = b.tenantId;
    }

    public static DeadLetterFilter all() {
        return ALL;
    }

    public static Builder builder() {
        return new Builder();
    }

    public @Nullable String namespace() {
        return namespace;
    }

    public @Nullable String target() {
        return target;
    }

    public @Nullable String reasonContains() {
        return reasonContains;
    }

    public @Nullable Instant deadFrom() {
        return deadFrom;
    }

    public @Nullable Instant deadBefore() {
        return deadBefore;
    }

    public @Nullable String tenantId() {
        return tenantId;
    }

    /** True when {@code letter} meets every criterion set (tenant isolation is applied separately). */
    public boolean matches(DeadLetter letter) {
        WalEntry e = letter.entry();
        if (namespace != null && !namespace.equals(e.namespace())) {
            return false;
        }
        if (target != null && !target.equals(letter.target())) {
            return false;
        }
        if (reasonContains != null && (letter.reason() == null || !letter.reason().contains(reasonContains))) {
            return false;
        }
        if (deadFrom != null && (letter.deadAt() == null || letter.deadAt().isBefore(deadFrom))) {
            return false;
        }
        if (deadBefore != null && (letter.deadAt() == null || !letter.deadAt().isBefore(deadBefore))) {
            return false;
        }
        return tenantId == null || tenantId.equals(e.tenantId());
    }

    @Override
    public String toString() {
        return "DeadLetterFilter{namespace=" + namespace + ", target=" + target + ", reasonContains=" + reasonContains
                + ", deadFrom=" + deadFrom + ", deadBefore=" + deadBefore + ", tenantId=" + tenantId + '}';
    }

    /** Builds a {@link DeadLetterFilter}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String namespace;
        private @Nullable String target;
        private @Nullable String reasonContains;
        private @Nullable Instant deadFrom;
        private @Nullable Instant deadBefore;
        private @Nullable String tenantId;

        private Builder() {
        }

        public Builder namespace(@Nullable String namespace) {
            this.namespace = namespace == null ? null : Names.requireNamespace(namespace);
            return this;
        }

        public Builder target(@Nullable String target) {
            this.target = target == null ? null : Names.requireTarget(target);
            return this;
        }

        /** Matches dead letters whose reason contains {@code text} (case-sensitive). */
        public Builder reasonContains(String text) {
            this.reasonContains = text;
            return this;
        }

        /** Dead-lettered at or after {@code from}, and before {@code before}; either may be null. */
        public Builder deadBetween(@Nullable Instant from, @Nullable Instant before) {
            if (from != null && before != null && !from.isBefore(before)) {
                throw new IllegalArgumentException("deadBetween: from (" + from + ") must be before before ("
                        + before + ")");
            }
            this.deadFrom = from;
            this.deadBefore = before;
            return this;
        }

        public Builder tenantId(@Nullable String tenantId) {
            this.tenantId = Names.requireOptionalId("tenantId", tenantId);
            return this;
        }

        public DeadLetterFilter build() {
            return new DeadLetterFilter(this);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetterFilter)) {
            return false;
        }
        DeadLetterFilter f = (DeadLetterFilter) o;
        return Objects.equals(namespace, f.namespace) && Objects.equals(target, f.target)
                && Objects.equals(reasonContains, f.reasonContains) && Objects.equals(deadFrom, f.deadFrom)
                && Objects.equals(deadBefore, f.deadBefore) && Objects.equals(tenantId, f.tenantId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, target, reasonContains, deadFrom, deadBefore, tenantId);
    }
}
