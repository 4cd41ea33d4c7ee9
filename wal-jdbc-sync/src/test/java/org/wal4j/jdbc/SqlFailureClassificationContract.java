package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.RecordingDataSource;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyResult.FailureKind;
import org.wal4j.spi.ApplyResult;

/**
 * {@link SqlStateClassifier}'s defaults against errors a real database raises: a unique
 * violation, bad SQL, too-long data, a deadlock between two connections, a lock timeout, a
 * connection killed from the server side (also in the middle of a batch). One subclass per
 * engine; each prints the SQLSTATE and vendor code it saw, for the documentation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqlFailureClassificationContract {
    private final SqlStateClassifier classifier = SqlStateClassifier.ofDefaults();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    TestDatabase db;

    abstract DatabaseEngine engine();

    /** SQLSTATEs the victim of a deadlock may report on this engine. */
    abstract Set<String> deadlockStates();

    /** Makes the session of the connection give up waiting for a lock after well under a second. */
    abstract String shortLockTimeout();

    @BeforeAll
    void createDatabase() throws SQLException {
        db = engine().createDatabase(getClass().getSimpleName());
        db.execute("CREATE TABLE lockable (id BIGINT PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO lockable (id, v) VALUES (1, 0)", "INSERT INTO lockable (id, v) VALUES (2, 0)",
                "INSERT INTO lockable (id, v) VALUES (3, 0)",
                "CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(5) NOT NULL, amount DECIMAL(19, 2) NOT NULL)");
    }

    @AfterAll
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void uniqueViolation_isPermanent() throws SQLException {
        db.execute("INSERT INTO item (id, name, amount) VALUES (100, 'a', 0)");
        SQLException e = failureOf(db.connect(), "INSERT INTO item (id, name, amount) VALUES (100, 'b', 0)");
        assertClassified(FailureKind.PERMANENT, "unique violation", e);
        assertTrue(e.getSQLState().startsWith("23"), e.getSQLState());
    }

    @Test
    void badSql_isPermanent() throws SQLException {
        SQLException e = failureOf(db.connect(), "SELEC 1");
        assertClassified(FailureKind.PERMANENT, "syntax error", e);
        assertTrue(e.getSQLState().startsWith("42"), e.getSQLState());
    }

    @Test
    void dataTooLong_isPermanent() throws SQLException {
        SQLException e = failureOf(db.connect(), "INSERT INTO item (id, name, amount) VALUES (101, 'far too long', 0)");
        assertClassified(FailureKind.PERMANENT, "data too long", e);
        assertTrue(e.getSQLState().startsWith("22"), e.getSQLState());
    }

    @Test
    void deadlock_isRetryable() throws Exception {
        try (Connection a = db.connect(); Connection b = db.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            String aSession = db.sessionId(a);
            execute(a, "UPDATE lockable SET v = v + 1 WHERE id = 1");
            execute(b, "UPDATE lockable SET v = v + 1 WHERE id = 2");
            Future<SQLException> aResult = executor.submit(() -> failureOf(a, "UPDATE lockable SET v = v + 1 WHERE id = 2"));
            db.awaitLockWait(aSession, Duration.ofSeconds(10));
            SQLException bFailure = failureOf(b, "UPDATE lockable SET v = v + 1 WHERE id = 1");
            if (bFailure != null) {
                b.rollback();
            }
            SQLException aFailure = aResult.get(30, TimeUnit.SECONDS);
            a.rollback();
            b.rollback();
            assertTrue(aFailure == null ^ bFailure == null, "exactly one victim; a: " + aFailure + ", b: " + bFailure);
            SQLException victim = aFailure != null ? aFailure : bFailure;
            assertClassified(FailureKind.RETRYABLE, "deadlock", victim);
            assertTrue(deadlockStates().contains(victim.getSQLState()), victim.getSQLState() + " " + victim);
        }
    }

    @Test
    void lockTimeout_isRetryable() throws Exception {
        try (Connection holder = db.connect(); Connection waiter = db.connect()) {
            holder.setAutoCommit(false);
            execute(holder, "UPDATE lockable SET v = v + 1 WHERE id = 3");
            execute(waiter, shortLockTimeout());
            waiter.setAutoCommit(false);
            SQLException e = failureOf(waiter, "UPDATE lockable SET v = v + 1 WHERE id = 3");
            holder.rollback();
            waiter.rollback();
            assertClassified(FailureKind.RETRYABLE, "lock timeout", e);
        }
    }

    @Test
    void killedConnection_isRetryable() throws Exception {
        try (Connection victim = db.connect()) {
            db.kill(victim);
            SQLException e = failureOf(victim, "SELECT COUNT(*) FROM item");
            assertClassified(FailureKind.RETRYABLE, "killed connection", e);
        }
    }

    @Test
    void connectionKilledMidBatch_failsTheBlockedEntryRetryably_andTheRetryAppliesOnce() throws Exception {
        RecordingDataSource recording = new RecordingDataSource(db);
        JdbcSyncTarget target = JdbcSyncTarget.builder("killed", recording).build();
        target.createSchema();
        List<WalEntry> batch = List.of(
                Entries.sql(1, "INSERT INTO item (id, name, amount) VALUES (?, ?, ?)", 1L, "one", java.math.BigDecimal.ONE),
                Entries.sql(2, "UPDATE lockable SET v = v + 10 WHERE id = 1"),
                Entries.sql(3, "INSERT INTO item (id, name, amount) VALUES (?, ?, ?)", 2L, "two", java.math.BigDecimal.ONE));
        long before = db.queryLong("SELECT v FROM lockable WHERE id = 1");
        ApplyResult result;
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            execute(holder, "UPDATE lockable SET v = v WHERE id = 1");
            Future<ApplyResult> applying = executor.submit(() -> target.apply(batch));
            String session = awaitNewSession(recording, 2);
            db.awaitLockWait(session, Duration.ofSeconds(10));
            db.killSession(session);
            result = applying.get(30, TimeUnit.SECONDS);
            holder.rollback();
        }
        System.out.println("[wal4j-test] " + engine().name() + " connection killed mid-batch: " + result.reason());
        ApplyResult failed = result;
        assertAll(
                () -> assertEquals(1, failed.failedIndex(), failed::toString),
                () -> assertEquals(ApplyResult.Outcome.RETRYABLE, failed.outcome(1), failed::toString),
                () -> assertEquals(0, failed.appliedCount()),
                () -> assertTrue(failed.reason().contains("SQLSTATE"), failed.reason()),
                () -> assertEquals(0, db.queryLong("SELECT COUNT(*) FROM item WHERE id IN (1, 2)")),
                () -> assertEquals(before, db.queryLong("SELECT v FROM lockable WHERE id = 1")));

        ApplyResult retry = target.apply(batch);
        ApplyResult replay = target.apply(batch);

        assertTrue(retry.allApplied(), retry::toString);
        assertTrue(replay.allApplied(), replay::toString);
        assertEquals(2, db.queryLong("SELECT COUNT(*) FROM item WHERE id IN (1, 2)"));
        assertEquals(before + 10, db.queryLong("SELECT v FROM lockable WHERE id = 1"));
    }

    private String awaitNewSession(RecordingDataSource recording, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (recording.sessionIds().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the target opened no connection within 10 s: " + recording.sessionIds());
            }
            Thread.sleep(10);
        }
        return recording.sessionIds().get(count - 1);
    }

    private void assertClassified(FailureKind expected, String what, SQLException e) {
        assertNotNull(e, what + ": expected the database to fail the statement");
        System.out.println("[wal4j-test] " + engine().name() + " " + what + ": SQLSTATE " + e.getSQLState()
                + ", vendor code " + e.getErrorCode() + ", " + e.getClass().getSimpleName() + ": " + e.getMessage());
        assertEquals(expected, classifier.classify(e), what + ": SQLSTATE " + e.getSQLState() + ", vendor code "
                + e.getErrorCode() + ", " + e);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Runs {@code sql}; returns its failure, or null if it succeeded. Closes nothing. */
    private static SQLException failureOf(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return null;
        } catch (SQLException e) {
            return e;
        }
    }
}
