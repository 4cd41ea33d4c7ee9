package org.wal4j.internal;

import org.jspecify.annotations.Nullable;
import org.wal4j.AccessPolicy;
import org.wal4j.UserContext;
import org.wal4j.WalAccessDeniedException;
import org.wal4j.WalAction;
import org.wal4j.WalEntry;

/**
 * Applies the {@link AccessPolicy} and tenant isolation. Tenant isolation is not up to the
 * policy: a user with a tenant never writes for, sees, requeues or discards another tenant's
 * entries. Denials of single calls are audited and thrown before anything is written; listings
 * silently leave out what the user may not see.
 *
 * <p>Thread-safe if the policy is.
 */
final class AccessGuard {
    private final AccessPolicy policy;
    private final AuditTrail audit;

    AccessGuard(AccessPolicy policy, AuditTrail audit) {
        this.policy = policy;
        this.audit = audit;
    }

    /**
     * Checks a write of {@code entry} by {@code user}.
     *
     * @throws WalAccessDeniedException (audited) if the entry is for another tenant, written as another
     *                                  user, or the policy refuses
     */
    void checkWrite(UserContext user, WalEntry entry) {
        String refusal = null;
        if (user.tenantId() != null && !user.tenantId().equals(entry.tenantId())) {
            refusal = "user '" + user.userId() + "' of tenant '" + user.tenantId()
                    + "' may not write an entry of tenant '" + entry.tenantId() + "'";
        } else if (!user.isSystem() && entry.userId() != null && !entry.userId().equals(user.userId())) {
            refusal = "user '" + user.userId() + "' may not write an entry as user '" + entry.userId() + "'";
        } else if (!policy.allows(user, WalAction.WRITE, entry.namespace(), entry.operation())) {
            refusal = refusal(user, WalAction.WRITE, entry);
        }
        if (refusal != null) {
            audit.record(user, WalAction.WRITE, false, entry.namespace(), entry.operation(), 0, null, 0, refusal);
            throw new WalAccessDeniedException("Access denied: " + refusal);
        }
    }

    /** Whether {@code user} may see (and act on, with {@code action}) {@code entry}; not audited. */
    boolean mayAccess(UserContext user, WalAction action, WalEntry entry) {
        return user.canSeeTenant(entry.tenantId())
                && policy.allows(user, action, entry.namespace(), entry.operation());
    }

    /**
     * Checks an action on one entry.
     *
     * @throws WalAccessDeniedException (audited) if the user may not
     */
    void checkEntry(UserContext user, WalAction action, WalEntry entry, @Nullable String target) {
        if (!user.canSeeTenant(entry.tenantId())) {
            String refusal = "user '" + user.userId() + "' of tenant '" + user.tenantId() + "' may not " + action
                    + " entry " + entry.seq() + " of tenant '" + entry.tenantId() + "'";
            audit.record(user, action, false, entry.namespace(), entry.operation(), entry.seq(), target, 0, refusal);
            throw new WalAccessDeniedException("Access denied: " + refusal);
        }
        if (!policy.allows(user, action, entry.namespace(), entry.operation())) {
            String refusal = refusal(user, action, entry);
            audit.record(user, action, false, entry.namespace(), entry.operation(), entry.seq(), target, 0, refusal);
            throw new WalAccessDeniedException("Access denied: " + refusal);
        }
    }

    /**
     * Checks that a tenant-scoped user does not ask for another tenant explicitly. A null
     * {@code askedTenant} asks for no tenant in particular; {@code namespace} (audited) is null
     * when the call spans namespaces.
     *
     * @throws WalAccessDeniedException (audited) if it does
     */
    void checkTenantFilter(UserContext user, WalAction action, @Nullable String askedTenant,
                           @Nullable String namespace) {
        if (user.tenantId() != null && askedTenant != null && !askedTenant.equals(user.tenantId())) {
            String refusal = "user '" + user.userId() + "' of tenant '" + user.tenantId() + "' may not " + action
                    + " entries of tenant '" + askedTenant + "'";
            audit.record(user, action, false, namespace, null, 0, null, 0, refusal);
            throw new WalAccessDeniedException("Access denied: " + refusal);
        }
    }

    private static String refusal(UserContext user, WalAction action, WalEntry entry) {
        return "user '" + user.userId() + "'" + (user.tenantId() == null ? "" : " of tenant '" + user.tenantId() + "'")
                + " may not " + action + " operation '" + entry.operation() + "' in namespace '"
                + entry.namespace() + "'";
    }
}
