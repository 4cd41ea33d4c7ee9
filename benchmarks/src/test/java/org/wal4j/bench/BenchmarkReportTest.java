package org.wal4j.bench;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkReportTest {

    private static final String SETTINGS = "1 fork × (2 × 1 s warm-up + 8 × 1 s measured)";

    private final List<JmhResult> results = new ArrayList<>();

    @Test
    void targets_areMetOrMissedAgainstBarsFromTheSameRun() {
        throughput(BenchmarkCatalog.GROUP_COMMIT_T64, 64, 10_000, 100);
        throughput(BenchmarkCatalog.OUTBOX_T64, 64, 1_000, 10);
        throughput(BenchmarkCatalog.TAPE_T1, 1, 100, 1);
        throughput(BenchmarkCatalog.TAPE_T64, 64, 300, 1);
        throughput(BenchmarkCatalog.WAL_ALWAYS_T64, 64, 9_000, 90);

        String report = render();

        assertContains(report, "| 64-thread ALWAYS throughput ≥ 0.8× ideal group commit (64 threads) | 256 "
                + "| 9,000 ops/s | ≥ 0.80× 10,000 ops/s = 8,000 ops/s | 0.90× | met |");
        assertContains(report, "| 64-thread ALWAYS throughput ≥ 5× PostgreSQL outbox INSERT (64 threads) | 256 "
                + "| 9,000 ops/s | ≥ 5.00× 1,000 ops/s = 5,000 ops/s | 9.00× | met |");
        // the better Tape figure is the bar: 20 × 300 = 6,000
        assertContains(report, "| 64-thread ALWAYS throughput ≥ 20× Tape (best of 1 and 64 threads) | 256 "
                + "| 9,000 ops/s | ≥ 20.00× 300 ops/s = 6,000 ops/s | 30.00× | met |");
        assertContains(report, "| async pipelined ALWAYS from one thread ≥ 3× 64-thread blocking ALWAYS | 256 "
                + "| not run: `WalAppendBenchmark.alwaysAsyncPipelined_t1` "
                + "| ≥ 3.00× 9,000 ops/s = 27,000 ops/s |  | not run |");
    }

    @Test
    void latencyTargets_compareP50AndTheAbsoluteP99Bound() {
        sample(BenchmarkCatalog.RAW_FORCE_LATENCY, 1, 1000, 1500);
        sample(BenchmarkCatalog.WAL_ALWAYS_LATENCY_T1, 1, 1400, 2500);

        String report = render();

        assertContains(report, "| single-thread ALWAYS p50 ≤ 1.3× raw write+force p50 | 256 | 1,400 µs "
                + "| ≤ 1.30× 1,000 µs = 1,300 µs | 1.40× | **missed** |");
        assertContains(report, "| single-thread ALWAYS p99 < 2 ms | 256 | 2,500 µs | ≤ 2,000 µs "
                + "| 1.25× of the bound | **missed** |");
        assertContains(report, "| 1,400 µs [1,400 µs – 1,400 µs] | 2,500 µs [2,500 µs – 2,500 µs] |");
    }

    @Test
    void missingRows_areNotRunForImplementedBenchmarks() {
        throughput(BenchmarkCatalog.RAW_FORCE, 1, 1_000, 10);

        String report = render();

        assertContains(report, "| *not run* | | | `WalAppendBenchmark.always_t64` |");
        assertContains(report, "| *not run* | | | `ChronicleQueueBenchmark.append_t1` |");
        assertContains(report, "| raw FileChannel write + force(false) | on disk: fdatasync per record | 1 | 256 "
                + "| 1,000 | 10.0 | 0.24 | `FileChannelForceBenchmark.writeAndForce` |");
        assertFalse(report.contains("## Other results"), report);
        assertContains(report, "| `FileChannelForceBenchmark` | " + SETTINGS + " |");
        assertFalse(BenchmarkReport.isPlanned(BenchmarkCatalog.WAL_NONE));
        assertFalse(BenchmarkReport.isPlanned(BenchmarkCatalog.CHRONICLE));
        assertTrue(BenchmarkReport.isPlanned("WalAppendBenchmark.notWrittenYet"));
        assertTrue(BenchmarkReport.isPlanned("NotWrittenYetBenchmark.run"));
    }

    @Test
    void contextRatios_carryTheRangeTheConfidenceIntervalsAllow() {
        throughput(BenchmarkCatalog.GROUP_COMMIT_T64, 64, 10_000, 1_000);
        throughput(BenchmarkCatalog.RAW_FORCE, 1, 1_000, 100);

        String report = render();

        // 10,000 / 1,000 = 10; (9,000 / 1,100) = 8.18; (11,000 / 900) = 12.22
        assertContains(report, "| ideal group commit, raw FileChannel, 64 threads ÷ raw FileChannel write + "
                + "force(false) | 10.00× [8.18× – 12.22×] |");
    }

    @Test
    void header_describesTheRunItsLoadAndTheNotes() {
        throughput(BenchmarkCatalog.RAW_FORCE, 1, 1_000, 10);

        String report = render();

        assertContains(report, "Figures from one run of `benchmarks/run.sh --note …`, 2026-01-02 03:04 UTC to "
                + "2026-01-02 03:14 UTC; report written 2026-01-02 03:15 UTC.");
        assertContains(report, "> a note");
        assertContains(report, "| CPU | test CPU |");
        assertContains(report, "| load average (1, 5, 15 min) | 0.50, 0.40, 0.30 when the run started; "
                + "1.50, 1.40, 1.30 when it ended |");
    }

    @Test
    void unknownResults_areListedUnderOtherResults() {
        throughput("SomeAdHocBenchmark.run", 2, 42, 1);

        assertContains(render(), "| `SomeAdHocBenchmark.run` | thrpt | 2 | {payloadBytes=256} | 42.0 | 1.00 | ops/s |");
    }

    private String render() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPU", "test CPU");
        RunRecord run = new RunRecord(Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-02T03:14:05Z"),
                "0.50, 0.40, 0.30", "1.50, 1.40, 1.30", "benchmarks/run.sh --note …");
        return new BenchmarkReport(results, machine, Optional.of(run), Instant.parse("2026-01-02T03:15:00Z"),
                List.of("a note")).render();
    }

    private void throughput(String benchmark, int threads, double score, double error) {
        results.add(new JmhResult(benchmark, "thrpt", threads, Map.of("payloadBytes", "256"), score, error, Map.of(),
                Map.of(), Map.of(), "JVM", SETTINGS));
    }

    private void sample(String benchmark, int threads, double p50, double p99) {
        results.add(new JmhResult(benchmark, "sample", threads, Map.of("payloadBytes", "256"), p50, 5,
                Map.of(50.0, p50, 99.0, p99), Map.of(50.0, new double[] {p50, p50}, 99.0, new double[] {p99, p99}),
                Map.of(), "JVM", SETTINGS));
    }

    private static void assertContains(String report, String expected) {
        assertTrue(report.contains(expected), "expected\n" + expected + "\nin\n" + report);
    }
}
