package org.wal4j;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.wal4j.spi.Names;

/**
 * Who is calling: a user, the tenant the user acts for, and the user's permissions. Passed to
 * {@link Wal} calls that write, replay or touch the dead-letter queue; the {@link AccessPolicy}
 * decides with it, the {@link AuditSink} records it, and a tenant-scoped user only ever sees the
 * entries of its own tenant.
 *
 * <p>{@link #system()} is the application itself (calls without a user context): it belongs to
 * no tenant, so it sees every tenant's entries.
 *
 * <p>Immutable and thread-safe.
 */
public final class UserContext {
    private static final UserContext SYSTEM = new UserContext("system", null, Set.of(), true);

    private final String userId;
    private final @Nullable String tenantId;
    private final Set<String> permissions;
    private final boolean system;

    private UserContext(String userId, @Nullable String tenantId, Set<String> permissions, boolean system) {
        this.userId = userId;
        this.tenantId = tenantId;
        this.permissions = permissions;
        this.system = system;
    }

    /**
     * A user.
     *
     * @param userId      who; 1 to {@value Names#MAX_ID_LENGTH} characters
     * @param tenantId    the tenant the user acts for, or null for a user who belongs to no tenant
     *                    (an operator who sees every tenant)
     * @param permissions what the user may do, as the {@link AccessPolicy} understands it
     */
    public static UserContext of(String userId, @Nullable String tenantId, Set<String> permissions) {
        Objects.requireNonNull(userId, "userId must not be null");
        Objects.requireNonNull(permissions, "permissions must not be null");
        return new UserContext(Names.requireId("userId", userId), Names.requireOptionalId("tenantId", tenantId),
                Set.copyOf(permissions), false);
    }

    /** {@link #of(String, String, Set)} with permissions given inline. */
    public static UserContext of(String userId, @Nullable String tenantId, String... permissions) {
        return of(userId, tenantId, Set.of(permissions));
    }

    /** The application itself, used by the overloads without a user context. */
    public static UserContext system() {
        return SYSTEM;
    }

    public String userId() {
        return userId;
    }

    /** The tenant, or null when the user sees every tenant. */
    public @Nullable String tenantId() {
        return tenantId;
    }

    public Set<String> permissions() {
        return permissions;
    }

    /** True for {@link #system()}. */
    public boolean isSystem() {
        return system;
    }

    /** True when this user may see entries of {@code entryTenant} (null: entries of no tenant). */
    public boolean canSeeTenant(@Nullable String entryTenant) {
        return tenantId == null || tenantId.equals(entryTenant);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof UserContext)) {
            return false;
        }
        UserContext that = (UserContext) o;
        return system == that.system && userId.equals(that.userId) && Objects.equals(tenantId, that.tenantId)
                && permissions.equals(that.permissions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, tenantId, permissions, system);
    }

    @Override
    public String toString() {
        return "UserContext{userId=" + userId + ", tenantId=" + tenantId + ", permissions=" + permissions
                + (system ? ", system" : "") + '}';
    }
}
