package org.wal4j.spring;

import java.util.Set;
import org.wal4j.UserContext;

/**
 * Who calls the {@code wal4j} Actuator endpoint, as a wal4j {@link UserContext}: the endpoint acts
 * through {@code wal.as(user)}, so the {@code AccessPolicy} decides and the {@code AuditSink} records
 * that user. The auto-configuration makes one (docs/spring.md, Actuator): with Spring Security, the
 * authenticated principal and its roles; without it, {@link #ACTUATOR_USER}. Define a bean of this
 * type to map differently (a tenant, permissions of your own).
 *
 * <p>Implementations must be thread-safe; {@link #current()} runs on the request's thread.
 */
@FunctionalInterface
public interface ActuatorUsers {
    /** The user the endpoint acts as without Spring Security: {@value}. */
    String ACTUATOR_USER = "actuator";

    /** {@return the caller of the operation being run, on its thread} */
    UserContext current();

    /**
     * The user without Spring Security: {@link #ACTUATOR_USER}, of no tenant, holding
     * {@code adminRole}. Who reaches the endpoint is then the application's choice of exposure
     * ({@code management.endpoints.web.exposure.include}) and of its network.
     */
    static ActuatorUsers fixed(String adminRole) {
        UserContext actuator = UserContext.of(ACTUATOR_USER, null, Set.of(adminRole));
        return () -> actuator;
    }
}
