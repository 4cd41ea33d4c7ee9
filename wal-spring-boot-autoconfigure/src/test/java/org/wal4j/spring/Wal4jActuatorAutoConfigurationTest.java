package org.wal4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.wal4j.UserContext;
import org.wal4j.WalAction;

/**
 * {@link Wal4jActuatorAutoConfiguration}'s conditions and properties ({@code ApplicationContextRunner},
 * in-memory H2), and the mapping of Spring Security's caller onto a {@link UserContext}.
 */
class Wal4jActuatorAutoConfigurationTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path tmp;

    @AfterEach
    void clearSecurity() {
        SecurityContextHolder.clearContext();
    }

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(BootAutoConfigurations.jdbc(true))
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                        HealthContributorAutoConfiguration.class, Wal4jActuatorAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:actuator" + DATABASES.incrementAndGet()
                        + ";DB_CLOSE_DELAY=-1", "wal4j.directory=" + tmp.resolve("wal"),
                        "management.endpoints.web.exposure.include=health,wal4j");
    }

    @Test
    void beans_areMade_withSpringSecuritysCaller() {
        runner().run(context -> {
            assertNotNull(context.getBean("wal4jHealthIndicator", Wal4jHealthIndicator.class));
            assertNotNull(context.getBean(Wal4jEndpoint.class));
            assertNotNull(context.getBean(Wal4jEndpointWebExtension.class));
            assertInstanceOf(SpringSecurityActuatorUsers.class, context.getBean(ActuatorUsers.class));
        });
    }

    @Test
    void withoutSpringSecurity_theEndpointActsAsTheUserActuator_holdingTheAdminRole() {
        runner().withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues("wal4j.actuator.admin-role=OPS")
                .run(context -> {
                    UserContext user = context.getBean(ActuatorUsers.class).current();
                    assertEquals(UserContext.of("actuator", null, Set.of("OPS")), user);
                });
    }

    @Test
    void beans_areLeftOut_whenWal4jIsDisabled_theIndicatorSwitchedOff_orTheEndpointNotExposed() {
        runner().withPropertyValues("wal4j.enabled=false").run(context -> {
            assertTrue(context.getBeansOfType(Wal4jHealthIndicator.class).isEmpty());
            assertTrue(context.getBeansOfType(Wal4jEndpoint.class).isEmpty());
        });
        runner().withPropertyValues("management.health.wal4j.enabled=false").run(context -> {
            assertTrue(context.getBeansOfType(Wal4jHealthIndicator.class).isEmpty());
            assertEquals(1, context.getBeansOfType(Wal4jEndpoint.class).size());
        });
        runner().withPropertyValues("management.endpoints.web.exposure.include=health").run(context -> {
            assertEquals(1, context.getBeansOfType(Wal4jHealthIndicator.class).size());
            assertTrue(context.getBeansOfType(Wal4jEndpoint.class).isEmpty(), "not exposed: not made");
        });
    }

    @Test
    void invalidProperties_failStartup_namingThem() {
        for (String[] bad : List.of(new String[] {"wal4j.health.timeout=0s", "wal4j.health.timeout must be more than 0 but was PT0S"},
                new String[] {"wal4j.health.degraded-status= ", "wal4j.health.degraded-status must not be blank"},
                new String[] {"wal4j.actuator.admin-role= ", "wal4j.actuator.admin-role must not be blank"})) {
            runner().withPropertyValues(bad[0]).run(context -> {
                Throwable failure = context.getStartupFailure();
                assertNotNull(failure, bad[0]);
                StringBuilder messages = new StringBuilder();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    messages.append(t.getMessage()).append('\n');
                }
                assertTrue(messages.toString().contains(bad[1]), messages.toString());
            });
        }
    }

    @Test
    void theEndpointsAdminRole_isTheProperty_andTheCallerIsTheAuthenticatedUser() {
        runner().withPropertyValues("wal4j.actuator.admin-role=OPS").run(context -> {
            Wal4jEndpoint endpoint = context.getBean(Wal4jEndpoint.class);
            SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("dana", "pw", "ROLE_OPS"));
            Wal4jEndpoint.AdminResult notDead = endpoint.requeue("dead-letters", 1, "primary");
            assertEquals(Wal4jEndpoint.Outcome.NOT_FOUND, notDead.outcome(), "allowed, but no entry 1: " + notDead);
            assertEquals("dana", notDead.user());

            SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("erin", "pw",
                    "ROLE_WAL4J_ADMIN"));
            Wal4jEndpoint.AdminResult denied = endpoint.discard("dead-letters", 1, "primary");
            assertEquals(Wal4jEndpoint.Outcome.DENIED, denied.outcome());
            assertEquals(WalAction.DISCARD, denied.action());
            assertEquals(Wal4jEndpoint.Outcome.NOT_FOUND, endpoint.discard("dead-lettres", 1, "primary").outcome());
        });
    }

    @Test
    void springSecurityCaller_isItsNameAndAuthorities_rolesWithoutPrefix_anonymousWithout() {
        SpringSecurityActuatorUsers users = new SpringSecurityActuatorUsers();
        assertEquals(UserContext.of("anonymous", null, Set.of()), users.current(), "no authentication");

        SecurityContextHolder.getContext().setAuthentication(new AnonymousAuthenticationToken("key", "anon",
                AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
        assertEquals(UserContext.of("anonymous", null, Set.of()), users.current());

        TestingAuthenticationToken unauthenticated = new TestingAuthenticationToken("frank", "pw", "ROLE_WAL4J_ADMIN");
        unauthenticated.setAuthenticated(false);
        SecurityContextHolder.getContext().setAuthentication(unauthenticated);
        assertEquals("anonymous", users.current().userId());

        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("gina@example.com", "pw",
                "ROLE_WAL4J_ADMIN", "SCOPE_wal.read"));
        UserContext gina = users.current();
        assertEquals("gina@example.com", gina.userId());
        assertEquals(Set.of("WAL4J_ADMIN", "SCOPE_wal.read"), gina.permissions());
        assertFalse(gina.isSystem());
    }
}
