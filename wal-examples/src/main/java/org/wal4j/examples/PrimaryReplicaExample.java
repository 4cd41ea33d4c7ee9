package org.wal4j.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.wal4j.examples.LedgerCheck.Ledger;

/**
 * One DAO, two databases: every trading call is written to the log once and applied to a primary
 * and to a replica, each by its own worker, with its own DAO instance, in the same order. The
 * replica is unreachable for the middle third of the run; the primary keeps applying, and the
 * sales keep returning the primary's answers without waiting for the replica. When the replica is
 * back it catches up, and at the end both databases must be identical, and equal to the model of
 * every call made: PASS or FAIL.
 *
 * <p>Both databases are in-memory H2 here; {@link TradingDesk} is the same wiring with one
 * target per database (see {@code docs/jdbc.md}, "Primary and replica").
 *
 * <p>Run: {@code mvn -B -q -pl wal-examples -am test-compile exec:java -Dexec.mainClass=org.wal4j.examples.PrimaryReplicaExample}
 *
 * <p>A program: its state is confined to the thread that runs it.
 */
public final class PrimaryReplicaExample {
    static final String PRIMARY = "primary";
    static final String REPLICA = "replica";
    private static final Duration DURATION = Duration.ofSeconds(6);
    private static final int ACCOUNTS = 6;

    private final PrintStream out;
    private final BeforeCheck beforeCheck;

    private PrimaryReplicaExample(PrintStream out, BeforeCheck beforeCheck) {
        this.out = out;
        this.beforeCheck = beforeCheck;
    }

    public static void main(String[] args) {
        int status = run(System.out, BeforeCheck.NONE);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the example; returns 0 on PASS, 1 on FAIL, 3 if it could not run. */
    static int run(PrintStream out, BeforeCheck beforeCheck) {
        try {
            return new PrimaryReplicaExample(out, beforeCheck).run();
        } catch (Exception e) {
            out.println("ERROR: the primary/replica example could not run: " + e);
            e.printStackTrace();
            return 3;
        }
    }

    private int run() throws Exception {
        Path logDir = Files.createTempDirectory("wal4j-replica");
        try (DemoDatabase primaryDb = DemoDatabase.inMemoryH2("trading_primary");
             DemoDatabase replicaDb = DemoDatabase.inMemoryH2("trading_replica")) {
            TradingSchema.recreate(primaryDb.dataSource());
            TradingSchema.recreate(replicaDb.dataSource());
            SwitchableDataSource primary = new SwitchableDataSource(primaryDb.dataSource(), "the primary");
            SwitchableDataSource replica = new SwitchableDataSource(replicaDb.dataSource(), "the replica");
            Map<String, SwitchableDataSource> databases = new LinkedHashMap<>();
            databases.put(PRIMARY, primary);
            databases.put(REPLICA, replica);
            Dashboard dashboard = new Dashboard(out, databases);
            introduce(primaryDb, replicaDb);
            try (TradingDesk desk = TradingDesk.open(logDir, databases, dashboard)) {
                dashboard.watch(desk.wal());
                desk.start();
                TradingModel model = new TradingModel();
                Trader trader = new Trader(desk.trading(), new TradingScript(TradingDemo.SEED, ACCOUNTS), model);
                dashboard.startClock();
                new TradingSession(trader, replica, dashboard, DURATION, null).run();
                dashboard.say(String.format(Locale.ROOT, "Trading stops after %,d calls; all %,d sales returned the "
                        + "primary's answer: the replica is never waited for.", trader.calls(), trader.answeredSales()));
                if (!desk.awaitDrained(Duration.ofSeconds(60), dashboard::progress)) {
                    throw new IllegalStateException("the targets did not catch up within 60 s");
                }
                dashboard.progress();
                out.println();
                beforeCheck.run(Map.of(PRIMARY, primaryDb.dataSource(), REPLICA, replicaDb.dataSource()));
                return check(desk, model, trader, primaryDb.dataSource(), replicaDb.dataSource());
            }
        } finally {
            DemoDirectory.deleteRecursively(logDir);
        }
    }

    private void introduce(DemoDatabase primary, DemoDatabase replica) {
        out.println("Primary/replica example: the trading DAO wrapped once, applied to two databases. Each database has");
        out.println("its own wal4j target, worker and DAO instance; results and reads come from the primary.");
        out.println("  primary: " + primary.description());
        out.println("  replica: " + replica.description());
        out.printf(Locale.ROOT, "  plan:    %d s of trading; the replica is unreachable from %d s to %d s%n%n",
                DURATION.toSeconds(), DURATION.toSeconds() / 3, DURATION.toSeconds() * 2 / 3);
    }

    private int check(TradingDesk desk, TradingModel model, Trader trader, DataSource primaryDb, DataSource replicaDb)
            throws SQLException {
        Ledger primary = Ledger.of(desk.ledger(PRIMARY));
        Ledger replica = Ledger.of(desk.ledger(REPLICA));
        List<String> differences = new ArrayList<>();
        differences.addAll(LedgerCheck.differences("the model", Ledger.of(model), "the primary", primary));
        differences.addAll(LedgerCheck.differences("the model", Ledger.of(model), "the replica", replica));
        differences.addAll(LedgerCheck.differences("the primary", primary, "the replica", replica));
        differences.addAll(trader.wrongAnswers());
        if (trader.answeredSales() != trader.sales()) {
            differences.add((trader.sales() - trader.answeredSales()) + " of " + trader.sales()
                    + " sales did not return the primary's answer, although the primary was up");
        }
        long primaryKeys = TradingSchema.appliedKeys(primaryDb, PRIMARY);
        long replicaKeys = TradingSchema.appliedKeys(replicaDb, REPLICA);
        if (primaryKeys != model.calls() || replicaKeys != model.calls()) {
            differences.add("idempotency keys: primary " + primaryKeys + ", replica " + replicaKeys + ", for "
                    + model.calls() + " calls");
        }
        out.println("Checking both databases against the model, and against each other:");
        out.printf(Locale.ROOT, "  %-8s %,5d accounts, %,5d positions, %,6d trades, %,6d applied calls%n", "primary",
                primary.accounts().size(), primary.positions().size(), primary.trades().size(), primaryKeys);
        out.printf(Locale.ROOT, "  %-8s %,5d accounts, %,5d positions, %,6d trades, %,6d applied calls%n", "replica",
                replica.accounts().size(), replica.positions().size(), replica.trades().size(), replicaKeys);
        out.printf(Locale.ROOT, "  %-8s %,5d accounts, %,5d positions, %,6d trades, %,6d calls made%n", "model",
                model.accounts().size(), model.positions().size(), model.trades().size(), model.calls());
        if (differences.isEmpty()) {
            out.printf(Locale.ROOT, "PASS: %,d calls, each applied once to each database; the primary and the replica "
                    + "are identical and match the model.%n", model.calls());
            return 0;
        }
        differences.stream().limit(20).forEach(d -> out.println("  FAIL " + d));
        out.printf(Locale.ROOT, "FAIL: %,d differences.%n", differences.size());
        return 1;
    }
}
