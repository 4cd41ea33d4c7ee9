package org.wal4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka benchmark's harness at its quick size on a real in-process cluster: every figure is
 * measured for both the raw producer and the log, and lands in the report's section with its ratio
 * and targets, beside (not over) the end-to-end part. The figures mean nothing.
 */
class KafkaAppendBenchmarkTest {
    @TempDir
    Path temp;

    @Test
    void run_quick_measuresEveryFigureForEachLog_andReportsRatiosAndTargets() throws Exception {
        KafkaAppendBenchmark.Arguments arguments = KafkaAppendBenchmark.Arguments.parse(new String[] {"--quick",
                "--rounds", "2", "--label", "smoke"});
        arguments.custom = new KafkaAppendBenchmark.Sizes(20, 40, 2, 20, 400);
        KafkaAppendRun run;
        try (InProcessKafka kafka = InProcessKafka.start()) {
            run = KafkaAppendBenchmark.run(arguments, kafka);
        }

        assertEquals(2, run.rounds());
        for (String who : List.of("raw", "wal", "shared")) {
            for (String figure : List.of("sync_t1.p50", "sync_t1.p99", "sync_t1", "sync_t2", "pipelined_t1")) {
                List<Double> rounds = run.figures().get(who + "." + figure);
                assertEquals(2, rounds.size(), who + "." + figure);
                assertTrue(rounds.stream().allMatch(v -> v > 0), who + "." + figure + " " + rounds);
            }
            assertTrue(run.median(who + ".sync_t1.p50") <= run.median(who + ".sync_t1.p99"));
        }
        assertEquals(2, run.figures().get("rawSameBytes.pipelined_t1").size());
        assertTrue(run.median("recordBytes") > KafkaAppendBenchmark.PAYLOAD_BYTES, "the log's records carry a header");

        Path report = temp.resolve("benchmarks.md");
        Files.writeString(report, "# wal4j benchmarks\n\n" + EndToEndReport.PART_MARKER + "\n## End to end\n",
                StandardCharsets.UTF_8);
        KafkaAppendReport.write(run, report);
        KafkaAppendReport.write(run, report); // the same label again: replaced, not added
        String markdown = Files.readString(report, StandardCharsets.UTF_8);
        assertEquals(1, markdown.split("### smoke", -1).length - 1, markdown);
        assertTrue(markdown.indexOf(EndToEndReport.PART_MARKER) < markdown.indexOf(KafkaAppendReport.PART_MARKER));
        assertTrue(markdown.contains("| one thread, `send().get()` / `append`: latency p50 (`sync_t1.p50`) | "),
                markdown);
        assertTrue(markdown.contains("| pipelined throughput ≥ 0.8× raw | "), markdown);
        assertTrue(markdown.contains("| shared log (read back) | shared ÷ raw |"), markdown);
        assertTrue(EndToEndReport.preservedPart(markdown).contains("### smoke"), "a JMH report keeps it");
    }

    @Test
    void endToEndSections_goBeforeTheKafkaPart_whichStaysWhole() {
        String document = "# wal4j benchmarks\n\n" + KafkaAppendReport.PART_MARKER + "\n## Kafka\n\nkafka text\n";

        String merged = EndToEndReport.merge(document, "e2e-label", "<!-- e2e-run: e2e-label -->\n### e2e-label\n"
                + "<!-- /e2e-run: e2e-label -->\n");

        assertTrue(merged.indexOf("### e2e-label") < merged.indexOf(KafkaAppendReport.PART_MARKER), merged);
        assertTrue(merged.indexOf(EndToEndReport.PART_MARKER) < merged.indexOf("### e2e-label"), merged);
        assertTrue(merged.endsWith(KafkaAppendReport.PART_MARKER + "\n## Kafka\n\nkafka text\n"), merged);
    }

    @Test
    void arguments_refuseWhatMakesNoSense() {
        assertEquals("Unknown option '--fast'; expected --quick, --rounds N, --label TEXT or --report FILE",
                assertThrows(IllegalArgumentException.class,
                        () -> KafkaAppendBenchmark.Arguments.parse(new String[] {"--fast"})).getMessage());
        assertEquals("--rounds must be at least 1 but was 0", assertThrows(IllegalArgumentException.class,
                () -> KafkaAppendBenchmark.Arguments.parse(new String[] {"--rounds", "0"})).getMessage());
        assertEquals(Path.of("target", "kafka-report.md"),
                KafkaAppendBenchmark.Arguments.parse(new String[] {"--quick"}).report);
    }
}
