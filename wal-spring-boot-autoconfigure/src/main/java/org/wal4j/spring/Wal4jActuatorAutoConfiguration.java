package org.wal4j.spring;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.wal4j.AuditSink;
import org.wal4j.Wal;

/**
 * Auto-configuration of wal4j's Actuator support (docs/spring.md, Actuator), with Spring Boot
 * Actuator on the class path and the auto-configured {@link Wal} present:
 * <ul>
 *   <li>the health indicator {@code wal4j} ({@link Wal4jHealthIndicator}), unless
 *       {@code management.health.wal4j.enabled=false};</li>
 *   <li>the endpoint {@code wal4j} ({@link Wal4jEndpoint}, its web extension), when it is available
 *       ({@code management.endpoints.web.exposure.include} decides whether HTTP reaches it);</li>
 *   <li>the {@link ActuatorUsers} the endpoint acts as: Spring Security's principal when Spring
 *       Security is on the class path, the user {@value ActuatorUsers#ACTUATOR_USER} otherwise;
 *       a bean of the application's own replaces it;</li>
 *   <li>a {@link LastStorageFailure} listener, so both can say why the Wal failed.</li>
 * </ul>
 */
@AutoConfiguration(after = Wal4jAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Wal.class)
public class Wal4jActuatorAutoConfiguration {
    @Bean
    LastStorageFailure wal4jLastStorageFailure() {
        return new LastStorageFailure();
    }

    @Bean
    @ConditionalOnEnabledHealthIndicator("wal4j")
    Wal4jHealthIndicator wal4jHealthIndicator(Wal wal, LastStorageFailure failure, Wal4jProperties properties) {
        Wal4jProperties.Health health = properties.getHealth();
        return new Wal4jHealthIndicator(wal::stats, failure, health.getTimeout(), health.getDegradedStatus());
    }

    /** The endpoint and its web extension. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(endpoint = Wal4jEndpoint.class)
    static class Endpoint {
        @Bean
        Wal4jEndpoint wal4jEndpoint(Wal wal, LastStorageFailure failure, ActuatorUsers users,
                Wal4jProperties properties, ObjectProvider<AuditSink> auditSink) {
            return new Wal4jEndpoint(wal, failure, users, properties.getActuator().getAdminRole(),
                    auditSink.getIfUnique(AuditSink::slf4j), Clock.systemUTC());
        }

        @Bean
        Wal4jEndpointWebExtension wal4jEndpointWebExtension(Wal4jEndpoint endpoint) {
            return new Wal4jEndpointWebExtension(endpoint);
        }
    }

    /** The endpoint's caller with Spring Security: the authenticated principal and its roles. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = SecuredUsers.SECURITY_CONTEXT_HOLDER)
    static class SecuredUsers {
        static final String SECURITY_CONTEXT_HOLDER = "org.springframework.security.core.context.SecurityContextHolder";

        @Bean
        @ConditionalOnMissingBean
        ActuatorUsers wal4jActuatorUsers() {
            return new SpringSecurityActuatorUsers();
        }
    }

    /** The endpoint's caller without Spring Security: the user "actuator", holding the admin role. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(SecuredUsers.SECURITY_CONTEXT_HOLDER)
    static class FixedUser {
        @Bean
        @ConditionalOnMissingBean
        ActuatorUsers wal4jActuatorUsers(Wal4jProperties properties) {
            return ActuatorUsers.fixed(properties.getActuator().getAdminRole());
        }
    }
}
