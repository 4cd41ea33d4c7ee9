package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.ApplyResult.FailureKind;
import org.wal4j.Backoff;
import org.wal4j.BreakerState;
import org.wal4j.DeadLetterFilter;
import org.wal4j.Lifecycle;
import org.wal4j.spi.TargetHealth;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.StoppedServer;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * A hung database for real (RELIABILITY row 19, issue item 15): the embedded PostgreSQL server,
 * postmaster and backends, stopped with {@code SIGSTOP} ({@link StoppedServer}), so that open
 * connections block in socket reads and new ones are accepted by the kernel and never answered.
 * Every test resumes it with {@code SIGCONT} in a finally (and a shutdown hook does if the JVM
 * ends first). The target's probe answers DOWN within its timeout; an apply with a statement in
 * flight fails at the target's network timeout, or is abandoned by the engine's watchdog; either
 * way the breaker opens, no attempt is charged, and after the server resumes every entry is
 * applied exactly once. Calls under test run on a thread of the test's own and are waited for
 * with a deadline, so a regression fails the test instead of hanging it.
 */
@Timeout(120)
class PostgresHungDatabaseTest {
    /** Time allowed beyond a deadline for thread hand-offs and a loaded machine. */
    private static final Duration SLACK = Duration.ofMillis(1500);
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final String STOP_THEN_INSERT = "stop-then-insert";

    private static DatabaseEngine engine;
    private static TestDatabase db;

    @TempDir
    Path dir;

