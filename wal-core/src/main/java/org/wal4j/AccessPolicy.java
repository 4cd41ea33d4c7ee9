package org.wal4j;

/**
 * Decides whether a user may perform an action on entries of a namespace and operation. The
 * {@link Wal} asks before anything is written or returned: a denied write throws
 * {@link WalAccessDeniedException}; replay and dead-letter listings leave out the entries the
 * user may not see. Tenant isolation is separate and always on: a user with a tenant never sees
 * another tenant's entries, whatever the policy says.
 *
 * <p>Implementations must be thread-safe and fast: the policy runs on every write and for
 * every entry a listing returns.
 */
@FunctionalInterface
public interface AccessPolicy {

    /**
     * @param user      who asks
     * @param action    what for
     * @param namespace the entry's namespace
     * @param operation the entry's operation
     * @return true to allow
     */
    boolean allows(UserContext user, WalAction action, String namespace, String operation);

    /** The default: every user may do everything (tenant isolation still applies). */
    static AccessPolicy allowAll() {
        return (user, action, namespace, operation) -> true;
    }

    /** Starts a policy that grants actions on namespaces and operations to permissions. */
    static PermissionAccessPolicy.Builder byPermission() {
        return PermissionAccessPolicy.builder();
    }
}
