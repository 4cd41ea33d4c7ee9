package org.wal4j.spring.web;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.wal4j.spring.WalRepository;

/**
 * The notes DAO: its insert runs in an observation {@value #INSERT} of the application's registry,
 * as a JDBC instrumentation would observe it, so that a test sees which observation is current
 * while the Wal applies the call.
 */
@WalRepository
public class JdbcNotesDao implements NotesDao {
    /** The name of the insert's observation. */
    public static final String INSERT = "notes.insert";

    private final JdbcTemplate jdbc;
    private final ObservationRegistry observations;

    public JdbcNotesDao(JdbcTemplate jdbc, ObservationRegistry observations) {
        this.jdbc = jdbc;
        this.observations = observations;
    }

    @Override
    public void note(String account, String text) {
        Observation.createNotStarted(INSERT, observations)
                .observe(() -> jdbc.update("INSERT INTO notes (account, text) VALUES (?, ?)", account, text));
    }
}