    @BeforeAll
    static void database() throws SQLException {
        engine = Engines.postgresql();
        db = engine.createDatabase("hung");
        db.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, lane VARCHAR(20) NOT NULL)");
    }

    @Test
    @SuppressWarnings("try") // the server stays stopped while the block runs; the body never uses the handle
    void probe_throughHikariCP_answersDownWithinItsTimeout_whileTheServerIsStopped() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setPoolName("hung-probe");
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcSyncTarget target = JdbcSyncTarget.builder("probe_pool", pool).probeTimeout(SHORT).build();
            assertEquals(TargetHealth.State.UP, target.probe().state());
            try (StoppedServer stopped = StoppedServer.stop(engine)) {
                // HikariCP validates a pooled connection (isValid) before handing it out once it
                // idled for 500 ms: that is where the probe blocked on a stopped server. Let it idle.
                Thread.sleep(600);
                for (int i = 0; i < 3; i++) {
                    TargetHealth health = within(SHORT.plus(SLACK), "probe " + i + " of a stopped server", target::probe);
                    assertEquals(TargetHealth.State.DOWN, health.state(), health.toString());
                }
            }
            awaitUp(target);
        }
    }

    @Test
    @SuppressWarnings("try") // the server stays stopped while the block runs; the body never uses the handle
    void probe_ofANonPooledDataSource_answersDownWithinItsTimeout_andHoldsAtMostFourThreads() throws Exception {
        JdbcSyncTarget target = JdbcSyncTarget.builder("probe_plain", db.dataSource()).probeTimeout(SHORT).build();
        assertEquals(TargetHealth.State.UP, target.probe().state());
        try (StoppedServer stopped = StoppedServer.stop(engine)) {
            List<String> details = new ArrayList<>();
            for (int i = 0; i < BoundedConnections.MAX_ABANDONED_CONNECTS + 2; i++) {
                TargetHealth health = within(SHORT.plus(SLACK), "probe " + i + " of a stopped server", target::probe);
                assertEquals(TargetHealth.State.DOWN, health.state(), health.toString());
                details.add(health.detail());
            }
            // a fresh connection waits for the startup handshake, which a stopped server never answers
            assertTrue(details.get(0).startsWith("target 'probe_plain': SQLSTATE 08001, vendor code 0: target "
                    + "'probe_plain': probe (getConnection and isValid) gave no answer within 1000 ms"), details.get(0));
            String last = details.get(details.size() - 1);
            assertTrue(last.contains("probe (getConnection and isValid) not attempted: 4 earlier getConnection calls that "
                    + "were given up have not returned (the database or the pool does not answer)"), last);
        }
        awaitUp(target);
    }

    @Test
    void apply_withAStatementInFlight_failsAtItsNetworkTimeout_andAppliesOnceAfterTheServerResumes()
            throws Exception {
        AtomicReference<StoppedServer> stopped = new AtomicReference<>();
        AtomicLong stoppedAt = new AtomicLong();
        JdbcSyncTarget target = JdbcSyncTarget.builder("apply_own", db.dataSource()).networkTimeout(SHORT)
                .connectionTimeout(SHORT).probeTimeout(SHORT)
                .applier(STOP_THEN_INSERT, stopThenInsert(stopped, stoppedAt)).build();
        target.createSchema();
        List<WalEntry> batch = List.of(stopThenInsertEntry(1001).build().withSeq(1));
        try {
            ApplyResult result = within(Duration.ofSeconds(20), "an apply on a server that stops", () -> target.apply(batch));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt.get());
            assertTrue(stopped.get() != null, "the applier stopped the server");
            assertFalse(result.allApplied(), result.toString());
            assertEquals(0, result.failedIndex());
            assertEquals(FailureKind.RETRYABLE, result.failureKind().orElseThrow(), result.toString());
            assertTrue(tookMillis < SHORT.plus(SLACK).toMillis(), "the apply ended " + tookMillis
                    + " ms after the server stopped, with a 1000 ms network timeout: " + result);

            long started = System.nanoTime();
            ApplyResult whileStopped = within(Duration.ofSeconds(20), "an apply while the server is stopped",
                    () -> target.apply(batch));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(FailureKind.RETRYABLE, whileStopped.failureKind().orElseThrow(), whileStopped.toString());
            assertTrue(whileStopped.reason().contains("cannot get a connection; nothing was applied: SQLSTATE 08001, "
                    + "vendor code 0: target 'apply_own': getConnection gave no answer within 1000 ms"),
                    whileStopped.reason());
            assertTrue(waitedMillis < SHORT.plus(SLACK).toMillis(), "waited " + waitedMillis + " ms for a connection");
        } finally {
            resume(stopped);
        }
        ApplyResult retried = target.apply(batch);
        assertTrue(retried.allApplied(), retried.toString());
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM item WHERE id = 1001"));
        assertEquals(1, appliedKeys("apply_own"));
    }

    @Test
    void wal_targetsOwnNetworkTimeout_endsTheHungApply_opensTheBreaker_chargesNothing_andDrainsOnceAfter()
            throws Exception {
        JdbcSyncTarget.Builder target = JdbcSyncTarget.builder("wal_own", db.dataSource()).networkTimeout(SHORT)
                .connectionTimeout(SHORT).probeTimeout(SHORT);
        hungDatabaseThroughAWal(target, Duration.ofSeconds(60), SHORT, 2000);
    }

    @Test
    void wal_enginesWatchdog_abandonsTheHungApply_opensTheBreaker_chargesNothing_andDrainsOnceAfter()
            throws Exception {
        // no network timeout: only the engine's targetCallTimeout ends the apply
        JdbcSyncTarget.Builder target = JdbcSyncTarget.builder("wal_watchdog", db.dataSource())
                .networkTimeout(Duration.ZERO).probeTimeout(SHORT);
        // long enough for the calls before the stop on a loaded machine (a new connection, the keys)
        Duration callTimeout = Duration.ofSeconds(2);
        hungDatabaseThroughAWal(target, callTimeout, callTimeout, 3000);
    }

    /**
     * Writes {@code entries} across four lanes behind an entry whose applier stops the server in
     * the middle of its transaction; the apply must end within {@code deadline} of the stop (the
     * breaker opens), no attempt is charged while the server stays stopped through a failed trial
     * call, and after it resumes every entry is applied exactly once.
     */
    private void hungDatabaseThroughAWal(JdbcSyncTarget.Builder targetBuilder, Duration targetCallTimeout,
                                         Duration deadline, long firstId) throws Exception {
        AtomicReference<StoppedServer> stopped = new AtomicReference<>();
        AtomicLong stoppedAt = new AtomicLong();
        JdbcSyncTarget target = targetBuilder.applier(STOP_THEN_INSERT, stopThenInsert(stopped, stoppedAt)).build();
        target.createSchema();
        String name = target.name();
        List<BreakerStateChanged> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
        WalConfig config = WalConfig.builder().targetCallTimeout(targetCallTimeout).breakerMinimumCalls(1)
                .breakerSlidingWindowSize(1).breakerOpenDuration(Duration.ofMillis(500))
                .breakerProbeInterval(Duration.ofMillis(200)).stopTimeout(Duration.ofSeconds(10))
                .defaultLifecycle(Lifecycle.builder().backoff(Backoff.FIXED).backoffBase(Duration.ofMillis(50))
                        .maxAttempts(3).build())
                .build();
        int entries = 40;
        try (Wal wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(dir))).config(config)
                .target(target).listener(event -> {
                    if (event instanceof BreakerStateChanged) {
                        transitions.add((BreakerStateChanged) event);
                    }
                }).build().start()) {
            try {
                long last = wal.write(stopThenInsertEntry(firstId)).seq();
                for (int i = 1; i < entries; i++) {
                    String lane = "lane" + (i % 4);
                    last = wal.write(SqlStatementEntry.builder("items", "INSERT INTO item VALUES (?, ?)",
                            firstId + i, lane).key(lane)).seq();
                }
                await(() -> stoppedAt.get() != 0, "the applier stops the server");
                assertEquals(List.of(), transitions, "the breaker changed before the server stopped");
                await(() -> wal.stats().target(name).breakerState() == BreakerState.OPEN, "the breaker opens");
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt.get());
                assertTrue(tookMillis < deadline.plus(SLACK).toMillis(), "the breaker opened " + tookMillis
                        + " ms after the server stopped, with a deadline of " + deadline.toMillis() + " ms");
                // other partitions may have committed entries of other lanes before the stop (their
                // calls in flight at the stop hang and are abandoned like this one): from here on,
                // nothing more may be applied until the server resumes
                long appliedBeforeTheStop = wal.stats().target(name).applied();
                // the server stays stopped through a trial call that fails
                await(() -> transitions.size() >= 3, "a trial call fails while the server is stopped");
                assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN"), transitions.subList(0, 3)
                        .stream().map(t -> t.from() + "->" + t.to()).toList());
                assertEquals(0, wal.stats().target(name).retried(), "a hung database charges no attempt");
                assertEquals(appliedBeforeTheStop, wal.stats().target(name).applied(),
                        "nothing applied while the server is stopped");
                resume(stopped);
                for (long seq = 1; seq <= last; seq++) {
                    wal.awaitApplied(seq, Duration.ofMinutes(1)).get(60, TimeUnit.SECONDS);
                }
                assertEquals(0, wal.admin().deadLetters(DeadLetterFilter.all()).count(), "nothing dead-lettered");
            } finally {
                resume(stopped);
            }
        }
        assertEquals(entries, db.queryLong("SELECT COUNT(*) FROM item WHERE id >= ? AND id < ?", firstId,
                firstId + entries), "every entry applied once");
        assertEquals(entries, appliedKeys(name), "one applied key per entry");
    }

    /** An applier that stops the server (the first time) and then inserts the entry's row on its connection. */
    private static EntryApplier stopThenInsert(AtomicReference<StoppedServer> stopped, AtomicLong stoppedAt) {
        return (entry, connection) -> {
            synchronized (stopped) {
                if (stopped.get() == null) {
                    stopped.set(StoppedServer.stop(engine));
                    stoppedAt.set(System.nanoTime());
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO item VALUES (?, 'stopper')")) {
                insert.setLong(1, Long.parseLong(entry.payload().replaceAll("[^0-9]", "")));
                insert.executeUpdate();
            }
        };
    }

    private static WalEntry.Builder stopThenInsertEntry(long id) {
        return WalEntry.builder("items", STOP_THEN_INSERT).key("lane0").payloadJson("{\"id\":" + id + "}");
    }

    private static void resume(AtomicReference<StoppedServer> stopped) {
        synchronized (stopped) {
            if (stopped.get() != null) {
                stopped.get().resume();
            }
        }
    }

    private static long appliedKeys(String target) throws SQLException {
        return db.queryLong("SELECT COUNT(*) FROM " + JdbcSyncTarget.DEFAULT_APPLIED_KEYS_TABLE
                + " WHERE target_name = ?", target);
    }

    private static void awaitUp(JdbcSyncTarget target) throws Exception {
        await(() -> within(SHORT.plus(SLACK), "a probe after the server resumed", target::probe).state()
                == TargetHealth.State.UP, "the probe answers UP once the server resumed");
    }

    /** Runs {@code call} on a thread of its own; fails the test if it has not answered within {@code limit}. */
    private static <T> T within(Duration limit, String what, Supplier<T> call) throws InterruptedException {
        CompletableFuture<T> answer = CompletableFuture.supplyAsync(call, runnable -> {
            Thread thread = new Thread(runnable, "hung-database-test-call");
            thread.setDaemon(true);
            thread.start();
        });
        try {
            return answer.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail(what + ": no answer within " + limit.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError(what + " threw " + e.getCause(), e.getCause());
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within 30 s");
            }
            Thread.sleep(10);
        }
    }
}
