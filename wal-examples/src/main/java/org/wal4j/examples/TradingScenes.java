package org.wal4j.examples;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.examples.TradingDao.Position;
import org.wal4j.jdbc.CallReceipt;
import org.wal4j.jdbc.DurableRepository;
import org.wal4j.jdbc.NotYetAppliedException;

/**
 * Three short scenes after the trading, each a rule of {@code DurableRepository} shown on the
 * console, recorded in the {@link TradingModel}, and checked at the end ({@link #failures}):
 *
 * <ol>
 *   <li><b>A retried request id.</b> A deposit is sent twice with one request id, as a client does
 *       when it missed the answer: the retry writes nothing, answers the first call's cash, and
 *       the money arrives once.</li>
 *   <li><b>A rejected sale.</b> An account sells more shares than it holds: the DAO's declared
 *       {@link TradeRejectedException} ends the entry REJECTED after its one attempt (counted as
 *       rejected, not dead-lettered), nothing of it reaches the database, and the caller gets the
 *       exception.</li>
 *   <li><b>A transfer behind a backlog.</b> With the database down again, the paying account gets
 *       deposits only the log holds, then transfers more than the database shows it holding; the
 *       transfer is in both accounts' lanes (two {@code @LaneKey}s), so it is applied after those
 *       deposits (before them it would be refused), and a read of the receiving account with
 *       read-your-writes waits for the backlog and the transfer, and sees it.</li>
 * </ol>
 *
 * <p>Not thread-safe: the trader's thread runs the scenes (the third restores the database from a
 * thread of its own).
 */
final class TradingScenes {
    /** Calls the scenes add to the model, each applied once: one deposit, the backlog's deposits and the transfer. */
    static final int CALLS = 1 + 30 + 1;
    static final String PAYER = TradingScript.accountId(0);
    static final String PAYEE = TradingScript.accountId(1);
    static final String REJECTED_TRADE_ID = "R000001";
    private static final int BACKLOG = CALLS - 2;
    private static final BigDecimal BACKLOG_DEPOSIT = new BigDecimal("5000.00");
    private static final long OUTAGE_MILLIS = 1000;

    private final TradingDesk desk;
    private final TradingModel model;
    private final SwitchableDataSource database;
    private final Dashboard dashboard;
    private final List<String> failures = new ArrayList<>();
    private int requests;
    private boolean saleRefusedToCaller;
    private long readWaitedMillis = -1;

    TradingScenes(TradingDesk desk, TradingModel model, SwitchableDataSource database, Dashboard dashboard) {
        this.desk = desk;
        this.model = model;
        this.database = database;
        this.dashboard = dashboard;
    }

    /** Runs the three scenes in order; the database is up before and after. */
    void run() throws SQLException, TradeRejectedException, InterruptedException {
        retriedRequest();
        rejectedSale();
        transferBehindABacklog();
    }

    private String nextRequestId() {
        return String.format(Locale.ROOT, "dep-%04d", ++requests);
    }

