package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.jdbc.testing.AccountsModel;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;

/**
 * The application is killed with {@code kill -9} while it applies, again and again: each cycle
 * runs {@link CrashingApplication} in a child JVM on the same log directory and database, lets
 * it book trades through the repository, and kills it right after it reports that an apply
 * transaction is open between its two statements, preferably while another partition's apply
 * transaction is open too (the target drains through several apply partitions at once; the run
 * reports how many kills landed so and the most transactions it saw open at once: on H2 two at
 * once are not always seen, so this is reported, not required). After the cycles, this JVM restarts the
 * application once more on the same log and database and lets it apply everything. Then the
 * database must hold every acknowledged trade exactly once, no trade twice, each account's
 * trades in call order with balances that add up ({@link AccountsModel}), and the checkpoint row,
 * read after every kill, must never have moved back.
 *
 * <p>{@value #DEFAULT_CYCLES} cycles per engine in the default suite; {@value #STRESS_CYCLES}
 * with {@code -Pstress}; {@code -Dwal4j.crash.cycles=N} overrides both (Surefire passes it to the
 * test JVM). One subclass per engine.
 */
@Timeout(value = 4, unit = TimeUnit.HOURS) // bounds the -Pstress run; each cycle has its own watchdog
abstract class RepositoryCrashContract {
    /** How long a cycle may run before its child is killed and the cycle fails. */
    private static final long CYCLE_LIMIT_SECONDS = 120;
    static final int DEFAULT_CYCLES = 5;
    /** 350 per engine: over 1,000 kill cycles in all. */
    static final int STRESS_CYCLES = 350;
    private static final int WRITERS = 3;
    /** 12 lanes over the default 4 apply partitions: several apply transactions are open at once. */
    private static final int ACCOUNTS_PER_WRITER = 4;
    /** A kill waits this many acknowledgements more for a moment with two transactions open, then takes any. */
    private static final int PATIENCE_ACKS = 200;

    @TempDir
    Path work;
    /** The most apply transactions any MID line reported open at once, over all cycles. */
    private final AtomicInteger mostOpen = new AtomicInteger();

    abstract DatabaseEngine engine();

