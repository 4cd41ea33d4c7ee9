package org.wal4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka log benchmark's part of {@code docs/benchmarks.md}, after the end-to-end part: one
 * section per labelled run, replaced by a run of the same label. {@link BenchmarkReport} keeps it
 * when it rewrites the JMH report ({@link EndToEndReport#preservedPart}).
 *
 * <p>Thread-safe: stateless.
 */
final class KafkaAppendReport {
    /** Starts the Kafka part of the document. */
    static final String PART_MARKER = "<!-- kafka-append: written by benchmarks/run.sh --kafka -->";
    /** The kind of this part's run sections. */
    private static final String RUN = "kafka-run";

    private KafkaAppendReport() {
    }

    /** Writes {@code run}'s section into {@code file}, creating the file or the part if missing. */
    static void write(KafkaAppendRun run, Path file) throws IOException {
        ReportFile.update(file, document -> merge(document, run.label(), section(run)));
    }

    /** {@code document} with the section of {@code label} replaced by, or added as, {@code section}. */
    static String merge(String document, String label, String section) {
        // a new section goes at the end of the Kafka part: before the Kafka drain part if there is one
        return ReportFile.merge(document, RUN, label, section, PART_MARKER, KafkaAppendReport::introduction,
                KafkaDrainReport.PART_MARKER);
    }

    private static String introduction() {
        return """
                ## The Kafka log against a raw Kafka producer

                `benchmarks/run.sh --kafka` (`KafkaAppendBenchmark`). One in-process KRaft cluster of 3 brokers \
                and 1 controller in the benchmark's JVM (Kafka's own test kit), two topics of 3 partitions, \
                replication factor 3, `min.insync.replicas` 2. The raw row is a `KafkaProducer` with the log's \
                own producer settings (`acks=all`, idempotence, 5 requests in flight, `linger.ms` 0) sending the \
                256-byte payload as the record value; the wal4j row is `KafkaWalStorage.append`/`appendAsync` of \
                an entry with that payload (its header of fields and checksum is part of what it costs). Both \
                run in every round, in alternating order, on the same cluster; figures are the median of the \
                rounds with their range. Everything shares 2 cores with the brokers (and, on this machine, with \
                other builds): compare the ratios, not the absolute figures across runs.
                """;
    }

    /** One run's section, between its markers. */
    static String section(KafkaAppendRun run) {
        KafkaAppendBenchmark.Sizes s = run.sizes();
        String threads = "sync_t" + s.threads();
        StringBuilder out = new StringBuilder();
        out.append(ReportFile.begin(RUN, run.label())).append('\n');
        out.append("### ").append(run.label()).append("\n\n");
        out.append(String.format(Locale.ROOT, "%s run, %s to %s: `%s`. Load average (1, 5, 15 min) %s at the "
                + "start, %s at the end.%n%n", run.mode(), run.start(), run.end(), run.command(), run.loadAtStart(),
                run.loadAtEnd()));
        out.append("| workload | raw KafkaProducer | wal4j Kafka log | wal4j ÷ raw | shared log (read back) | shared ÷ raw "
                + "|\n|---|--:|--:|--:|--:|--:|\n");
        row(out, run, "sync_t1.p50", "one thread, `send().get()` / `append`: latency p50", false);
        row(out, run, "sync_t1.p99", "one thread, `send().get()` / `append`: latency p99", false);
        row(out, run, "sync_t1", "one thread, synchronous: records/s", true);
        row(out, run, threads, s.threads() + " threads, synchronous: records/s", true);
        row(out, run, "pipelined_t1", "one thread, " + KafkaAppendBenchmark.WINDOW
                + " in flight (`send` with callback / `appendAsync`): records/s", true);
        out.append(String.format(Locale.ROOT, "| the same, raw records padded to the log's %,.0f bytes per record "
                + "(`rawSameBytes.pipelined_t1`) | %s | | %s | | |%n", run.median("recordBytes"),
                value(run, "rawSameBytes.pipelined_t1", true),
                Format.ratio(run.median("wal.pipelined_t1") / run.median("rawSameBytes.pipelined_t1"))));
        out.append('\n');
        out.append("| target | measured | |\n|---|--:|---|\n");
        target(out, run, "pipelined throughput ≥ 0.8× raw", "pipelined_t1", true, 0.8);
        target(out, run, s.threads() + "-thread synchronous throughput ≥ 0.8× raw", threads, true, 0.8);
        target(out, run, "p50 ≤ 1.2× raw `send().get()`", "sync_t1.p50", false, 1.2);
        out.append('\n');
        out.append("| | |\n|---|---|\n");
        Map<String, String> machine = MachineDescription.describe(null);
        for (String fact : List.of("CPU", "cores", "memory", "kernel", "JDK")) {
            out.append("| ").append(fact).append(" | ").append(machine.get(fact)).append(" |\n");
        }
        out.append(String.format(Locale.ROOT, "| Kafka | clients and in-process brokers %s |%n",
                MachineDescription.version("kafka-clients", "org.apache.kafka", "kafka-clients",
                        "org/apache/kafka/clients/producer/KafkaProducer.class")));
        out.append(String.format(Locale.ROOT, "| harness | %d rounds; per round: %,d synchronous samples, %d threads × "
                + "%,d synchronous, %,d pipelined; %,d-record warm-up of each before the first round; payload %d "
                + "bytes |%n", run.rounds(), s.latencySamples(), s.threads(), s.perThread(), s.pipelined(), s.warmup(),
                KafkaAppendBenchmark.PAYLOAD_BYTES));
        out.append(ReportFile.end(RUN, run.label())).append('\n');
        return out.toString();
    }

    private static void row(StringBuilder out, KafkaAppendRun run, String figure, String what, boolean rate) {
        out.append("| ").append(what).append(" (`").append(figure).append("`) | ")
                .append(value(run, "raw." + figure, rate)).append(" | ").append(value(run, "wal." + figure, rate))
                .append(" | ").append(Format.ratio(run.median("wal." + figure) / run.median("raw." + figure)))
                .append(" | ").append(value(run, "shared." + figure, rate))
                .append(" | ").append(Format.ratio(run.median("shared." + figure) / run.median("raw." + figure)))
                .append(" |\n");
    }

    private static String value(KafkaAppendRun run, String figure, boolean rate) {
        String median = rate ? Format.rate(run.median(figure)) : Format.time(run.median(figure));
        if (run.rounds() == 1) {
            return median;
        }
        return median + " (" + (rate ? Format.rate(run.min(figure)) : Format.time(run.min(figure))) + "–"
                + (rate ? Format.rate(run.max(figure)) : Format.time(run.max(figure))) + ")";
    }

    private static void target(StringBuilder out, KafkaAppendRun run, String what, String figure, boolean atLeast,
                               double factor) {
        double ratio = run.median("wal." + figure) / run.median("raw." + figure);
        boolean met = atLeast ? ratio >= factor : ratio <= factor;
        out.append("| ").append(what).append(" | ").append(Format.ratio(ratio)).append(" | ")
                .append(met ? "met" : "**not met**").append(" |\n");
    }
}