    /** Scene 1: the same deposit twice under one request id. */
    void retriedRequest() throws SQLException {
        Wal wal = desk.wal();
        String account = TradingScript.accountId(2);
        BigDecimal amount = new BigDecimal("250.00");
        String requestId = nextRequestId();
        dashboard.say("Scene 1, a retried request: " + account + " deposits " + money(amount) + " with request id "
                + requestId + ".");
        BigDecimal first = desk.trading().deposit(account, amount, requestId);
        BigDecimal expected = model.deposit(account, amount);
        CallReceipt firstReceipt = DurableRepository.lastReceipt().orElseThrow();
        long writes = wal.stats().writes();
        dashboard.say("  answered: cash " + money(first) + " (entry seq " + firstReceipt.seq() + "). The client missed the "
                + "answer and sends the same request again:");
        BigDecimal retried = desk.trading().deposit(account, amount, requestId);
        CallReceipt retryReceipt = DurableRepository.lastReceipt().orElseThrow();
        boolean wroteNothing = wal.stats().writes() == writes;
        dashboard.say("  answered: cash " + money(retried) + ", the first call's answer, from entry seq " + retryReceipt.seq()
                + (retryReceipt.duplicate() ? " (a duplicate)" : "") + "; " + (wroteNothing ? "nothing written to the "
                + "log" : "AN ENTRY WAS WRITTEN") + ". The deposit is applied once.");
        if (!LedgerCheck.sameAmount(first, expected)) {
            failures.add("the deposit " + requestId + " answered cash " + first + ", the model expects " + expected);
        }
        if (retried.compareTo(first) != 0 || retried.scale() != first.scale()) {
            failures.add("the retry of " + requestId + " answered " + retried + ", the first call answered " + first);
        }
        if (!retryReceipt.duplicate() || retryReceipt.seq() != firstReceipt.seq() || !wroteNothing) {
            failures.add("the retry of " + requestId + " was written as a new call: " + retryReceipt + " after "
                    + firstReceipt);
        }
    }

    /** Scene 2: selling more shares than the account holds. */
    void rejectedSale() throws SQLException {
        Position held = model.accountIds().stream().flatMap(id -> model.positions(id).values().stream()).findFirst()
                .orElse(new Position(PAYER, "AAPL", 0, BigDecimal.ZERO));
        int quantity = held.quantity() + 10;
        BigDecimal price = held.quantity() == 0 ? new BigDecimal("100.00")
                : held.cost().divide(BigDecimal.valueOf(held.quantity()), 2, RoundingMode.HALF_EVEN);
        Trade trade = new Trade(REJECTED_TRADE_ID, held.symbol(), quantity, price);
        dashboard.say("Scene 2, a rejected sale: " + held.accountId() + " sells " + quantity + " " + held.symbol()
                + " but holds " + held.quantity() + ".");
        try {
            BigDecimal profit = desk.trading().closePosition(held.accountId(), trade);
            failures.add("the sale " + REJECTED_TRADE_ID + " of more shares than held was applied, profit " + profit);
        } catch (TradeRejectedException e) {
            saleRefusedToCaller = true;
            dashboard.say("  the caller gets TradeRejectedException: " + e.getMessage());
            dashboard.say("  the DAO declares it, so wal4j takes it as a verdict: the entry is REJECTED after one "
                    + "attempt, not retried, not a dead letter; nothing of it stays in the database.");
        } catch (NotYetAppliedException e) {
            failures.add("the sale " + REJECTED_TRADE_ID + " was not answered while the database was up: " + e);
        }
    }

