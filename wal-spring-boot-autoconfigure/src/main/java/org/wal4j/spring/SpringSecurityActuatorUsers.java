package org.wal4j.spring;

import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.wal4j.UserContext;

/**
 * The endpoint's caller from Spring Security's {@link SecurityContextHolder}: the authentication's
 * name is the user id, each granted authority a permission, a role's {@code ROLE_} prefix dropped
 * ({@code ROLE_WAL4J_ADMIN} is the permission {@code WAL4J_ADMIN}), no tenant. A caller not
 * authenticated (none, or anonymous) is {@value #ANONYMOUS} with no permission.
 *
 * <p>Stateless and thread-safe; reads the security context of the calling thread.
 */
final class SpringSecurityActuatorUsers implements ActuatorUsers {
    /** The user id of a caller who is not authenticated: {@value}. */
    static final String ANONYMOUS = "anonymous";
    private static final String ROLE_PREFIX = "ROLE_";

    @Override
    public UserContext current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            return UserContext.of(ANONYMOUS, null, Set.of());
        }
        Set<String> permissions = new LinkedHashSet<>();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null) {
                permissions.add(name.startsWith(ROLE_PREFIX) ? name.substring(ROLE_PREFIX.length()) : name);
            }
        }
        return UserContext.of(authentication.getName(), null, permissions);
    }
}
