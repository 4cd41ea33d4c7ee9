package org.wal4j;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An {@link AccessPolicy} built from grants: "holders of permission {@code P} may perform
 * {@code actions} on namespaces matching {@code N} and operations matching {@code O}". A call is
 * allowed when at least one of the user's permissions has a grant that matches; otherwise it is
 * denied. Patterns are exact names, or globs where {@code *} matches any run of characters
 * ({@code orders}, {@code orders.*}, {@code *}).
 *
 * <p>{@link UserContext#system() The system context} (calls without a user) is allowed unless
 * {@link Builder#denySystem()} was set: it is the application itself, not an end user.
 *
 * <p>Immutable and thread-safe. Create with {@link AccessPolicy#byPermission()}.
 */
public final class PermissionAccessPolicy implements AccessPolicy {
    private record Grant(String permission, Set<WalAction> actions, Pattern namespace, Pattern operation,
                         String text) {
    }

    private final List<Grant> grants;
    private final boolean allowSystem;

    private PermissionAccessPolicy(List<Grant> grants, boolean allowSystem) {
        this.grants = List.copyOf(grants);
        this.allowSystem = allowSystem;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean allows(UserContext user, WalAction action, String namespace, String operation) {
        if (user.isSystem()) {
            return allowSystem;
        }
        for (Grant grant : grants) {
            if (user.permissions().contains(grant.permission()) && grant.actions().contains(action)
                    && grant.namespace().matcher(namespace).matches()
                    && grant.operation().matcher(operation).matches()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        List<String> texts = new ArrayList<>();
        for (Grant grant : grants) {
            texts.add(grant.text());
        }
        return "PermissionAccessPolicy" + texts + (allowSystem ? "" : " (system denied)");
    }

    private static Pattern glob(String field, String glob) {
        Objects.requireNonNull(glob, field + " pattern must not be null");
        if (glob.isEmpty()) {
            throw new IllegalArgumentException(field + " pattern must not be empty");
        }
        StringBuilder regex = new StringBuilder();
        int from = 0;
        for (int i = 0; i < glob.length(); i++) {
            if (glob.charAt(i) == '*') {
                regex.append(Pattern.quote(glob.substring(from, i))).append(".*");
                from = i + 1;
            }
        }
        regex.append(Pattern.quote(glob.substring(from)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Builds a {@link PermissionAccessPolicy}. Not thread-safe. */
    public static final class Builder {
        private final List<Grant> grants = new ArrayList<>();
        private boolean allowSystem = true;

        private Builder() {
        }

        /**
         * Grants {@code actions} on entries whose namespace matches {@code namespacePattern} and
         * whose operation matches {@code operationPattern} to holders of {@code permission}.
         */
        public Builder grant(String permission, Set<WalAction> actions, String namespacePattern,
                             String operationPattern) {
            Objects.requireNonNull(permission, "permission must not be null");
            if (permission.isEmpty()) {
                throw new IllegalArgumentException("permission must not be empty");
            }
            Objects.requireNonNull(actions, "actions must not be null");
            if (actions.isEmpty()) {
                throw new IllegalArgumentException("actions of permission '" + permission + "' must not be empty");
            }
            grants.add(new Grant(permission, EnumSet.copyOf(actions), glob("namespace", namespacePattern),
                    glob("operation", operationPattern), permission + "->" + actions + " on " + namespacePattern
                    + "/" + operationPattern));
            return this;
        }

        /** {@link #grant(String, Set, String, String)} with actions given inline. */
        public Builder grant(String permission, String namespacePattern, String operationPattern,
                             WalAction... actions) {
            return grant(permission, Set.of(actions), namespacePattern, operationPattern);
        }

        /** Denies the system context too: every call must carry a user with a matching grant. */
        public Builder denySystem() {
            this.allowSystem = false;
            return this;
        }

        public PermissionAccessPolicy build() {
            return new PermissionAccessPolicy(grants, allowSystem);
        }
    }
}
