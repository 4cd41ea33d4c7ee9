package org.wal4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka drain benchmark's harness at a tiny size on a real in-process cluster and embedded
 * PostgreSQL: both baselines and both drains run, each drain's whole backlog builds up before the
 * database comes back and is applied exactly once (the run checks the database), the partitions are
 * shared by the instances, CPU is measured, and the report's section lands after the other parts.
 * The figures mean nothing.
 */
class KafkaDrainBenchmarkTest {
    @TempDir
    Path temp;

    @Test
    void run_tiny_drainsWithOneAndThreeInstances_checksTheDatabase_andReportsRatiosAndCpu() throws Exception {
        KafkaDrainBenchmark.Arguments arguments = KafkaDrainBenchmark.Arguments.parse(new String[] {"--quick",
                "--calls", "150", "--label", "smoke"});
        arguments.warmupCalls = 30;
        arguments.warmupDrainCalls = 0;
        KafkaDrainRun run;
        try (InProcessKafka kafka = InProcessKafka.start()) {
            run = KafkaDrainBenchmark.run(arguments, kafka, EmbeddedPostgresServer.shared());
        }

        assertEquals(List.of("direct_t1", "direct_t18", "drain_i1", "drain_i3"),
                run.results().stream().map(KafkaDrainResult::workload).toList());
        for (KafkaDrainResult r : run.results()) {
            assertEquals(150, r.calls(), r.workload());
            assertTrue(r.callsPerSecond() > 0 && r.seconds() > 0, r.toString());
            assertTrue(r.commits() > 0 && r.entriesPerCommit() >= 1, r.toString());
            assertTrue(r.cpu().jvm() > 0 && r.cpu().machineBusy() > 0 && r.cpu().seconds() > 0, r.cpu().toString());
            assertTrue(!r.cpu().threadGroups().isEmpty(), r.cpu().toString());
        }
        KafkaDrainResult one = run.result("drain_i1").orElseThrow();
        KafkaDrainResult three = run.result("drain_i3").orElseThrow();
        assertEquals(150, one.backlog(), "nothing was applied while the database was down");
        assertEquals(150, three.backlog(), "nothing was applied while the database was down");
        assertEquals("6", one.partitionsPerInstance());
        String[] shares = three.partitionsPerInstance().split("\\+", -1);
        assertEquals(3, shares.length, three.partitionsPerInstance());
        assertEquals(6, Arrays.stream(shares).mapToInt(Integer::parseInt).sum(), three.partitionsPerInstance());
        assertTrue(Arrays.stream(shares).allMatch(s -> Integer.parseInt(s) > 0), three.partitionsPerInstance());
        // over all rows: one tiny drain may end between two of the kernel's 10 ms CPU ticks of the server
        assertTrue(run.results().stream().mapToDouble(r -> r.cpu().postgres()).sum() > 0,
                "PostgreSQL's processes are counted");

        Path report = temp.resolve("benchmarks.md");
        Files.writeString(report, "# wal4j benchmarks\n\n" + EndToEndReport.PART_MARKER + "\n## End to end\n\n"
                + KafkaAppendReport.PART_MARKER + "\n## Kafka\n", StandardCharsets.UTF_8);
        KafkaDrainReport.write(run, report);
        KafkaDrainReport.write(run, report); // the same label again: replaced, not added
        String markdown = Files.readString(report, StandardCharsets.UTF_8);
        assertEquals(1, markdown.split("### smoke", -1).length - 1, markdown);
        assertTrue(markdown.indexOf(KafkaAppendReport.PART_MARKER) < markdown.indexOf(KafkaDrainReport.PART_MARKER));
        assertTrue(markdown.contains("## Kafka: draining a backlog with 1 and 3 instances"), markdown);
        assertTrue(markdown.contains("| drain, 3 instances (`drain_i3`) | 1 | 16 | 150 | "), markdown);
        assertTrue(markdown.contains("`wal.*` settings given: none (defaults)"), markdown);
        assertTrue(markdown.contains("| drain with 3 instances ≥ 2× with 1 (median of 1 rounds) | "), markdown);
        assertTrue(EndToEndReport.preservedPart(markdown).contains("### smoke"), "a JMH report keeps it");
    }

