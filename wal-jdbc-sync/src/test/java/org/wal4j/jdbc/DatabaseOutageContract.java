package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.TargetHealth;

/**
 * The database stops and comes back on the same data directory and port: while it is down, a
 * batch fails retryably and the probe says DOWN; afterwards the same batch applies once and
 * what was committed before the stop is still there. Also proves the test engines' restart,
 * which the outage tests through the {@code Wal} build on. One subclass per engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DatabaseOutageContract {
    TestDatabase db;

    abstract DatabaseEngine engine();

    @BeforeAll
    void createDatabase() throws SQLException {
        db = engine().createDatabase(getClass().getSimpleName());
        db.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, amount DECIMAL(19, 2) NOT NULL)");
    }

    @AfterAll
    void leaveTheEngineRunning() {
        engine().start();
    }

    @Test
    void databaseDown_batchFailsRetryably_thenAppliesOnceAfterRestart() throws SQLException {
        JdbcSyncTarget target = JdbcSyncTarget.builder("outage", db.dataSource()).build();
        assertTrue(target.apply(Entries.inserts("item", 1, 1, 10)).allApplied());
        List<WalEntry> during = Entries.inserts("item", 11, 11, 10);
        int port = engine().port();

        try (Connection open = db.connect()) {
            engine().stop();
            ApplyResult down = target.apply(during);
            TargetHealth health = target.probe();
            assertEquals(0, down.failedIndex(), down::toString);
            assertEquals(ApplyResult.Outcome.RETRYABLE, down.outcome(0), down::toString);
            assertTrue(down.reason().startsWith("target 'outage': cannot get a connection; nothing was applied: SQLSTATE"),
                    down.reason());
            assertEquals(TargetHealth.State.DOWN, health.state(), health.detail());
            SQLException broken = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> {
                try (Statement statement = open.createStatement()) {
                    statement.execute("SELECT COUNT(*) FROM item");
                }
            });
            assertEquals(org.wal4j.spi.ApplyResult.FailureKind.RETRYABLE, SqlStateClassifier.ofDefaults().classify(broken),
                    broken.toString());
        } finally {
            engine().start();
        }

        assertEquals(port, engine().port());
        assertEquals(10, db.count("item"), "committed before the stop");
        ApplyResult up = target.apply(during);
        ApplyResult replay = target.apply(during);
        assertTrue(up.allApplied(), up::toString);
        assertTrue(replay.allApplied(), replay::toString);
        assertEquals(20, db.count("item"));
        assertEquals(OptionalLong.of(20), target.checkpoint());
        assertEquals(TargetHealth.State.UP, target.probe().state());
        System.out.println("[wal4j-test] " + engine().name() + " restarted in " + engine().lastStartTime().toMillis()
                + " ms on port " + port);
    }
}
