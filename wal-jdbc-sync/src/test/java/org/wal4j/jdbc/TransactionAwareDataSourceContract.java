package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyResult.FailureKind;
import org.wal4j.spi.ApplyResult;

/**
 * A plain-JDBC DAO (it opens, commits and closes its own connections) replayed through
 * {@link JdbcSyncTarget} with a {@link TransactionAwareDataSource}: its SQL commits or rolls back
 * together with the idempotency records of the batch. One subclass per engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TransactionAwareDataSourceContract {
    private final AtomicInteger counter = new AtomicInteger();
    TestDatabase db;

    abstract DatabaseEngine engine();

    @BeforeAll
    void createDatabase() {
        db = engine().createDatabase(getClass().getSimpleName());
    }

    /** A DAO as applications write them: one connection per call, own commit. */
    static final class JdbcItemDao {
        private final DataSource dataSource;
        private final String table;

        JdbcItemDao(DataSource dataSource, String table) {
            this.dataSource = dataSource;
            this.table = table;
        }

        void insert(long... ids) throws SQLException {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table
                        + " (id, name, amount) VALUES (?, 'dao', 0)")) {
                    for (long id : ids) {
                        statement.setLong(1, id);
                        statement.executeUpdate();
                        connection.commit();
                    }
                } catch (SQLException e) {
                    connection.rollback();
                    throw e;
                }
            }
        }
    }

    static WalEntry insertCall(long seq, long... ids) {
        StringBuilder json = new StringBuilder("{\"ids\":[");
        for (int i = 0; i < ids.length; i++) {
            json.append(i == 0 ? "" : ",").append(ids[i]);
        }
        return WalEntry.builder("test", "ItemDao#insert").payloadJson(json.append("]}").toString()).build().withSeq(seq);
    }

    static long[] ids(WalEntry entry) {
        JsonNode ids = entry.payloadAs(new ObjectMapper(), JsonNode.class).get("ids");
        long[] result = new long[ids.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = ids.get(i).longValue();
        }
        return result;
    }

    private String newTable() throws SQLException {
        String table = "dao_item_" + counter.incrementAndGet();
        db.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                + "amount DECIMAL(19, 2) NOT NULL)");
        return table;
    }

    private JdbcSyncTarget targetFor(TransactionAwareDataSource dataSource, JdbcItemDao dao) {
        return JdbcSyncTarget.builder("dao" + counter.incrementAndGet(), dataSource)
                .applier("ItemDao#insert", (entry, connection) -> dao.insert(ids(entry)))
                .build();
    }

    private long keys(JdbcSyncTarget target) throws SQLException {
        return db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys WHERE target_name = ?", target.name());
    }

    @Test
    void daoSql_andIdempotencyRecords_commitTogether_andAReplayIsSkipped() throws SQLException {
        String table = newTable();
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = targetFor(dataSource, new JdbcItemDao(dataSource, table));
        List<WalEntry> batch = List.of(insertCall(1, 1), insertCall(2, 2, 3), insertCall(3, 4));

        ApplyResult first = target.apply(batch);
        ApplyResult replay = target.apply(batch);

        assertAll(
                () -> assertTrue(first.allApplied(), first::toString),
                () -> assertTrue(replay.allApplied(), "a replay would hit the primary key if the DAO ran again: "
                        + replay),
                () -> assertEquals(4, db.count(table)),
                () -> assertEquals(3, keys(target)));
    }

    @Test
    void daoFailure_rollsBackWhatItCommittedBefore_andTheWholeBatch() throws SQLException {
        String table = newTable();
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = targetFor(dataSource, new JdbcItemDao(dataSource, table));

        ApplyResult result = target.apply(List.of(insertCall(1, 1), insertCall(2, 2, 1)));

        assertAll(
                () -> assertEquals(1, result.failedIndex(), result::toString),
                () -> assertEquals(ApplyResult.Outcome.PERMANENT, result.outcome(1)),
                () -> assertEquals(0, db.count(table), "the DAO's 'committed' rows 1 and 2 are rolled back"),
                () -> assertEquals(0, keys(target)));
    }

    @Test
    void laterEntryFailure_rollsBackEarlierDaoWork() throws SQLException {
        String table = newTable();
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = targetFor(dataSource, new JdbcItemDao(dataSource, table));

        ApplyResult result = target.apply(List.of(insertCall(1, 1),
                Entries.sql(2, "INSERT INTO " + table + " (id, name, amount) VALUES (1, 'dup', 0)")));

        assertEquals(1, result.failedIndex(), result::toString);
        assertEquals(0, db.count(table));
    }

    @Test
    void outsideAnApply_theDaoGetsItsOwnConnectionsAndCommits() throws SQLException {
        String table = newTable();
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());

        new JdbcItemDao(dataSource, table).insert(7);

        assertFalse(dataSource.isBoundToCurrentThread());
        assertEquals(1, db.count(table));
    }

    @Test
    void daoRollbackWithoutThrowing_failsTheEntryAndCommitsNothing() throws SQLException {
        String table = newTable();
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = JdbcSyncTarget.builder("rollback", dataSource)
                .applier("ItemDao#insert", (entry, connection) -> {
                    new JdbcItemDao(dataSource, table).insert(ids(entry));
                    try (Connection c = dataSource.getConnection()) {
                        c.rollback();
                    }
                })
                .build();

        ApplyResult result = target.apply(List.of(insertCall(1, 1)));

        assertEquals(FailureKind.RETRYABLE, result.failureKind().orElseThrow(), result::toString);
        assertTrue(result.reason().contains("called rollback() on the apply transaction without throwing"),
                result.reason());
        assertEquals(0, db.count(table));
    }

    @Test
    void connectionKeptBeyondTheApply_refusesToWork() throws SQLException {
        String table = newTable();
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        AtomicReference<Connection> kept = new AtomicReference<>();
        JdbcSyncTarget target = JdbcSyncTarget.builder("keeper", dataSource)
                .applier("keep", (entry, connection) -> kept.set(dataSource.getConnection()))
                .build();

        assertTrue(target.apply(List.of(WalEntry.builder("test", "keep").build().withSeq(1))).allApplied());
        SQLException e = assertThrows(SQLException.class,
                () -> kept.get().createStatement().execute("INSERT INTO " + table + " (id, name, amount) VALUES (1, 'x', 0)"));

        assertEquals("08003", e.getSQLState());
        assertTrue(e.getMessage().contains("after that entry's apply ended"), e.getMessage());
        assertTrue(kept.get().isClosed());
        assertEquals(0, db.count(table));
    }
}