    @Test
    void killedDuringApply_restartedOnTheSameLog_everyCallAppliedExactlyOnce() throws Exception {
        int cycles = Integer.getInteger("wal4j.crash.cycles", Boolean.getBoolean("wal4j.stress") ? STRESS_CYCLES
                : DEFAULT_CYCLES);
        TestDatabase db = engine().createDatabase("crash");
        AccountsSchema.create(db);
        Path logDir = work.resolve("log");
        AccountsModel model = new AccountsModel();
        JdbcSyncTarget checkpointReader = JdbcSyncTarget.builder("primary", db.dataSource()).build();
        Random random = new Random(42);
        long checkpoint = 0;
        int killedMidTransaction = 0;
        int killedAmidPartitions = 0;
        mostOpen.set(0);
        long started = System.nanoTime();
        for (int cycle = 0; cycle < cycles; cycle++) {
            Kill kill = runAndKill(db, logDir, cycle, model, 20 + random.nextInt(60));
            if (!tradeExists(db, kill.tradeId())) {
                killedMidTransaction++;
            }
            if (kill.openTransactions() >= 2) {
                killedAmidPartitions++;
            }
            OptionalLong now = checkpointReader.checkpoint();
            if (now.isPresent()) {
                assertTrue(now.getAsLong() >= checkpoint, "checkpoint moved back from " + checkpoint + " to " + now
                        + " after cycle " + cycle);
                checkpoint = now.getAsLong();
            }
        }
        try (AccountsApplication app = new AccountsApplication(db.dataSource(), logDir, (a, t) -> { },
                RepositoryOptions.builder())) {
            for (int w = 0; w < WRITERS; w++) {
                for (int a = 0; a < ACCOUNTS_PER_WRITER; a++) {
                    app.flush(CrashingApplication.account(w, a), Duration.ofMinutes(2));
                }
            }
        }
        long last = checkpointReader.checkpoint().orElseThrow();
        assertTrue(last >= checkpoint, "checkpoint moved back from " + checkpoint + " to " + last + " after the restart");

        AccountsModel.Verification found = model.verify(AccountsSchema.allTrades(db), AccountsSchema.balances(db));
        assertEquals(found.rows() + WRITERS * ACCOUNTS_PER_WRITER, db.count("wal4j_applied_keys"),
                "one applied key per trade and account opening");
        assertTrue(killedMidTransaction > 0, "at least one kill landed inside an apply transaction");
        System.out.printf("[wal4j-test] repository crash on %s: %d kill -9 cycles (%d inside an apply transaction, "
                        + "%d with two or more partitions' transactions open; at most %d open at once), "
                        + "%d calls acknowledged and each applied exactly once, %d unacknowledged calls absent, %d trade rows, "
                        + "lane order kept, checkpoint %d never moved back; %d ms%n", engine().name(), cycles,
                killedMidTransaction, killedAmidPartitions, mostOpen.get(), found.acknowledged(), found.unacknowledgedAbsent(),
                found.rows(), last, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Where a kill landed: the trade whose transaction was open, and how many were open then. */
    private record Kill(String tradeId, int openTransactions) {
    }

    /**
     * Runs one cycle of the child and kills it on the first MID line after {@code acks}
     * acknowledgements of this cycle that reports two transactions open (any MID line once
     * {@value #PATIENCE_ACKS} more calls were acknowledged).
     *
     * @return the trade whose apply transaction was open when the kill was sent, and how many were
     */
    private Kill runAndKill(TestDatabase db, Path logDir, int cycle, AccountsModel model, int acks)
            throws IOException, InterruptedException {
        Path stderr = work.resolve("child-" + cycle + ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), CrashingApplication.class.getName(),
                db.jdbcUrl(), db.user(), db.password(), logDir.toString(), Integer.toString(cycle),
                Boolean.toString(cycle == 0), Integer.toString(WRITERS), Integer.toString(ACCOUNTS_PER_WRITER))
                .redirectError(stderr.toFile())
                .start();
        AtomicReference<Kill> killedAt = new AtomicReference<>();
        AtomicInteger acknowledged = new AtomicInteger();
        List<String> errors = new ArrayList<>();
        Thread watchdog = new Thread(() -> {
            try {
                if (!child.waitFor(CYCLE_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    child.toHandle().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "crash-cycle-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "TRY":
                        model.attempted(f[1], new Trade(f[2], new BigDecimal(f[4]), Long.parseLong(f[3])));
                        break;
                    case "ACK":
                        model.acknowledged(f[1]);
                        acknowledged.incrementAndGet();
                        break;
                    case "MID":
                        int open = Integer.parseInt(f[2]);
                        mostOpen.accumulateAndGet(open, Math::max);
                        if (acknowledged.get() >= acks && killedAt.get() == null
                                && (open >= 2 || acknowledged.get() >= acks + PATIENCE_ACKS)) {
                            // SIGKILL, leaving the pipe open so that the lines written before it can still be read
                            child.toHandle().destroyForcibly();
                            killedAt.set(new Kill(f[1], open));
                        }
                        break;
                    case "OPENED":
                        break;
                    default:
                        errors.add(line);
                        break;
                }
            }
        } finally {
            child.destroyForcibly();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("child of cycle " + cycle + " did not end 60 s after SIGKILL");
            }
        }
        watchdog.interrupt();
        if (killedAt.get() == null || !errors.isEmpty()) {
            throw new AssertionError("child of cycle " + cycle + " ended by itself or was not killed within "
                    + CYCLE_LIMIT_SECONDS + " s (exit " + child.exitValue() + ") after " + acknowledged
                    + " acknowledgements; unexpected output " + errors + "; stderr:\n" + tail(stderr));
        }
        return killedAt.get();
    }

    private static boolean tradeExists(TestDatabase db, String tradeId) throws SQLException {
        return db.queryLong("SELECT COUNT(*) FROM trade WHERE trade_id = ?", tradeId) > 0;
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
