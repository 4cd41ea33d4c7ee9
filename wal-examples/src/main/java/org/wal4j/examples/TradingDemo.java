package org.wal4j.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.WalStats;
import org.wal4j.examples.LedgerCheck.Ledger;
import org.wal4j.spi.StorageStats;

/**
 * The wal4j demo: a trading desk keeps opening and closing positions while its database goes
 * down and comes back, and at the end every call is in the database exactly once.
 *
 * <p>The desk's DAO ({@link TradingDao}, plain JDBC in {@link JdbcTradingDao}) is wrapped by
 * wal4j's {@code DurableRepository} ({@link TradingDesk}): each call is forced to the log on disk
 * before it returns, and a background worker applies it to the database. For the middle third of
 * the run the database refuses every connection ({@link SwitchableDataSource}, SQLSTATE 08001):
 * calls keep being accepted, the backlog grows, and once the database is back it drains in
 * each account's order. Then three short scenes ({@link TradingScenes}): a request retried with
 * the same request id (no double effect), a sale of more shares than held (REJECTED, the caller
 * told, not a dead letter), and a transfer between two accounts behind a backlog, read with
 * read-your-writes on the receiving account. The demo keeps its own model of every acknowledged
 * call ({@link TradingModel}) and compares the database with it at the end ({@link LedgerCheck}),
 * with what the scenes showed: PASS or FAIL.
 *
 * <p>With {@code --crash} the process kills itself halfway ({@link Runtime#halt}, like
 * {@code kill -9}) while the database is down; the next run in the same directory opens the same
 * log, applies what the database never saw, and checks the result. With {@code --jdbc-url} it runs
 * against a PostgreSQL or MariaDB server instead of the embedded H2. See {@link DemoOptions#USAGE}.
 *
 * <p>Run: {@code mvn -B -q -pl wal-examples -am test-compile exec:java} (options with
 * {@code -Dexec.args="--crash"}).
 *
 * <p>A program: one run per process (its {@code --dir} is locked while it runs).
 */
public final class TradingDemo {
    static final int PASS = 0;
    static final int FAIL = 1;
    static final int USAGE = 2;
    static final int ERROR = 3;
    /** The exit status of a {@code --crash} run: what a shell reports for a process killed by SIGKILL. */
    static final int CRASHED = 137;

    static final long SEED = 1_977L;
    static final int ACCOUNTS = 8;
    static final String TARGET = "primary";

    private final DemoOptions options;
    private final DemoDirectory dir;
    private final PrintStream out;
    private final BeforeCheck beforeCheck;

    private TradingDemo(DemoOptions options, PrintStream out, BeforeCheck beforeCheck) {
        this.options = options;
        this.dir = new DemoDirectory(options.dir());
        this.out = out;
        this.beforeCheck = beforeCheck;
    }

    public static void main(String[] args) {
        int status = run(args, System.out, BeforeCheck.NONE);
        if (status != PASS) {
            System.exit(status);
        }
    }

    /** Runs the demo; returns the exit status ({@link #PASS}, {@link #FAIL}, ...). */
    static int run(String[] args, PrintStream out, BeforeCheck beforeCheck) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (UsageException e) {
            out.println("Usage error: " + e.getMessage());
            out.println(DemoOptions.USAGE);
            return USAGE;
        }
        if (options.help()) {
            out.println(DemoOptions.USAGE);
            return PASS;
        }
        TradingDemo demo = new TradingDemo(options, out, beforeCheck);
        try {
            Optional<CrashRecord> crashed = CrashRecord.read(demo.dir.root());
            return crashed.isPresent() ? demo.recover(crashed.get()) : demo.trade();
        } catch (UsageException e) {
            out.println("Usage error: " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            out.println("ERROR: the demo could not run: " + e);
            e.printStackTrace();
            return ERROR;
        }
    }