    @Test
    void kafkaAppendSections_goBeforeTheDrainPart() {
        String document = "# wal4j benchmarks\n\n" + KafkaAppendReport.PART_MARKER + "\n## Kafka\n\n"
                + KafkaDrainReport.PART_MARKER + "\n## Drain\n\ndrain text\n";

        String merged = KafkaAppendReport.merge(document, "append-label",
                "<!-- kafka-run: append-label -->\n### append-label\n<!-- /kafka-run: append-label -->\n");

        assertTrue(merged.indexOf("### append-label") < merged.indexOf(KafkaDrainReport.PART_MARKER), merged);
        assertTrue(merged.endsWith(KafkaDrainReport.PART_MARKER + "\n## Drain\n\ndrain text\n"), merged);
        assertEquals(KafkaDrainReport.PART_MARKER + "\n## Drain\n\ndrain text\n", EndToEndReport.preservedPart(
                "# report\n\n" + KafkaDrainReport.PART_MARKER + "\n## Drain\n\ndrain text\n"), "a JMH report keeps it alone");
    }

    @Test
    void cpuMeter_foldsDigitsInThreadNames_andMeasuresThisThreadsWork() {
        assertEquals("kafka-producer-network-thread | producer-#",
                CpuMeter.group("kafka-producer-network-thread | producer-12"));
        assertEquals("wal4j-apply-primary-p#-#", CpuMeter.group("wal4j-apply-primary-p3-17"));
        CpuMeter.Snapshot before = CpuMeter.take(0);
        long sum = 0;
        long until = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < until) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }
        CpuMeter.Use use = CpuMeter.between(before, CpuMeter.take(0));
        assertTrue(sum >= 0);
        assertTrue(use.jvm() > 0.3, "a thread spinning for the whole interval: " + use);
        assertTrue(use.machineBusy() > 0.3, "the machine saw it too: " + use);
        assertEquals(0, use.postgres(), "no PostgreSQL named");
        // Other threads of this JVM (an earlier test's pools winding down) may be busy too: this thread's own
        // group must show its spinning, not necessarily be the busiest.
        Double spinning = use.threadGroups().get(CpuMeter.group(Thread.currentThread().getName()));
        assertTrue(spinning != null && spinning > 0.2, "this thread's work: " + use);
    }

    @Test
    void arguments_refuseWhatMakesNoSense() {
        assertEquals("Unknown option '--fast'; expected --quick, --calls N, --rounds N, --wal KEY=VALUE, --label TEXT "
                + "or --report FILE",
                assertThrows(IllegalArgumentException.class,
                        () -> KafkaDrainBenchmark.Arguments.parse(new String[] {"--fast"})).getMessage());
        assertEquals("--rounds must be at least 1 but was 0", assertThrows(IllegalArgumentException.class,
                () -> KafkaDrainBenchmark.Arguments.parse(new String[] {"--rounds", "0"})).getMessage());
        assertEquals("--calls takes a whole number but was 'many'", assertThrows(IllegalArgumentException.class,
                () -> KafkaDrainBenchmark.Arguments.parse(new String[] {"--calls", "many"})).getMessage());
        assertEquals("--wal takes a wal.* setting as KEY=VALUE (not wal.apply.partitions, which is the topic's) but was "
                + "'wal.apply.partitions=2'", assertThrows(IllegalArgumentException.class, () -> KafkaDrainBenchmark
                .Arguments.parse(new String[] {"--wal", "wal.apply.partitions=2"})).getMessage());
        assertEquals("40000", KafkaDrainBenchmark.Arguments.parse(new String[] {"--wal",
                "wal.apply.window.entries=40000"}).walProperties.getProperty("wal.apply.window.entries"));
        KafkaDrainBenchmark.Arguments quick = KafkaDrainBenchmark.Arguments.parse(new String[] {"--quick"});
        assertEquals(Path.of("target", "kafka-drain-report.md"), quick.report);
        assertEquals(KafkaDrainBenchmark.QUICK_CALLS, quick.calls);
        assertEquals(1, quick.rounds);
        assertEquals(KafkaDrainBenchmark.QUICK_CALLS / 10, quick.warmupDrainCalls);
        assertEquals(KafkaDrainBenchmark.FULL_ROUNDS, KafkaDrainBenchmark.Arguments.parse(new String[0]).rounds);
    }
}
