package org.wal4j.spring.web;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.wal4j.spring.ledger.LedgerConfiguration;

/**
 * The web tests' application: Spring Boot's auto-configuration (web server, Actuator, Prometheus,
 * tracing when Brave's bridge is there) with the ledger's beans, the notes DAO and the controller.
 * Spring Security is on the tests' class path (the endpoint tests use it) and left out here: these
 * tests call the application and scrape it without credentials.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration"})
@Import({LedgerConfiguration.class, LedgerController.class})
public class WebApp {
    @Bean
    NotesSchema notesSchema(JdbcTemplate jdbc) {
        return new NotesSchema(jdbc);
    }

    @Bean
    JdbcNotesDao notesDao(JdbcTemplate jdbc, ObservationRegistry observations, NotesSchema schema) {
        return new JdbcNotesDao(jdbc, observations);
    }

    /** The notes table, emptied when the context starts. */
    static final class NotesSchema {
        NotesSchema(JdbcTemplate jdbc) {
            jdbc.execute("CREATE TABLE IF NOT EXISTS notes (account VARCHAR(64) NOT NULL, text VARCHAR(200) NOT NULL)");
            jdbc.update("DELETE FROM notes");
        }
    }
}