    /** A fresh run: trading through an outage, then the check. */
    private int trade() throws Exception {
        dir.prepareFresh();
        try (DemoDatabase database = openDatabase(options.jdbcUrl())) {
            TradingSchema.recreate(database.dataSource());
            SwitchableDataSource switchable = new SwitchableDataSource(database.dataSource(), "the database");
            Dashboard dashboard = new Dashboard(out, Map.of(TARGET, switchable));
            introduce(database);
            try (TradingDesk desk = TradingDesk.open(dir.log(), Map.of(TARGET, switchable), dashboard)) {
                dashboard.watch(desk.wal());
                desk.start();
                TradingModel model = new TradingModel();
                Trader trader = new Trader(desk.trading(), new TradingScript(SEED, ACCOUNTS), model);
                for (int i = 0; i < ACCOUNTS; i++) {
                    trader.next();
                }
                dashboard.startClock();
                dashboard.say(String.format(Locale.ROOT, "%d accounts opened with %,.2f each.", ACCOUNTS,
                        TradingScript.DEPOSIT));
                dashboard.say(String.format(Locale.ROOT, "Trading starts: up to %d calls a second, each returning once "
                        + "wal4j has it on disk.", TradingSession.CALLS_PER_SECOND));
                new TradingSession(trader, switchable, dashboard, options.duration(),
                        options.crash() ? () -> crash(desk, trader, dashboard) : null).run();
                dashboard.say(String.format(Locale.ROOT, "Trading stops: %,d calls (%,d buys, %,d sales); %,d sales "
                                + "answered \"not yet applied\" while the database was down.", trader.calls(),
                        trader.buys(), trader.sales(), trader.deferredSales()));
                drain(desk, dashboard);
                TradingScenes scenes = new TradingScenes(desk, model, switchable, dashboard);
                scenes.run();
                drain(desk, dashboard);
                return check(desk, model, database.dataSource(), trader, scenes);
            }
        }
    }

    private void introduce(DemoDatabase database) {
        long third = options.duration().toMillis() / 3;
        out.println("wal4j demo: a trading desk keeps trading through a database outage");
        out.println();
        out.println("The desk opens and closes positions through a plain-JDBC DAO wrapped by wal4j's DurableRepository:");
        out.println("each call is forced to the log on disk before it returns, and a background worker applies it to");
        out.println("the database, in each account's order, exactly once.");
        out.println("  database: " + database.description());
        out.println("  log:      " + dir.log());
        out.printf(Locale.ROOT, "  plan:     %d s of trading; the database is unreachable from %.1f s to %.1f s%s%n",
                options.duration().toSeconds(), third / 1000.0, 2 * third / 1000.0,
                options.crash() ? "; the process kills itself at " + String.format(Locale.ROOT, "%.1f s",
                        options.duration().toMillis() / 2000.0) : "");
        out.println();
    }

