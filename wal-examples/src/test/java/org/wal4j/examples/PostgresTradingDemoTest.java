package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.TestDatabase;

/**
 * The demo with {@code --jdbc-url} against a real PostgreSQL (embedded, started from Maven
 * artifacts by wal-jdbc-sync's test fixtures), in a child JVM: a whole run, and a run killed by
 * {@code --crash} followed by the recovery run (the user comes from the crashed run's record).
 */
@Timeout(300)
class PostgresTradingDemoTest {
    @TempDir
    Path work;

    @Test
    void againstPostgresql_tradesThroughTheOutage_andEndsInPass() throws Exception {
        TestDatabase db = Engines.postgresql().createDatabase("demo");

        ExampleProcess.Result run = ExampleProcess.run(work, TradingDemo.class, "--dir", work.resolve("demo").toString(),
                "--duration", "6", "--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password());

        String out = run.stdout();
        assertEquals(TradingDemo.PASS, run.exitCode(), run.transcript());
        Output.line(out, "  database: PostgreSQL 1[0-9]\\.[\\d.]+, jdbc:postgresql://.*");
        Output.line(out, ".*pending +[1-9][\\d,]* \\| lag +[\\d.]+ s \\| database DOWN, breaker (OPEN|HALF_OPEN)");
        Output.line(out, "PASS: [\\d,]+ calls acknowledged, each applied exactly once: 8 accounts, .*");
        assertEquals(Output.number(Output.line(out, "PASS: ([\\d,]+) calls .*").group(1)),
                db.count("demo_wal4j_applied_keys"), "one idempotency key per call in PostgreSQL");
    }

    @Test
    void againstPostgresql_crashThenRecover_endsInPass() throws Exception {
        TestDatabase db = Engines.postgresql().createDatabase("demo_crash");
        String dir = work.resolve("demo").toString();

        ExampleProcess.Result crashed = ExampleProcess.run(work, TradingDemo.class, "--dir", dir, "--duration", "6",
                "--crash", "--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password());
        assertEquals(TradingDemo.CRASHED, crashed.exitCode(), crashed.transcript());
        long acknowledged = Output.number(Output.line(crashed.stdout(), ".*>>> --crash: .*: ([\\d,]+) calls "
                + "acknowledged, [1-9][\\d,]* of them only in the log\\.").group(1));

        ExampleProcess.Result recovered = ExampleProcess.run(work, TradingDemo.class, "--dir", dir, "--jdbc-url",
                db.jdbcUrl(), "--password", db.password());

        assertEquals(TradingDemo.PASS, recovered.exitCode(), recovered.transcript());
        Output.line(recovered.stdout(), "  database: PostgreSQL .*");
        assertEquals(acknowledged, Output.number(Output.line(recovered.stdout(), "PASS: ([\\d,]+) calls .*").group(1)));
        assertEquals(acknowledged, db.count("demo_wal4j_applied_keys"), "one idempotency key per call in PostgreSQL");
    }
}
