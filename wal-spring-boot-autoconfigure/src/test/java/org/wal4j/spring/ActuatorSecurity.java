package org.wal4j.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.wal4j.AuditEvent;
import org.wal4j.AuditSink;

/**
 * The HTTP tests' security, as an application would write it: health open to all, the rest of the
 * Actuator for authenticated users over HTTP basic; users alice (roles WAL4J_ADMIN and
 * LEDGER_OWNER), carol (WAL4J_ADMIN only) and bob (VIEWER). Also the {@link AuditSink} bean the
 * Wal records to, kept for the tests to read.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurity {
    static final String PASSWORD = "secret";

    @Bean
    SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}" + PASSWORD).roles("WAL4J_ADMIN", "LEDGER_OWNER").build(),
                User.withUsername("carol").password("{noop}" + PASSWORD).roles("WAL4J_ADMIN").build(),
                User.withUsername("bob").password("{noop}" + PASSWORD).roles("VIEWER").build());
    }

    @Bean
    RecordingAuditSink recordingAuditSink() {
        return new RecordingAuditSink();
    }

    /** Keeps every audit event. */
    static final class RecordingAuditSink implements AuditSink {
        private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void record(AuditEvent event) {
            events.add(event);
        }

        List<AuditEvent> events() {
            return List.copyOf(events);
        }
    }
}
