package org.wal4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Kafka drain benchmark's part of {@code docs/benchmarks.md}, the last part of the document:
 * one section per labelled run, replaced by a run of the same label. {@link BenchmarkReport} keeps
 * it when it rewrites the JMH report ({@link EndToEndReport#preservedPart}), and the other parts'
 * new sections go before it.
 *
 * <p>Thread-safe: stateless.
 */
final class KafkaDrainReport {
    /** Starts the Kafka drain part of the document. */
    static final String PART_MARKER = "<!-- kafka-drain: written by benchmarks/run.sh --kafka-drain -->";
    /** The kind of this part's run sections. */
    private static final String RUN = "kafka-drain-run";

    private KafkaDrainReport() {
    }

    /** Writes {@code run}'s section into {@code file}, creating the file or the part if missing. */
    static void write(KafkaDrainRun run, Path file) throws IOException {
        ReportFile.update(file, document -> merge(document, run.label(), section(run)));
    }

    /** {@code document} with the section of {@code label} replaced by, or added as, {@code section}. */
    static String merge(String document, String label, String section) {
        return ReportFile.merge(document, RUN, label, section, PART_MARKER, KafkaDrainReport::introduction, null);
    }

    private static String introduction() {
        return String.format(Locale.ROOT, """
                ## Kafka: draining a backlog with 1 and 3 instances

                `benchmarks/run.sh --kafka-drain` (`KafkaDrainBenchmark`). One in-process KRaft cluster of 3 \
                brokers and 1 controller and one embedded PostgreSQL (`fsync=on`, `synchronous_commit=on`) for \
                the whole run. Each drain has a fresh topic of %d partitions (replication factor 3, \
                `min.insync.replicas` 2) and a fresh database; its instances live in the benchmark's JVM, each \
                with its own `SharedKafkaWalStorage` (one consumer group), `Wal` (`applyPartitions` %d), \
                `JdbcSyncTarget` on a HikariCP pool of %d connections, and `DurableRepository` of the accounts \
                DAO of the end-to-end benchmark. Once the partitions are shared out and a warm-up of %d calls is \
                applied, the database becomes unreachable to every instance (its target's connections wait at \
                a gate); %d threads book the backlog, each call through a random instance; then the gates open \
                together, and the drain rate is the backlog's calls over the time from then to the last entry \
                applied on any instance. The database is checked afterwards (as many trades as calls, balances \
                adding up). The baseline is the same number of calls of the DAO called directly (fresh \
                database), from 1 thread and from 3 × partitions threads. CPU is in cores (CPU seconds per \
                second; the machine has 2): the whole machine from `/proc/stat` (other helpers' builds \
                included), the benchmark's JVM (brokers, instances, writers) and the PostgreSQL server's \
                processes, measured over each row's timed interval.
                """, KafkaDrainBenchmark.PARTITIONS, KafkaDrainBenchmark.PARTITIONS, KafkaDrainBenchmark.PARTITIONS,
                KafkaDrainBenchmark.WARMUP_CALLS, KafkaDrainBenchmark.WRITERS);
    }

    /** One run's section, between its markers. */
    static String section(KafkaDrainRun run) {
        StringBuilder out = new StringBuilder();
        out.append(ReportFile.begin(RUN, run.label())).append('\n');
        out.append("### ").append(run.label()).append("\n\n");
        out.append(String.format(Locale.ROOT, "%s run, %s to %s: `%s`. Load average (1, 5, 15 min) %s at the "
                + "start, %s at the end.%n%n", run.mode(), run.start(), run.end(), run.command(), run.loadAtStart(),
                run.loadAtEnd()));
        int manyThreads = KafkaDrainBenchmark.INSTANCES * KafkaDrainBenchmark.PARTITIONS;
        Optional<KafkaDrainResult> one = run.result("direct_t1");
        Optional<KafkaDrainResult> many = run.result("direct_t" + manyThreads);
        out.append("| workload | round | threads | calls | seconds | calls/s | ÷ direct DAO, 1 thread | ÷ direct DAO, ")
                .append(manyThreads).append(" threads | 3 instances ÷ 1 (same round) | transactions | entries per "
                + "transaction | apply call p50 | partitions per instance |\n");
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        for (KafkaDrainResult r : run.results()) {
            String versusOne = "";
            if (r.instances() == KafkaDrainBenchmark.INSTANCES) {
                versusOne = run.result("drain_i1", r.round())
                        .map(o -> Format.ratio(r.callsPerSecond() / o.callsPerSecond())).orElse("");
            }
            out.append(String.format(Locale.ROOT, "| %s (`%s`) | %s | %d | %,d | %.1f | %s | %s | %s | %s | %,d | %.1f "
                    + "| %s | %s |%n", r.what(), r.workload(), r.round() == 0 ? "" : Integer.toString(r.round()),
                    r.threads(), r.calls(), r.seconds(), Format.rate(r.callsPerSecond()), ratio(r, one),
                    ratio(r, many), versusOne, r.commits(), r.entriesPerCommit(),
                    r.applyP50Micros() == null ? "" : Format.time(r.applyP50Micros()), r.partitionsPerInstance()));
        }
        out.append('\n');
        out.append("| workload | round | machine busy | machine I/O wait | JVM | PostgreSQL | other processes | busiest "
                + "JVM threads (cores) |\n|---|--:|--:|--:|--:|--:|--:|---|\n");
        for (KafkaDrainResult r : run.results()) {
            CpuMeter.Use c = r.cpu();
            out.append(String.format(Locale.ROOT, "| `%s` | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %s |%n",
                    r.workload(), r.round() == 0 ? "" : Integer.toString(r.round()), c.machineBusy(),
                    c.machineIowait(), c.jvm(), c.postgres(), c.others(), threads(c.threadGroups())));
        }
        out.append('\n');
        double ratio = run.medianRate("drain_i" + KafkaDrainBenchmark.INSTANCES) / run.medianRate("drain_i1");
        out.append(String.format(Locale.ROOT, "| target | measured | |%n|---|--:|---|%n| drain with %d instances ≥ 2× "
                + "with 1 (median of %d rounds) | %s | %s |%n%n", KafkaDrainBenchmark.INSTANCES, run.rounds(),
                Format.ratio(ratio), ratio >= 2 ? "met" : "**not met**"));
        out.append("| | |\n|---|---|\n");
        Map<String, String> machine = MachineDescription.describe(null);
        for (String fact : List.of("CPU", "cores", "memory", "kernel", "JDK")) {
            out.append("| ").append(fact).append(" | ").append(machine.get(fact)).append(" |\n");
        }
        out.append(String.format(Locale.ROOT, "| Kafka | clients and in-process brokers %s |%n",
                MachineDescription.version("kafka-clients", "org.apache.kafka", "kafka-clients",
                        "org/apache/kafka/clients/producer/KafkaProducer.class")));
        StringBuilder postgres = new StringBuilder();
        run.postgres().forEach((k, v) -> postgres.append(postgres.length() == 0 ? "" : ", ").append(k).append('=')
                .append(v));
        out.append("| PostgreSQL | ").append(postgres).append(" |\n");
        out.append(String.format(Locale.ROOT, "| harness | %,d calls per row; %d rounds of both drains; %d topic "
                + "partitions, `applyPartitions` %d, %d connections per instance; backlog written by %d threads; "
                + "`wal.*` settings given: %s |%n", run.calls(), run.rounds(), KafkaDrainBenchmark.PARTITIONS,
                KafkaDrainBenchmark.PARTITIONS, KafkaDrainBenchmark.PARTITIONS, KafkaDrainBenchmark.WRITERS,
                run.walSettings().isEmpty() ? "none (defaults)" : run.walSettings()));
        out.append(ReportFile.end(RUN, run.label())).append('\n');
        return out.toString();
    }

    private static String ratio(KafkaDrainResult r, Optional<KafkaDrainResult> baseline) {
        return baseline.map(b -> Format.ratio(r.callsPerSecond() / b.callsPerSecond())).orElse("");
    }

    private static String threads(Map<String, Double> groups) {
        StringBuilder out = new StringBuilder();
        groups.forEach((name, cores) -> out.append(out.length() == 0 ? "" : "; ").append('`')
                .append(name.replace("|", "/")).append("` ").append(String.format(Locale.ROOT, "%.2f", cores)));
        return out.toString();
    }
}
