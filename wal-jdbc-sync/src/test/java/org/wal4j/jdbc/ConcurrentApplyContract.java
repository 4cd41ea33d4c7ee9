package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyResult;

/**
 * {@link JdbcSyncTarget#apply} called concurrently from several threads with batches of disjoint
 * lanes, as the engine does for its apply partitions: every entry applied exactly once, each lane
 * in order, no deadlock, and the transactions really run at the same time. One subclass per engine.
 *
 * <p>A lane's entries form a chain: entry k of lane L moves L's row from position k-1 to k and
 * counts itself, so an entry applied out of its lane's order matches no row and the count falls
 * short, and an entry applied twice counts twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrentApplyContract {
    private static final int THREADS = 4;
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicLong seqs = new AtomicLong();
    private TestDatabase db;
    private ExecutorService pool;

    abstract DatabaseEngine engine();

    @BeforeAll
    void start() {
        db = engine().createDatabase(getClass().getSimpleName());
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    private String newLaneTable(int lanes) throws SQLException {
        String table = "lanes_" + counter.incrementAndGet();
        db.execute("CREATE TABLE " + table + " (lane VARCHAR(40) PRIMARY KEY, pos INT NOT NULL, applied INT NOT NULL)");
        for (int lane = 0; lane < lanes; lane++) {
            db.execute("INSERT INTO " + table + " (lane, pos, applied) VALUES ('lane-" + lane + "', 0, 0)");
        }
        return table;
    }

    /** Entry {@code k} (from 1) of {@code lane}: moves its row from position k-1 to k. */
    private WalEntry step(String table, int lane, int k) {
        return SqlStatementEntry.builder("test", "UPDATE " + table + " SET pos = ?, applied = applied + 1 WHERE lane = ? "
                + "AND pos = ?", k, "lane-" + lane, k - 1).key("lane-" + lane).build().withSeq(seqs.incrementAndGet());
    }

    /** {@code perLane} entries for each of {@code lanes}, interleaved in seq order, cut into batches of {@code size}. */
    private List<List<WalEntry>> batches(String table, List<Integer> lanes, int perLane, int size) {
        List<WalEntry> all = new ArrayList<>();
        for (int k = 1; k <= perLane; k++) {
            for (int lane : lanes) {
                all.add(step(table, lane, k));
            }
        }
        List<List<WalEntry>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            batches.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return batches;
    }

    private void assertEachLaneAppliedOnceInOrder(String table, int lanes, int perLane) throws SQLException {
        for (int lane = 0; lane < lanes; lane++) {
            assertEquals(perLane, db.queryLong("SELECT pos FROM " + table + " WHERE lane = ?", "lane-" + lane),
                    "lane-" + lane + " position");
            assertEquals(perLane, db.queryLong("SELECT applied FROM " + table + " WHERE lane = ?", "lane-" + lane),
                    "lane-" + lane + " entries applied");
        }
    }

    @Test
    void apply_fromSeveralThreadsOnDisjointLanes_appliesEachEntryOnceInLaneOrder() throws Exception {
        int lanesPerThread = 5;
        int perLane = 30;
        String table = newLaneTable(THREADS * lanesPerThread);
        JdbcSyncTarget target = JdbcSyncTarget.builder("concurrent" + counter.incrementAndGet(), db.dataSource())
                .purgeInterval(Duration.ZERO).build();
        List<List<List<WalEntry>>> work = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Integer> lanes = new ArrayList<>();
            for (int i = 0; i < lanesPerThread; i++) {
                lanes.add(t * lanesPerThread + i);
            }
            work.add(batches(table, lanes, perLane, 20));
        }
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<Integer>> threads = new ArrayList<>();
        for (List<List<WalEntry>> mine : work) {
            threads.add(pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                int retries = 0;
                for (int b = 0; b < mine.size(); b++) {
                    // every batch but the first is delivered with its predecessor again: a redelivery after a crash
                    List<WalEntry> batch = new ArrayList<>(b == 0 ? List.of() : mine.get(b - 1));
                    batch.addAll(mine.get(b));
                    ApplyResult result = target.apply(batch);
                    while (!result.allApplied()) {
                        // a deadlock detected by the database would be retryable; count it and try again
                        assertEquals(ApplyResult.Outcome.RETRYABLE, result.outcome(result.failedIndex()), result::toString);
                        retries++;
                        result = target.apply(batch);
                    }
                }
                return retries;
            }));
        }
        int retries = 0;
        for (Future<Integer> thread : threads) {
            retries += thread.get(120, TimeUnit.SECONDS);
        }

        assertEquals(0, retries, "disjoint lanes share no row: no lock waits, no deadlocks");
        assertEachLaneAppliedOnceInOrder(table, THREADS * lanesPerThread, perLane);
        assertEquals(THREADS * lanesPerThread * perLane, db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys "
                + "WHERE target_name = ?", target.name()));
        assertEquals(OptionalLong.of(seqs.get()), target.checkpoint());
    }

    @Test
    void apply_fromFourThreads_runsTheFourTransactionsAtTheSameTime() throws Exception {
        String table = newLaneTable(THREADS);
        CyclicBarrier inside = new CyclicBarrier(THREADS);
        JdbcSyncTarget target = JdbcSyncTarget.builder("overlap" + counter.incrementAndGet(), db.dataSource())
                .purgeInterval(Duration.ZERO)
                // each waits inside its transaction (keys and first statement done) until all four are there
                .applier("rendezvous", (entry, connection) -> {
                    try {
                        inside.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new SQLException("the other transactions did not arrive: " + e, e);
                    }
                }).build();
        target.createSchema();
        List<Future<ApplyResult>> calls = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<WalEntry> batch = List.of(step(table, t, 1), WalEntry.builder("test", "rendezvous").key("lane-" + t)
                    .payloadJson("{}").build().withSeq(seqs.incrementAndGet()), step(table, t, 2));
            calls.add(pool.submit(() -> target.apply(batch)));
        }
        for (Future<ApplyResult> call : calls) {
            ApplyResult result = call.get(60, TimeUnit.SECONDS);
            assertTrue(result.allApplied(), result::toString);
        }
        assertEachLaneAppliedOnceInOrder(table, THREADS, 2);
    }

    @Test
    void apply_ofFourSlowBatchesFromFourThreads_takesAboutAsLongAsOne() throws Exception {
        String table = newLaneTable(THREADS);
        long sleepMillis = 400;
        JdbcSyncTarget target = JdbcSyncTarget.builder("slow" + counter.incrementAndGet(), db.dataSource())
                .purgeInterval(Duration.ZERO)
                .applier("slow", (entry, connection) -> sleepInTransaction(connection, sleepMillis)).build();
        target.createSchema();
        List<List<WalEntry>> batches = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            batches.add(List.of(step(table, t, 1), WalEntry.builder("test", "slow").key("lane-" + t).payloadJson("{}")
                    .build().withSeq(seqs.incrementAndGet())));
        }
        String warm = newLaneTable(1);
        long oneStarted = System.nanoTime();
        assertTrue(target.apply(List.of(step(warm, 0, 1), WalEntry.builder("test", "slow").key("lane-0").payloadJson("{}")
                .build().withSeq(seqs.incrementAndGet()))).allApplied());
        long one = System.nanoTime() - oneStarted;

        long started = System.nanoTime();
        List<Future<ApplyResult>> calls = new ArrayList<>();
        for (List<WalEntry> batch : batches) {
            calls.add(pool.submit(() -> target.apply(batch)));
        }
        for (Future<ApplyResult> call : calls) {
            ApplyResult result = call.get(60, TimeUnit.SECONDS);
            assertTrue(result.allApplied(), result::toString);
        }
        long four = System.nanoTime() - started;

        System.out.printf("%s: one slow batch %d ms, four concurrent %d ms (%.2fx)%n", engine().name(),
                TimeUnit.NANOSECONDS.toMillis(one), TimeUnit.NANOSECONDS.toMillis(four), (double) four / one);
        assertTrue(four < 3 * one, "four concurrent batches took " + TimeUnit.NANOSECONDS.toMillis(four) + " ms, one "
                + TimeUnit.NANOSECONDS.toMillis(one) + " ms: they did not overlap");
        assertEachLaneAppliedOnceInOrder(table, THREADS, 1);
    }

    /** Sleeps in the database where it can (PostgreSQL, MariaDB), on the thread otherwise; inside the transaction either way. */
    private void sleepInTransaction(java.sql.Connection connection, long millis) throws SQLException {
        String sql = switch (engine().dialect()) {
            case POSTGRESQL -> "SELECT pg_sleep(" + millis / 1000.0 + ")";
            case MYSQL -> "SELECT SLEEP(" + millis / 1000.0 + ")";
            case H2 -> null;
        };
        if (sql == null) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
            return;
        }
        try (java.sql.Statement statement = connection.createStatement()) {
            statement.executeQuery(sql).close();
        }
    }
}
