package org.wal4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The end-to-end benchmark's part of {@code docs/benchmarks.md}: one section per labelled run
 * ({@link EndToEndRun#label()}), under a heading of their own at the end of the document. Writing a
 * run replaces the section of the same label and keeps the others, so "before" and "after" a change
 * stand side by side; {@link BenchmarkReport} keeps the whole part when it rewrites the JMH report
 * above it ({@link #preservedPart}).
 *
 * <p>Each section says when and on what the run was made, and gives every workload's calls per
 * second with its ratio to the DAO called directly by as many threads in the same run.
 *
 * <p>Thread-safe: stateless.
 */
final class EndToEndReport {

    /** Starts the end-to-end part of the document; everything from here on is this class's. */
    static final String PART_MARKER = "<!-- end-to-end: written by benchmarks/run.sh --e2e -->";
    /** The kind of this part's run sections. */
    private static final String RUN = "e2e-run";

    private EndToEndReport() {
    }

    /**
     * The parts of {@code document} no JMH run writes: from the end-to-end part ({@link #PART_MARKER})
     * the Kafka part ({@link KafkaAppendReport#PART_MARKER}) or the Kafka drain part
     * ({@link KafkaDrainReport#PART_MARKER}), whichever comes first, to the end;
     * or "".
     */
    static String preservedPart(String document) {
        int at = -1;
        for (String marker : new String[] {PART_MARKER, KafkaAppendReport.PART_MARKER, KafkaDrainReport.PART_MARKER}) {
            int found = document.indexOf(marker);
            at = found < 0 ? at : at < 0 ? found : Math.min(at, found);
        }
        return at < 0 ? "" : document.substring(at);
    }

    /** Writes {@code run}'s section into {@code file}, creating the file or the part if missing. */
    static void write(EndToEndRun run, Path file) throws IOException {
        ReportFile.update(file, document -> merge(document, run.label(), section(run)));
    }

    /** {@code document} with the section of {@code label} replaced by, or added as, {@code section}. */
    static String merge(String document, String label, String section) {
        // a new section goes at the end of the end-to-end part: before the Kafka part if there is one
        return ReportFile.merge(document, RUN, label, section, PART_MARKER, EndToEndReport::introduction,
                KafkaAppendReport.PART_MARKER);
    }

    private static String introduction() {
        return """
                ## End to end: is wal4j the bottleneck between the application and its database?

                `benchmarks/run.sh --e2e` (see [benchmarks/README.md](../benchmarks/README.md#end-to-end)). An \
                application books trades with a DAO (`UPDATE accounts SET balance = balance + ? WHERE id = ?` \
                and `INSERT INTO trades`, one transaction, 64 accounts) on embedded PostgreSQL with `fsync=on` \
                and `synchronous_commit=on`, through a HikariCP pool of one connection per application thread. \
                The baseline calls the DAO directly. The other rows put wal4j in between (file log, \
                `SyncPolicy.ALWAYS`, one `JdbcSyncTarget`): their throughput is what the database has \
                **applied** per second, counted until the last acknowledged call is applied, so a pipeline \
                that acknowledges fast and applies slowly does not look fast. Ratios are to the direct DAO at \
                the same thread count in the same run (the machine is shared: compare ratios, not absolute \
                figures across runs). Every workload runs on a fresh database and is checked afterwards: as \
                many trade rows as calls, balances and trade amounts adding up to what the calls booked.
                """;
    }

    /** One run's section, between its markers. */
    static String section(EndToEndRun run) {
        StringBuilder out = new StringBuilder();
        out.append(ReportFile.begin(RUN, run.label())).append('\n');
        out.append("### ").append(run.label()).append("\n\n");
        out.append(String.format(Locale.ROOT, "%s run, %s to %s: `%s`.%n%n", run.mode(), run.start(), run.end(),
                run.command()));
        out.append(table(run)).append('\n');
        out.append(facts(run));
        out.append(ReportFile.end(RUN, run.label())).append('\n');
        return out.toString();
    }

    private static String table(EndToEndRun run) {
        StringBuilder out = new StringBuilder();
        out.append("| workload | threads | calls | acknowledged calls/s | applied calls/s | applied ÷ direct DAO "
                + "| acknowledged ÷ direct DAO | backlog when calls stopped | entries per apply call "
                + "| apply call p50 / p99 |\n");
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (EndToEndResult r : run.results()) {
            Optional<EndToEndResult> baseline = run.result("direct_t" + r.threads());
            boolean direct = r.workload().startsWith("direct_");
            out.append(String.format(Locale.ROOT, "| %s (`%s`) | %d | %,d | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.what(), r.workload(), r.threads(), r.calls(), Format.rate(r.acknowledgedPerSecond()),
                    Format.rate(r.appliedPerSecond()),
                    direct ? "1 (baseline)" : ratio(r.appliedPerSecond(), baseline),
                    direct ? "" : ratio(r.acknowledgedPerSecond(), baseline),
                    direct ? "" : String.format(Locale.ROOT, "%,d", r.backlogAtEnd()),
                    r.entriesPerApplyCall() == null ? "" : String.format(Locale.ROOT, "%.1f", r.entriesPerApplyCall()),
                    r.applyP50Micros() == null ? "" : Format.time(r.applyP50Micros()) + " / "
                            + Format.time(r.applyP99Micros())));
        }
        return out.toString();
    }

    private static String ratio(double value, Optional<EndToEndResult> baseline) {
        return baseline.map(b -> Format.ratio(value / b.appliedPerSecond())).orElse("no baseline in this run");
    }

    private static String facts(EndToEndRun run) {
        StringBuilder out = new StringBuilder();
        out.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> fact : run.machine().entrySet()) {
            if (!fact.getKey().equals("libraries")) {
                out.append("| ").append(fact.getKey()).append(" | ").append(fact.getValue()).append(" |\n");
            }
        }
        out.append("| load average (1, 5, 15 min) | ").append(run.loadAtStart()).append(" when the run started; ")
                .append(run.loadAtEnd()).append(" when it ended |\n");
        out.append("| PostgreSQL | ").append(join(run.postgres())).append(" |\n");
        out.append("| harness | ").append(join(run.settings())).append(" |\n");
        out.append("| `wal.*` settings given | ").append(run.walProperties().isEmpty() ? "none (defaults)"
                : join(run.walProperties())).append(" |\n\n");
        return out.toString();
    }

    private static String join(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        values.forEach((key, value) -> out.append(out.length() == 0 ? "" : ", ").append(key).append('=').append(value));
        return out.toString();
    }
}
