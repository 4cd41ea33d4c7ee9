package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.ReusedConnectionDataSource;
import org.wal4j.jdbc.testing.TestDatabase;

/**
 * Measures, once, how fast {@link JdbcSyncTarget} applies batches of 100 SQL-statement entries
 * (with their idempotency records and checkpoint) to embedded PostgreSQL ({@code fsync=on},
 * {@code synchronous_commit=on}), against a raw JDBC batch insert of the same rows, both over one
 * reused connection. A measurement, not a test of speed: it asserts only that the rows arrived.
 *
 * <p>Run: {@code mvn -B -pl wal-jdbc-sync -am verify -Pstress -Dtest=ApplyThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("stress")
class ApplyThroughputMeasurement {
    private static final int BATCH = 100;
    private static final int WARMUP_BATCHES = 50;
    private static final int MEASURED_BATCHES = 300;

    @Test
    void applyThroughput_postgresql() throws SQLException {
        measure(Engines.postgresql());
    }

    @Test
    void applyThroughput_mariadb() throws SQLException {
        measure(Engines.mariadb());
    }

    @Test
    void applyThroughput_h2() throws SQLException {
        measure(Engines.h2());
    }

    private void measure(DatabaseEngine engine) throws SQLException {
        TestDatabase db = engine.createDatabase("throughput");
        db.execute("CREATE TABLE via_target (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, amount DECIMAL(19, 2) NOT NULL)",
                "CREATE TABLE via_jdbc (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, amount DECIMAL(19, 2) NOT NULL)");
        ReusedConnectionDataSource pool = new ReusedConnectionDataSource(db.dataSource());
        try {
            JdbcSyncTarget target = JdbcSyncTarget.builder("bench", pool).queryTimeout(java.time.Duration.ofSeconds(Long.getLong("qt", 30))).build();
            target.createSchema();
            List<List<WalEntry>> batches = new ArrayList<>();
            for (int b = 0; b < WARMUP_BATCHES + MEASURED_BATCHES; b++) {
                batches.add(Entries.inserts("via_target", (long) b * BATCH + 1, (long) b * BATCH + 1, BATCH));
            }
            for (int b = 0; b < WARMUP_BATCHES; b++) {
                assertTrue(target.apply(batches.get(b)).allApplied());
            }
            long start = System.nanoTime();
            for (int b = WARMUP_BATCHES; b < batches.size(); b++) {
                assertTrue(target.apply(batches.get(b)).allApplied());
            }
            double targetSeconds = (System.nanoTime() - start) / 1e9;

            for (int b = 0; b < WARMUP_BATCHES; b++) {
                rawBatch(pool, b);
            }
            start = System.nanoTime();
            for (int b = WARMUP_BATCHES; b < WARMUP_BATCHES + MEASURED_BATCHES; b++) {
                rawBatch(pool, b);
            }
            double rawSeconds = (System.nanoTime() - start) / 1e9;

            start = System.nanoTime();
            for (int b = WARMUP_BATCHES + MEASURED_BATCHES; b < WARMUP_BATCHES + 2 * MEASURED_BATCHES; b++) {
                rawStatements(pool, b);
            }
            double statementSeconds = (System.nanoTime() - start) / 1e9;

            int entries = MEASURED_BATCHES * BATCH;
            assertEquals((long) (WARMUP_BATCHES + MEASURED_BATCHES) * BATCH, db.count("via_target"));
            assertEquals((long) (WARMUP_BATCHES + 2 * MEASURED_BATCHES) * BATCH, db.count("via_jdbc"));
            System.out.printf(Locale.ROOT, "[wal4j-measure] %s: JdbcSyncTarget %,.0f entries/s (%d batches of %d, "
                            + "%.2f ms/batch); raw JDBC batch insert %,.0f rows/s (%.2f ms/batch); raw JDBC one statement per row, "
                            + "one transaction per %d rows: %,.0f rows/s (%.2f ms/batch)%n",
                    engine.name(), entries / targetSeconds, MEASURED_BATCHES, BATCH, targetSeconds * 1000 / MEASURED_BATCHES,
                    entries / rawSeconds, rawSeconds * 1000 / MEASURED_BATCHES, BATCH, entries / statementSeconds,
                    statementSeconds * 1000 / MEASURED_BATCHES);
        } finally {
            pool.shutdown();
        }
    }

    private static void rawStatements(ReusedConnectionDataSource pool, int batch) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            for (int i = 0; i < BATCH; i++) {
                long id = (long) batch * BATCH + i + 1;
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO via_jdbc (id, name, amount) VALUES (?, ?, ?)")) {
                    insert.setLong(1, id);
                    insert.setString(2, "row-" + id);
                    insert.setBigDecimal(3, new BigDecimal(id + ".25"));
                    insert.executeUpdate();
                }
            }
            connection.commit();
        }
    }

    private static void rawBatch(ReusedConnectionDataSource pool, int batch) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO via_jdbc (id, name, amount) VALUES (?, ?, ?)")) {
                for (int i = 0; i < BATCH; i++) {
                    long id = (long) batch * BATCH + i + 1;
                    insert.setLong(1, id);
                    insert.setString(2, "row-" + id);
                    insert.setBigDecimal(3, new BigDecimal(id + ".25"));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        }
    }
}
