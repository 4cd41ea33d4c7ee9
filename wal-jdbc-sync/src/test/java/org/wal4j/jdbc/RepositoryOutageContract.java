package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsModel;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;
import org.wal4j.jdbc.testing.TradeRow;

/**
 * The database stops in the middle of a stream of calls through a {@link DurableRepository}
 * over the real file log, while writer threads keep calling, and comes back: every call is
 * applied exactly once and in its account's order (checked against {@link AccountsModel}), the
 * results that calls and futures returned are the database's, calls made during the outage
 * answered as documented (void: durable; value: {@link NotYetAppliedException}; future: later),
 * and the checkpoint row only moved forward. One subclass per engine.
 */
@Timeout(240)
abstract class RepositoryOutageContract {
    private static final int WRITERS = 4;
    private static final int ACCOUNTS_PER_WRITER = 2;
    private static final int CALLS_PER_WRITER = 90;

    @TempDir
    Path logDir;

    abstract DatabaseEngine engine();

    @Test
    void databaseStopsMidStream_everyCallIsAppliedOnceInLaneOrder() throws Exception {
        TestDatabase db = engine().createDatabase("outage");
        AccountsSchema.create(db);
        AccountsModel model = new AccountsModel();
        Map<String, BigDecimal> returned = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<BigDecimal>> futures = new ConcurrentHashMap<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        AtomicBoolean down = new AtomicBoolean();
        AtomicInteger duringOutage = new AtomicInteger();
        AtomicInteger notYetApplied = new AtomicInteger();
        CheckpointWatch checkpoints = new CheckpointWatch(JdbcSyncTarget.builder("primary", db.dataSource()).build());
        long started = System.nanoTime();
        try (AccountsApplication app = new AccountsApplication(db.dataSource(), logDir, (a, t) -> { },
                RepositoryOptions.builder().applyWait(Duration.ofSeconds(2)).readYourWrites(Duration.ofSeconds(60)))) {
            AccountDao accounts = app.accounts;
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(new Thread(() -> {
                    try {
                        write(accounts, writer, model, returned, futures, down, duringOutage, notYetApplied);
                    } catch (Throwable t) {
                        unexpected.add(t);
                    }
                }, "writer-" + w));
            }
            checkpoints.start();
            writers.forEach(Thread::start);
            awaitAcknowledged(model, WRITERS * CALLS_PER_WRITER / 3);
            down.set(true);
            engine().stop();
            awaitCallsDuringOutage(duringOutage, 30);
            engine().start();
            down.set(false);
            for (Thread writer : writers) {
                writer.join(TimeUnit.MINUTES.toMillis(2));
            }
            assertEquals(List.of(), unexpected);
            for (int w = 0; w < WRITERS; w++) {
                for (int a = 0; a < ACCOUNTS_PER_WRITER; a++) {
                    accounts.balance(account(w, a)); // read-your-writes: flushes the lane first
                }
            }
            for (CompletableFuture<BigDecimal> future : futures.values()) {
                future.get(60, TimeUnit.SECONDS);
            }
            try (Stream<DeadLetter> dead = app.wal.admin().deadLetters(DeadLetterFilter.all())) {
                assertEquals(List.of(), dead.collect(Collectors.toList()), "an outage dead-letters nothing");
            }
        } finally {
            engine().start();
            checkpoints.stop();
        }