    /** Scene 3: deposits behind an outage, a transfer behind them, a read of the receiving account. */
    void transferBehindABacklog() throws SQLException, TradeRejectedException, InterruptedException {
        BigDecimal before = model.cash(PAYER);
        BigDecimal amount = before.add(BACKLOG_DEPOSIT.multiply(BigDecimal.valueOf(BACKLOG / 2)));
        dashboard.say("Scene 3, a transfer behind a backlog.");
        database.cutOff();
        dashboard.say(">>> The database goes down again.");
        int deferred = 0;
        for (int i = 0; i < BACKLOG; i++) {
            try {
                desk.trading().deposit(PAYER, BACKLOG_DEPOSIT, nextRequestId());
            } catch (NotYetAppliedException e) {
                deferred++;
            }
            model.deposit(PAYER, BACKLOG_DEPOSIT);
        }
        dashboard.say(String.format(Locale.ROOT, "  %s deposits %d x %,.2f (%d answered \"not yet applied\": each is "
                + "durable in the log).", PAYER, BACKLOG, BACKLOG_DEPOSIT, deferred));
        desk.trading().transfer(PAYER, PAYEE, amount);
        model.transfer(PAYER, PAYEE, amount);
        long pending = desk.pending();
        dashboard.say(String.format(Locale.ROOT, "  %s transfers %,.2f to %s: more than the %,.2f the database shows it "
                + "holding, so it passes only if applied after those deposits. %d calls wait in the log.", PAYER,
                amount, PAYEE, before, pending));
        Thread restorer = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(OUTAGE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            database.restore();
            dashboard.say(">>> The database is back.");
        }, "demo-database-restorer");
        restorer.start();
        dashboard.say("  " + PAYEE + " reads its cash now, with read-your-writes (the database returns in "
                + OUTAGE_MILLIS / 1000.0 + " s):");
        long start = System.nanoTime();
        BigDecimal read;
        try {
            read = desk.trading().cash(PAYEE);
        } catch (SQLException e) {
            // only if the read did not wait: nothing pending in PAYEE's lane, the database still down
            failures.add("the read of " + PAYEE + " with read-your-writes did not wait for the transfer from " + PAYER
                    + " (it ran while the database was down: " + e.getMessage() + ")");
            restorer.join();
            return;
        }
        readWaitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        restorer.join();
        BigDecimal expected = model.cash(PAYEE);
        dashboard.say(String.format(Locale.ROOT, "  %s's read waited %d ms, for %s's backlog and the transfer, and "
                + "answered cash %,.2f (the model: %,.2f).", PAYEE, readWaitedMillis, PAYER, read, expected));
        if (!LedgerCheck.sameAmount(read, expected)) {
            failures.add("the read of " + PAYEE + " with read-your-writes answered " + read + ", the model expects "
                    + expected + " (the transfer from " + PAYER + " included)");
        }
        if (pending <= BACKLOG) {
            failures.add("the transfer was not behind a backlog: " + pending + " calls pending");
        }
    }

    /**
     * What the scenes showed that does not hold, once everything is applied: one duplicate write,
     * one rejected entry (the sale, its caller told), no transfer refused (it was applied in both
     * lanes' order), the answers above. The database's contents are {@link LedgerCheck}'s.
     */
    List<String> failures() {
        Wal wal = desk.wal();
        List<String> out = new ArrayList<>(failures);
        long duplicates = wal.stats().duplicateWrites();
        if (duplicates != 1) {
            out.add("the log counted " + duplicates + " duplicate writes, the one retried request id expected");
        }
        if (!saleRefusedToCaller) {
            out.add("the caller of the sale " + REJECTED_TRADE_ID + " was not told it was refused");
        }
        List<String> rejected;
        try (Stream<ReplayRecord> records = wal.admin().replay(ReplayQuery.builder().statuses(EntryStatus.REJECTED)
                .target(TradingDemo.TARGET).build())) {
            rejected = records.map(ReplayRecord::entry).map(TradingScenes::describe).toList();
        }
        long counted = wal.stats().target(TradingDemo.TARGET).rejected();
        if (rejected.size() != 1 || !rejected.get(0).contains(REJECTED_TRADE_ID) || counted != 1) {
            out.add("the log holds " + rejected.size() + " REJECTED entries " + rejected + " and counted " + counted
                    + " rejections; the one sale " + REJECTED_TRADE_ID + " expected");
        }
        return out;
    }

    /** One line for the check's summary. */
    String summary() {
        return String.format(Locale.ROOT, "%d duplicate write (the retried request id); %d rejected (the sale, not a "
                        + "dead letter); the read of %s %s", desk.wal().stats().duplicateWrites(),
                desk.wal().stats().target(TradingDemo.TARGET).rejected(), PAYEE,
                readWaitedMillis < 0 ? "did not wait for the transfer" : "waited " + readWaitedMillis + " ms for the transfer");
    }

    private static String money(BigDecimal amount) {
        return String.format(Locale.ROOT, "%,.2f", amount);
    }

    private static String describe(WalEntry entry) {
        return entry.operation() + " " + entry.payload();
    }
}
