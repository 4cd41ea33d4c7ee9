package org.wal4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.config.ConfigSources;

/**
 * The end-to-end harness on a tiny size: every workload runs on the embedded PostgreSQL, applies
 * each call exactly once (the workloads check the database themselves and throw otherwise), and
 * lands in the record and the report with its ratio to the direct DAO. The figures mean nothing.
 */
class EndToEndBenchmarkTest {

    @TempDir
    Path temp;

    @Test
    void run_tinySize_everyWorkloadAppliesEveryCallAndIsReportedWithItsRatio() throws Exception {
        EndToEndBenchmark.Arguments arguments = EndToEndBenchmark.Arguments.parse(new String[] {"--quick",
                "--seconds", "1", "--warmup", "0", "--threads", "4", "--drain-calls", "300", "--label", "smoke",
                "--wal", "wal.apply.batch.size=50"});
        EndToEndRun run = EndToEndBenchmark.run(arguments, EmbeddedPostgresServer.shared());

        assertEquals(List.of("direct_t4", "repository_t4", "sqlBatch_t4", "drain_t4", "direct_t1", "repository_t1"),
                run.results().stream().map(EndToEndResult::workload).toList());
        for (EndToEndResult result : run.results()) {
            assertTrue(result.calls() > 0, result.workload() + " made no calls");
            assertTrue(result.appliedPerSecond() > 0 && result.acknowledgedPerSecond() > 0, result.toString());
            if (!result.workload().startsWith("direct_")) {
                assertTrue(result.entriesPerApplyCall() != null && result.entriesPerApplyCall() <= 50,
                        "the --wal batch size bounds the apply calls: " + result);
            }
        }
        assertEquals(300, run.result("drain_t4").orElseThrow().calls());
        assertEquals(300, run.result("drain_t4").orElseThrow().backlogAtEnd(), "nothing applied while the database was down");
        assertEquals("50", run.walProperties().get("wal.apply.batch.size"));

        Path json = temp.resolve("e2e.json");
        run.save(json);
        assertEquals(run, EndToEndRun.load(json));
        Path report = temp.resolve("benchmarks.md");
        EndToEndReport.write(run, report);
        String markdown = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(markdown.contains("### smoke"), markdown);
        assertTrue(markdown.contains("| DAO through DurableRepository (`repository_t4`) | 4 | "), markdown);
        assertTrue(markdown.contains("1 (baseline)"), markdown);
    }

    @Test
    void requireExactlyOnce_throws_whenATradeIsMissingOrBookedTwice() throws Exception {
        try (EmbeddedPostgresServer.BenchDatabase database = EmbeddedPostgresServer.shared().createDatabase("e2e_check")) {
            TradingTables.create(database.dataSource());
            JdbcTradingDao dao = new JdbcTradingDao(database.dataSource());
            dao.trade(3, 5, "t-1");
            dao.trade(4, 2, "t-2");
            TradingTables.requireExactlyOnce(database.dataSource(), 2, 7);
            assertThrows(IllegalStateException.class, () -> TradingTables.requireExactlyOnce(database.dataSource(), 3, 7));
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE accounts SET balance = balance + 5 WHERE id = 3"); // applied twice
            }
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> TradingTables.requireExactlyOnce(database.dataSource(), 2, 7));
            assertTrue(twice.getMessage().contains("balances adding up to 12"), twice.getMessage());
        }
    }

    @Test
    void pipeline_refusesAnUnknownWalSetting_namingIt() throws Exception {
        Properties unknown = new Properties();
        unknown.setProperty("wal.apply.batchsize", "10");
        try (EmbeddedPostgresServer.BenchDatabase database = EmbeddedPostgresServer.shared().createDatabase("e2e_bad")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Pipeline.start(
                    database.dataSource(), 1, ConfigSources.defaults().properties(unknown), true));
            assertTrue(refused.getMessage().contains("wal.apply.batchsize"), refused.getMessage());
        }
    }

    @Test
    void arguments_quickAndFullDefaults_andRefusals() {
        EndToEndBenchmark.Arguments full = EndToEndBenchmark.Arguments.parse(new String[0]);
        assertEquals(EndToEndBenchmark.FULL_SECONDS, full.seconds);
        assertEquals(Path.of("..", "docs", "benchmarks.md"), full.report);
        EndToEndBenchmark.Arguments quick = EndToEndBenchmark.Arguments.parse(new String[] {"--quick", "--seconds", "5"});
        assertTrue(quick.quick);
        assertEquals(5, quick.seconds);
        assertEquals(EndToEndBenchmark.QUICK_DRAIN_CALLS, quick.drainCalls);
        assertFalse(quick.report.startsWith(".."), "a quick run leaves docs alone: " + quick.report);
        assertThrows(IllegalArgumentException.class, () -> EndToEndBenchmark.Arguments.parse(new String[] {"--wal",
                "apply.batch.size=5"}));
        assertThrows(IllegalArgumentException.class, () -> EndToEndBenchmark.Arguments.parse(new String[] {"--seconds",
                "0"}));
        assertThrows(IllegalArgumentException.class, () -> EndToEndBenchmark.Arguments.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> EndToEndBenchmark.Arguments.parse(new String[] {"--label"}));
    }

    @Test
    void merge_replacesTheSectionOfTheSameLabel_andKeepsTheOthers_andTheJmhReportKeepsThePart() {
        String jmh = "# wal4j benchmarks\n\nJMH tables\n";
        String once = EndToEndReport.merge(jmh, "before", "<!-- e2e-run: before -->\nold\n<!-- /e2e-run: before -->\n");
        String twice = EndToEndReport.merge(once, "after", "<!-- e2e-run: after -->\nnew\n<!-- /e2e-run: after -->\n");
        String again = EndToEndReport.merge(twice, "before",
                "<!-- e2e-run: before -->\nnewer\n<!-- /e2e-run: before -->\n");

        assertTrue(again.startsWith(jmh), again);
        assertTrue(again.contains("newer") && again.contains("new\n") && !again.contains("old"), again);
        assertEquals(1, again.split(EndToEndReport.PART_MARKER, -1).length - 1, again);
        assertTrue(again.indexOf("newer") < again.indexOf("\nnew\n"), "sections keep their places: " + again);
        assertEquals(again.substring(again.indexOf(EndToEndReport.PART_MARKER)), EndToEndReport.preservedPart(again));
        assertEquals("", EndToEndReport.preservedPart(jmh));
        assertThrows(IllegalArgumentException.class, () -> EndToEndReport.merge(jmh, "a --> b", ""));
    }
}