        List<TradeRow> rows = AccountsSchema.allTrades(db);
        AccountsModel.Verification found = model.verify(rows, AccountsSchema.balances(db));
        Map<String, BigDecimal> balanceAfter = rows.stream().collect(Collectors.toMap(TradeRow::tradeId,
                TradeRow::balanceAfter));
        returned.forEach((trade, balance) -> assertEquals(balanceAfter.get(trade), balance, "result of " + trade));
        futures.forEach((trade, future) -> assertEquals(balanceAfter.get(trade), future.join(), "future of " + trade));
        assertEquals(WRITERS * CALLS_PER_WRITER, found.rows());
        assertEquals(WRITERS * CALLS_PER_WRITER, found.acknowledged());
        assertEquals(WRITERS * CALLS_PER_WRITER + WRITERS * ACCOUNTS_PER_WRITER, db.count("wal4j_applied_keys"));
        checkpoints.assertMovedOnlyForward(WRITERS * CALLS_PER_WRITER + WRITERS * ACCOUNTS_PER_WRITER);
        System.out.printf("[wal4j-test] repository outage on %s: %d calls (%d answered during the outage, %d with "
                        + "NotYetAppliedException, %d futures), each applied once in lane order; checkpoint read %d times, "
                        + "never moved back; %d ms%n", engine().name(), found.rows(), duringOutage.get(), notYetApplied.get(),
                futures.size(), checkpoints.reads(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static void write(AccountDao accounts, int writer, AccountsModel model, Map<String, BigDecimal> returned,
                              Map<String, CompletableFuture<BigDecimal>> futures, AtomicBoolean down,
                              AtomicInteger duringOutage, AtomicInteger notYetApplied) throws Exception {
        Random random = new Random(writer);
        for (int a = 0; a < ACCOUNTS_PER_WRITER; a++) {
            accounts.open(account(writer, a), "owner " + writer);
        }
        for (int i = 1; i <= CALLS_PER_WRITER; i++) {
            String account = account(writer, i % ACCOUNTS_PER_WRITER);
            Trade trade = new Trade("w" + writer + "-" + i, BigDecimal.valueOf(100 + random.nextInt(9900), 2), i);
            model.attempted(account, trade);
            boolean wasDown = down.get();
            switch (i % 3) {
                case 0:
                    accounts.post(account, trade);
                    break;
                case 1:
                    try {
                        returned.put(trade.tradeId(), accounts.book(account, trade));
                    } catch (NotYetAppliedException e) {
                        notYetApplied.incrementAndGet();
                    }
                    break;
                default:
                    futures.put(trade.tradeId(), accounts.submit(account, trade));
                    break;
            }
            model.acknowledged(trade.tradeId());
            if (wasDown || down.get()) {
                duringOutage.incrementAndGet();
            }
            Thread.sleep(5);
        }
    }

    /**
     * Keeps the database down until the writers made {@code count} calls meanwhile (at least 1 s):
     * how long that takes depends on how fast the engine's driver reports a refused connection
     * (H2's client retries for 2 s), which opens the breaker, after which calls stop waiting.
     */
    private static void awaitCallsDuringOutage(AtomicInteger duringOutage, int count) throws InterruptedException {
        long start = System.nanoTime();
        while (duringOutage.get() < count || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                throw new AssertionError("writers made only " + duringOutage.get() + " calls in 60 s of outage");
            }
            Thread.sleep(20);
        }
    }

    private static String account(int writer, int index) {
        return "acct-" + writer + "-" + index;
    }

    private static void awaitAcknowledged(AccountsModel model, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (model.acknowledgedCount() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + model.acknowledgedCount() + " of " + count + " calls returned in 60 s");
            }
            Thread.sleep(10);
        }
    }

    /** Reads the target's checkpoint row every 20 ms and fails if it ever moves back. */
    static final class CheckpointWatch {
        private final JdbcSyncTarget reader;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Long> seen = new CopyOnWriteArrayList<>();
        private final Thread thread;

        CheckpointWatch(JdbcSyncTarget reader) {
            this.reader = reader;
            this.thread = new Thread(this::run, "checkpoint-watch");
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (running.get()) {
                try {
                    reader.checkpoint().ifPresent(seen::add);
                } catch (JdbcTargetException unavailable) {
                    // the database is down; read again when it is back
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        int reads() {
            return seen.size();
        }

        void assertMovedOnlyForward(long atLeast) {
            reader.checkpoint().ifPresent(seen::add);
            for (int i = 1; i < seen.size(); i++) {
                if (seen.get(i) < seen.get(i - 1)) {
                    throw new AssertionError("checkpoint moved back from " + seen.get(i - 1) + " to " + seen.get(i)
                            + "; all reads: " + seen);
                }
            }
            long last = seen.get(seen.size() - 1);
            assertTrue(last >= atLeast, "checkpoint " + last + " covers every entry (" + atLeast + ")");
        }
    }
}
