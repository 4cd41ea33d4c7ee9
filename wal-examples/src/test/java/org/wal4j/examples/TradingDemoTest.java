package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as the README runs it (a child JVM, exit status and output), its {@code --crash} and
 * recovery runs, and its check failing when the database disagrees with the model.
 */
@Timeout(300)
class TradingDemoTest {
    private static final String PASS_LINE =
            "PASS: ([\\d,]+) calls acknowledged, each applied exactly once: 8 accounts, [\\d,]+ open positions and "
                    + "([\\d,]+) trades match the model\\.";

    @TempDir
    Path work;

    @Test
    void defaultRun_tradesThroughTheOutage_andEndsInPass() throws Exception {
        ExampleProcess.Result run = ExampleProcess.run(work, TradingDemo.class, "--dir", work.resolve("demo").toString());

        String out = run.stdout();
        assertEquals(TradingDemo.PASS, run.exitCode(), run.transcript());
        long calls = Output.number(Output.line(out, PASS_LINE).group(1));
        Output.line(out, ".*database: H2 .*embedded, file .*trading\\.mv\\.db");
        Output.line(out, ".*>>> The database goes down: every new connection fails \\(SQLSTATE 08001\\)\\. Trading goes on\\.");
        Output.line(out, ".*wal4j: 'primary' is failing; circuit breaker OPEN: applying pauses \\(a trial call every 1 s\\)"
                + ", calls still go to the log");
        Output.line(out, ".*pending +[1-9][\\d,]* \\| lag +[\\d.]+ s \\| database DOWN, breaker (OPEN|HALF_OPEN)");
        Output.line(out, ".*>>> The database is back\\.");
        Output.line(out, ".*breaker CLOSED: the backlog drains in order");
        Matcher stop = Output.line(out, ".*Trading stops: ([\\d,]+) calls .*");
        long traded = Output.number(stop.group(1));
        assertEquals(calls, traded + TradingScenes.CALLS, "calls made (trading and scenes) and calls checked");
        Output.line(out, ".*written +" + String.format("%,d", traded) + " \\| applied +" + String.format("%,d", traded)
                + " \\| pending +0 \\| lag +0\\.0 s \\| database up");
        Output.line(out, ".*Scene 1, a retried request: acct-03 deposits 250\\.00 with request id dep-0001\\.");
        Output.line(out, ".*  answered: cash [\\d,.]+, the first call's answer, from entry seq \\d+ \\(a duplicate\\); "
                + "nothing written to the log\\. The deposit is applied once\\.");
        Output.line(out, ".*Scene 2, a rejected sale: acct-\\d\\d sells \\d+ [A-Z]+ but holds \\d+\\.");
        Output.line(out, ".*  the caller gets TradeRejectedException: acct-\\d\\d cannot sell \\d+ [A-Z]+: it holds \\d+");
        Output.line(out, ".*Scene 3, a transfer behind a backlog\\.");
        Matcher read = Output.line(out, ".*  acct-02's read waited \\d+ ms, for acct-01's backlog and the transfer, and "
                + "answered cash ([\\d,.]+) \\(the model: ([\\d,.]+)\\)\\.");
        assertEquals(read.group(2), read.group(1), "read-your-writes on the receiving account");
        Output.line(out, "  scenes      1 duplicate write \\(the retried request id\\); 1 rejected \\(the sale, not a "
                + "dead letter\\); the read of acct-02 waited \\d+ ms for the transfer");
        Output.line(out, ".*applied +" + String.format("%,d", calls) + " idempotency keys for " + String.format("%,d", calls)
                + " calls; dead letters: 0");
        assertTrue(calls > 100, "a 15 s run makes hundreds of calls, made " + calls);
        assertTrue(run.stderr().isBlank(), "nothing on stderr:\n" + run.stderr());
    }