    /** {@code --crash}: writes down the model's size, then dies as {@code kill -9} would. */
    private void crash(TradingDesk desk, Trader trader, Dashboard dashboard) {
        long pending = desk.pending();
        try {
            new CrashRecord(SEED, ACCOUNTS, trader.calls(), options.jdbcUrl(), options.user()).write(dir.root());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + CrashRecord.file(dir.root()) + ": " + e, e);
        }
        dashboard.progress();
        dashboard.say(String.format(Locale.ROOT, ">>> --crash: killing the process now (Runtime.halt, like kill -9): %,d "
                + "calls acknowledged, %,d of them only in the log.", trader.calls(), pending));
        out.println("Run the same command again without --crash: it recovers from the log in " + dir.root());
        out.flush();
        Runtime.getRuntime().halt(CRASHED);
    }

    /** The run after a {@code --crash} run: the same log and database, the model rebuilt from the script. */
    private int recover(CrashRecord crashed) throws Exception {
        if (!Objects.equals(crashed.jdbcUrl(), options.jdbcUrl())) {
            throw new UsageException("the crashed run in " + dir.root() + " used "
                    + (crashed.jdbcUrl() == null ? "the embedded H2" : "--jdbc-url " + crashed.jdbcUrl())
                    + "; run with the same database to recover it, or delete " + CrashRecord.file(dir.root())
                    + " to start afresh");
        }
        String user = options.user() != null ? options.user() : crashed.user();
        try (DemoDatabase database = crashed.jdbcUrl() == null ? DemoDatabase.embeddedH2(dir.h2Database())
                : DemoDatabase.atUrl(crashed.jdbcUrl(), user, options.password())) {
            SwitchableDataSource switchable = new SwitchableDataSource(database.dataSource(), "the database");
            Dashboard dashboard = new Dashboard(out, Map.of(TARGET, switchable));
            TradingModel model = rebuildModel(crashed);
            introduceRecovery(database, model);
            try (TradingDesk desk = TradingDesk.open(dir.log(), Map.of(TARGET, switchable), dashboard)) {
                describeBacklog(desk, model);
                dashboard.watch(desk.wal());
                dashboard.startClock();
                dashboard.say("Starting wal4j on the log: it applies what the database has not seen, and skips "
                        + "what it has (idempotency keys).");
                desk.start();
                drain(desk, dashboard);
                int status = check(desk, model, database.dataSource(), null, null);
                CrashRecord.delete(dir.root());
                return status;
            }
        }
    }

    private void introduceRecovery(DemoDatabase database, TradingModel model) {
        out.println("wal4j demo: recovering after the crash of the previous run (--crash)");
        out.println();
        if (options.crash()) {
            out.println("(--crash is ignored this time: this run recovers the crashed one.)");
        }
        out.printf(Locale.ROOT, "The previous run was killed after wal4j acknowledged %,d calls. The demo rebuilds its "
                + "model of them%nfrom its seeded script, and reopens the same log and database:%n", model.calls());
        out.println("  database: " + database.description());
        out.println("  log:      " + dir.log());
    }

    private static TradingModel rebuildModel(CrashRecord crashed) {
        TradingModel model = new TradingModel();
        TradingScript script = new TradingScript(crashed.seed(), crashed.accounts());
        for (long i = 0; i < crashed.calls(); i++) {
            model.apply(script.next(model));
        }
        return model;
    }

    private void describeBacklog(TradingDesk desk, TradingModel model) throws SQLException {
        StorageStats log = desk.wal().stats().storage();
        long unfinished = log.unfinishedByTarget().getOrDefault(TARGET, 0L);
        int inDatabase = desk.ledger(TARGET).trades().size();
        out.printf(Locale.ROOT, "  The log holds %,d entries; %,d of them are not applied to the database yet.%n",
                log.entries(), unfinished);
        out.printf(Locale.ROOT, "  The database holds %,d of the %,d trades; the other %,d exist only in the log.%n",
                inDatabase, model.trades().size(), model.trades().size() - inDatabase);
        out.println();
    }

    private DemoDatabase openDatabase(String url) throws SQLException {
        return url == null ? DemoDatabase.embeddedH2(dir.h2Database())
                : DemoDatabase.atUrl(url, options.user(), options.password());
    }

    private void drain(TradingDesk desk, Dashboard dashboard) throws InterruptedException {
        long pending = desk.pending();
        if (pending > 0) {
            dashboard.say(String.format(Locale.ROOT, "Waiting for wal4j to apply the last %,d %s.", pending,
                    pending == 1 ? "call" : "calls"));
        }
        if (!desk.awaitDrained(Duration.ofSeconds(60), dashboard::progress)) {
            throw new IllegalStateException("the backlog did not drain within 60 s; " + desk.pending() + " calls pending");
        }
        dashboard.progress();
        dashboard.say("Backlog drained: nothing is waiting in the log.");
        out.println();
    }

    /**
     * Compares the database with the model and prints PASS or FAIL.
     *
     * @param trader the trader of this run (its sales' answers are checked too), or null after a crash
     * @param scenes the scenes of this run (what they showed is checked too), or null after a crash
     */
    private int check(TradingDesk desk, TradingModel model, DataSource database, Trader trader, TradingScenes scenes)
            throws SQLException {
        WalStats stats = desk.wal().stats();
        beforeCheck.run(Map.of(TARGET, database));
        Ledger ledger = Ledger.of(desk.ledger(TARGET));
        long keys = TradingSchema.appliedKeys(database, TARGET);
        List<String> differences = new ArrayList<>(LedgerCheck.differences(model, ledger));
        if (keys != model.calls()) {
            differences.add(String.format(Locale.ROOT, "the database recorded %,d applied calls (idempotency keys) "
                    + "for %,d calls made", keys, model.calls()));
        }
        try (Stream<DeadLetter> dead = desk.wal().admin().deadLetters(DeadLetterFilter.all())) {
            dead.limit(5).forEach(d -> differences.add("call seq " + d.seq() + " was dead-lettered: " + d.reason()));
        }
        if (trader != null) {
            differences.addAll(trader.wrongAnswers());
        }
        if (scenes != null) {
            differences.addAll(scenes.failures());
        }
        summarize(model, ledger, keys, stats, trader);
        if (scenes != null) {
            out.println("  scenes      " + scenes.summary());
        }
        return verdict(model, differences);
    }

    private void summarize(TradingModel model, Ledger ledger, long keys, WalStats stats, Trader trader) {
        out.println("Checking the database against the demo's own model of every acknowledged call:");
        out.printf(Locale.ROOT, "  accounts    %,7d in the database, %,7d in the model (owner and cash)%n",
                ledger.accounts().size(), model.accounts().size());
        out.printf(Locale.ROOT, "  positions   %,7d in the database, %,7d in the model (quantity and cost)%n",
                ledger.positions().size(), model.positions().size());
        out.printf(Locale.ROOT, "  trades      %,7d in the database, %,7d in the model (every field, and the cash "
                + "after each, so their order)%n", ledger.trades().size(), model.trades().size());
        out.printf(Locale.ROOT, "  applied     %,7d idempotency keys for %,d calls; dead letters: %d%n", keys,
                model.calls(), stats.deadLetters());
        String writes = stats.writes() == 0 ? "" : String.format(Locale.ROOT, "write (to disk) median %.1f ms, p99 "
                + "%.1f ms; ", stats.writeLatencyP50Micros() / 1000.0, stats.writeLatencyP99Micros() / 1000.0);
        out.printf(Locale.ROOT, "  latency     %sapply per batch median %.1f ms, p99 %.1f ms%n", writes,
                stats.target(TARGET).applyLatencyP50Micros() / 1000.0, stats.target(TARGET).applyLatencyP99Micros() / 1000.0);
        if (trader != null) {
            out.printf(Locale.ROOT, "  answers     %,7d sales answered with the database's profit, compared with the "
                    + "model's%n", trader.answeredSales());
        }
    }

    private int verdict(TradingModel model, List<String> differences) {
        if (differences.isEmpty()) {
            out.printf(Locale.ROOT, "PASS: %,d calls acknowledged, each applied exactly once: %d accounts, %,d open "
                            + "positions and %,d trades match the model.%n", model.calls(), model.accounts().size(),
                    model.positions().size(), model.trades().size());
            return PASS;
        }
        differences.stream().limit(20).forEach(d -> out.println("  FAIL " + d));
        if (differences.size() > 20) {
            out.printf(Locale.ROOT, "  ... and %,d more%n", differences.size() - 20);
        }
        out.printf(Locale.ROOT, "FAIL: %,d differences between the database and the model (%,d calls, %d accounts, %,d "
                        + "positions, %,d trades checked).%n", differences.size(), model.calls(), model.accounts().size(),
                model.positions().size(), model.trades().size());
        return FAIL;
    }
}
