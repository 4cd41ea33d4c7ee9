package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.Instrumentation;

/**
 * {@link JdbcSyncTarget} observes its entries itself: each applier runs inside an
 * {@link Instrumentation#applyEntry} scope of its own entry (so a DAO's database calls join the
 * trace the entry was written in), a batch of SQL statements inside one
 * {@link Instrumentation#applyBatch} scope, and a failure is recorded on the scope it happened in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcInstrumentationTest {
    private static final Map<String, String> TRACE = Map.of("traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    private TestDatabase db;

    @BeforeAll
    void createDatabase() throws SQLException {
        db = Engines.h2().createDatabase("instrumentation");
        db.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(19, 2))");
    }

    @Test
    void eachApplierRunsInTheScopeOfItsOwnEntry_andAFailureIsRecordedOnIt() {
        Recording recording = new Recording();
        List<String> seenInside = new CopyOnWriteArrayList<>();
        JdbcSyncTarget target = JdbcSyncTarget.builder("observed", db.dataSource())
                .applier("op", (entry, connection) -> {
                    seenInside.add(recording.current.get() + "@" + entry.seq());
                    if (entry.payload().equals("\"fail\"")) {
                        throw new IllegalStateException("applier failed");
                    }
                }).build();
        target.createSchema();
        assertTrue(target.observeEntries(recording), "a JDBC target observes its entries itself");

        ApplyResult result = target.apply(List.of(call(1, "\"ok\""), call(2, "\"ok\"")));
        assertTrue(result.allApplied(), result::toString);
        assertEquals(List.of("entry 1@1", "entry 2@2"), seenInside, "each applier ran inside its own entry's scope");
        assertEquals(List.of("entry 1 ok", "entry 2 ok"), recording.ended);
        assertEquals(TRACE, recording.entries.get(0).traceContext());

        recording.ended.clear();
        ApplyResult failed = target.apply(List.of(call(3, "\"fail\"")));
        assertEquals(0, failed.failedIndex(), failed::toString);
        assertEquals(List.of("entry 3 failed: applier failed"), recording.ended);
        assertEquals(null, recording.current.get(), "no scope is left open on the thread");
    }

    @Test
    void aBatchOfSqlStatements_isObservedAsOneBatch() throws SQLException {
        Recording recording = new Recording();
        JdbcSyncTarget target = JdbcSyncTarget.builder("statements", db.dataSource()).build();
        target.createSchema();
        target.observeEntries(recording);
        List<WalEntry> batch = Entries.inserts("item", 1, 1, 3);

        assertTrue(target.apply(batch).allApplied());
        assertEquals(List.of("batch of 3 ok"), recording.ended);
        assertEquals(3, db.count("item"));
    }

    private static WalEntry call(long seq, String payload) {
        return WalEntry.builder("test", "op").payloadJson(payload).traceContext(TRACE).build().withSeq(seq);
    }

    /** Records each scope, and which one is open on the thread (as a tracer's current span). */
    private static final class Recording implements Instrumentation {
        final ThreadLocal<String> current = new ThreadLocal<>();
        final List<String> ended = new CopyOnWriteArrayList<>();
        final List<WalEntry> entries = new CopyOnWriteArrayList<>();

        @Override
        public Scope applyBatch(String target, List<WalEntry> batch) {
            return open("batch of " + batch.size());
        }

        @Override
        public Scope applyEntry(String target, WalEntry entry) {
            entries.add(entry);
            return open("entry " + entry.seq());
        }

        private Scope open(String name) {
            current.set(name);
            return new Scope() {
                private String outcome = "ok";

                @Override
                public void failed(Throwable failure) {
                    outcome = "failed: " + failure.getMessage();
                }

                @Override
                public void close() {
                    current.remove();
                    ended.add(name + " " + outcome);
                }
            };
        }
    }
}