    @Test
    void crash_killsItselfDuringTheOutage_theNextRunAppliesTheBacklogOnce() throws Exception {
        Path dir = work.resolve("demo");
        ExampleProcess.Result crashed = ExampleProcess.run(work, TradingDemo.class, "--dir", dir.toString(), "--crash",
                "--duration", "6");

        assertEquals(TradingDemo.CRASHED, crashed.exitCode(), crashed.transcript());
        Matcher kill = Output.line(crashed.stdout(), ".*>>> --crash: killing the process now \\(Runtime\\.halt, like "
                + "kill -9\\): ([\\d,]+) calls acknowledged, ([\\d,]+) of them only in the log\\.");
        long acknowledged = Output.number(kill.group(1));
        long onlyInLog = Output.number(kill.group(2));
        assertTrue(onlyInLog > 0, "killed with a backlog:\n" + crashed.stdout());
        assertFalse(crashed.stdout().contains("PASS"), crashed.stdout());
        assertTrue(Files.exists(CrashRecord.file(dir)));

        ExampleProcess.Result recovered = ExampleProcess.run(work, TradingDemo.class, "--dir", dir.toString(),
                "--duration", "6");

        String out = recovered.stdout();
        assertEquals(TradingDemo.PASS, recovered.exitCode(), recovered.transcript());
        Output.line(out, "wal4j demo: recovering after the crash of the previous run \\(--crash\\)");
        Output.line(out, String.format(".*The log holds %,d entries; %,d of them are not applied to the database yet\\.",
                acknowledged, onlyInLog));
        assertEquals(acknowledged, Output.number(Output.line(out, PASS_LINE).group(1)), out);
        assertFalse(out.contains("Trading stops"), "the recovery run only recovers:\n" + out);
        assertFalse(Files.exists(CrashRecord.file(dir)), "the crash record is consumed");
    }

    @Test
    void check_fails_whenTheDatabaseDisagreesWithTheModel() {
        Output output = new Output();

        int status = TradingDemo.run(new String[] {"--dir", work.resolve("demo").toString(), "--duration", "3"},
                output.stream(), databases -> {
                    DataSource database = databases.get(TradingDemo.TARGET);
                    execute(database, "UPDATE demo_account SET cash = cash + 0.01 WHERE account_id = 'acct-03'");
                    execute(database, "DELETE FROM demo_trade WHERE trade_id = 'T000007'");
                });

        String out = output.text();
        assertEquals(TradingDemo.FAIL, status, out);
        Output.line(out, "  FAIL account acct-03 differs: the database has Account\\[accountId=acct-03, owner=Claude, "
                + "cash=([\\d.]+)\\], the model has Account\\[accountId=acct-03, owner=Claude, cash=([\\d.]+)\\]");
        Output.line(out, "  FAIL trade T000007 is missing from the database: TradeRecord\\[tradeId=T000007, .*");
        Output.line(out, "FAIL: 2 differences between the database and the model \\(.*\\)\\.");
        assertFalse(out.contains("PASS"), out);
    }

    @Test
    void usageErrors_exitWith2AndSayWhy() {
        Output output = new Output();
        assertEquals(TradingDemo.USAGE, TradingDemo.run(new String[] {"--duration", "1"}, output.stream(),
                BeforeCheck.NONE));
        Output.line(output.text(), "Usage error: --duration must be between 3 and 600 seconds but was 1");

        Output unknown = new Output();
        assertEquals(TradingDemo.USAGE, TradingDemo.run(new String[] {"--fast"}, unknown.stream(), BeforeCheck.NONE));
        Output.line(unknown.text(), "Usage error: unknown option '--fast'");
    }

    @Test
    void refusesADirectoryThatIsNotTheDemos() throws Exception {
        Path dir = work.resolve("precious");
        Files.createDirectories(dir.resolve("wal"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        Output output = new Output();

        int status = TradingDemo.run(new String[] {"--dir", dir.toString()}, output.stream(), BeforeCheck.NONE);

        assertEquals(TradingDemo.USAGE, status, output.text());
        Output.line(output.text(), "Usage error: --dir .*precious holds files that are not the demo's; name a new or "
                + "empty directory");
        assertTrue(Files.exists(dir.resolve("wal")) && Files.exists(dir.resolve("notes.txt")), "nothing deleted");
    }

    @Test
    void recovery_refusesAnotherDatabaseThanTheCrashedRunUsed() throws Exception {
        Path dir = work.resolve("demo");
        Files.createDirectories(dir);
        new CrashRecord(TradingDemo.SEED, TradingDemo.ACCOUNTS, 100, "jdbc:postgresql://127.0.0.1:1/demo", "app")
                .write(dir);
        Output output = new Output();

        int status = TradingDemo.run(new String[] {"--dir", dir.toString()}, output.stream(), BeforeCheck.NONE);

        assertEquals(TradingDemo.USAGE, status, output.text());
        Output.line(output.text(), "Usage error: the crashed run in .* used --jdbc-url jdbc:postgresql://127\\.0\\.0\\.1:1/demo; "
                + "run with the same database to recover it, or delete .*crashed-run\\.properties to start afresh");
        assertTrue(Files.exists(CrashRecord.file(dir)), "the record is kept for the right run");
    }

    static void execute(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            assertEquals(1, statement.executeUpdate(sql), sql);
        }
    }
}
