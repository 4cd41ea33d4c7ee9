package org.wal4j.bench;

import org.wal4j.bench.BenchmarkCatalog.Metric;
import org.wal4j.bench.BenchmarkCatalog.Row;
import org.wal4j.bench.BenchmarkCatalog.Target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns one JMH JSON result file into {@code docs/benchmarks.md}: the machine, every result with
 * its error bar, the ratios between baselines and peers, and issue 6's targets, all computed from
 * that one run. Rows listed in {@link BenchmarkCatalog} without a result are shown as pending (wal4j)
 * or not run (the others), never with a number.
 *
 * <p>Not thread-safe; build one per report.
 */
final class BenchmarkReport {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final List<JmhResult> results;
    private final Map<String, String> machine;
    private final Optional<RunRecord> run;
    private final Instant written;
    private final List<String> notes;
    private final StringBuilder out = new StringBuilder();

    /**
     * @param results the run's results
     * @param machine label to value, as {@link MachineDescription#describe(String)} gives
     * @param run     when and how the run was made, if known
     * @param written when the report is written
     * @param notes   paragraphs printed under the title, for example that the machine was busy
     */
    BenchmarkReport(List<JmhResult> results, Map<String, String> machine, Optional<RunRecord> run, Instant written,
                    List<String> notes) {
        this.results = List.copyOf(results);
        this.machine = machine;
        this.run = run;
        this.written = written;
        this.notes = List.copyOf(notes);
    }

    /**
     * Reads {@code jsonFile} and the {@link RunRecord} beside it, describes this machine, and writes
     * the report to {@code reportFile}, keeping the end-to-end benchmark's part of an existing
     * report ({@link EndToEndReport#preservedPart}).
     */
    static void write(Path jsonFile, Path reportFile, List<String> notes) throws IOException {
        List<JmhResult> results = JmhResult.read(jsonFile);
        String jvm = results.stream().map(JmhResult::jvm).filter(s -> !s.isBlank()).findFirst().orElse(null);
        String markdown = new BenchmarkReport(results, MachineDescription.describe(jvm), RunRecord.load(jsonFile),
                Instant.now(), notes).render();
        Path parent = reportFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // the end-to-end benchmark's sections are not from this run: keep them as they are
        String kept = Files.exists(reportFile)
                ? EndToEndReport.preservedPart(Files.readString(reportFile, StandardCharsets.UTF_8)) : "";
        Files.writeString(reportFile, kept.isEmpty() ? markdown : markdown + "\n" + kept, StandardCharsets.UTF_8);
    }

    String render() {
        out.setLength(0);
        header();
        throughput();
        latency();
        others();
        contextRatios();
        targets();
        settings();
        return out.toString();
    }

    private void header() {
        line("# wal4j benchmarks");
        line("");
        if (run.isPresent()) {
            line("Figures from one run of `" + run.get().command() + "`, " + DATE.format(run.get().start()) + " to "
                    + DATE.format(run.get().end()) + "; report written " + DATE.format(written)
                    + ". Do not edit by hand: run it again.");
        } else {
            line("Report written " + DATE.format(written) + " from a JMH result file with no record of its run. "
                    + "Do not edit by hand: run `benchmarks/run.sh`.");
        }
        line("");
        for (String note : notes) {
            line("> " + note);
            line("");
        }
        line("## Machine");
        line("");
        line("| | |");
        line("|---|---|");
        machine.forEach((label, value) -> line("| " + label + " | " + value + " |"));
        if (run.isPresent()) {
            line("| load average (1, 5, 15 min) | " + run.get().loadAtStart() + " when the run started; "
                    + run.get().loadAtEnd() + " when it ended |");
        } else {
            line("| load average (1, 5, 15 min) | " + MachineDescription.loadAverage() + " when the report was written |");
        }
        line("");
        line("## How to read this");
        line("");
        line("- Every figure comes from the one JMH run above; every ratio is computed within that run.");
        line("- ± is the half-width of JMH's 99.9% confidence interval over the measurement iterations. "
                + "Percentiles are over all samples, with [lowest – highest] of that percentile across "
                + "iterations as their error bar.");
        line("- Every benchmark writes the same records: a JSON object of exactly the payload size. The raw "
                + "baselines write the payload alone; wal4j writes it inside its framed, checksummed JSON line, "
                + "so it writes more bytes per record. MiB/s counts payload bytes only.");
        line("- \"Acknowledged when\" says what is true of a record when the call returns. Rows that do not "
                + "fsync (Chronicle Queue, wal4j NONE) compare with each other, not with the durable rows.");
        line("- *pending*: the benchmark is planned but not implemented yet; *not run*: implemented but not "
                + "part of this run. Neither has a number.");
        line("");
    }

    private void throughput() {
        line("## Throughput");
        line("");
        line("| kind | what | acknowledged when | threads | payload (B) | ops/s | ± | MiB/s | benchmark |");
        line("|---|---|---|--:|--:|--:|--:|--:|---|");
        for (Row row : BenchmarkCatalog.THROUGHPUT) {
            List<JmhResult> found = find(row.benchmark(), row.mode());
            if (found.isEmpty()) {
                line(String.format(Locale.ROOT, "| %s | %s | %s | %s | | %s | | | `%s` |", row.kind().label, row.what(),
                        row.durability(), threadsOf(row.benchmark()), missing(row), row.benchmark()));
            }
            for (JmhResult r : found) {
                line(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %s | %s | `%s` |", row.kind().label,
                        row.what(), row.durability(), r.threads(), payloadOf(r), Format.rate(r.score()),
                        Format.rate(r.error()), Format.mebibytesPerSecond(r), row.benchmark()));
            }
        }
        line("");
    }

    private void latency() {
        line("## Latency");
        line("");
        line("| kind | what | acknowledged when | threads | payload (B) | mean | ± | p50 [iterations] "
                + "| p99 [iterations] | p99.9 | benchmark |");
        line("|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|");
        for (Row row : BenchmarkCatalog.LATENCY) {
            List<JmhResult> found = find(row.benchmark(), row.mode());
            if (found.isEmpty()) {
                line(String.format(Locale.ROOT, "| %s | %s | %s | %s | | %s | | | | | `%s` |", row.kind().label,
                        row.what(), row.durability(), threadsOf(row.benchmark()), missing(row), row.benchmark()));
            }
            for (JmhResult r : found) {
                line(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | `%s` |",
                        row.kind().label, row.what(), row.durability(), r.threads(), payloadOf(r),
                        Format.time(r.score()), Format.time(r.error()), Format.percentile(r, 50.0),
                        Format.percentile(r, 99.0), Format.time(r.percentile(99.9)), row.benchmark()));
            }
        }
        line("");
    }

    /** Results the catalogue does not list: shown plainly so that nothing measured is hidden. */
    private void others() {
        Set<String> known = new LinkedHashSet<>();
        for (Row row : BenchmarkCatalog.THROUGHPUT) {
            known.add(row.benchmark() + "/" + row.mode());
        }
        for (Row row : BenchmarkCatalog.LATENCY) {
            known.add(row.benchmark() + "/" + row.mode());
        }
        List<JmhResult> unknown = results.stream().filter(r -> !known.contains(r.benchmark() + "/" + r.mode()))
                .collect(Collectors.toList());
        if (unknown.isEmpty()) {
            return;
        }
        line("## Other results");
        line("");
        line("| benchmark | mode | threads | params | score | ± | unit |");
        line("|---|---|--:|---|--:|--:|---|");
        for (JmhResult r : unknown) {
            boolean rate = r.isThroughput();
            line(String.format(Locale.ROOT, "| `%s` | %s | %d | %s | %s | %s | %s |", r.benchmark(), r.mode(),
                    r.threads(), r.params(), rate ? Format.rate(r.score()) : Format.time(r.score()),
                    rate ? Format.rate(r.error()) : Format.time(r.error()), rate ? "ops/s" : "per op"));
        }
        line("");
    }

    private void contextRatios() {
        List<String> payloads = payloads();
        line("## Ratios between baselines and peers");
        line("");
        line("Throughput of the first over the second, same payload; in brackets the range the two 99.9% "
                + "confidence intervals allow.");
        line("");
        line("| ratio | " + payloads.stream().map(p -> p + " B").collect(Collectors.joining(" | ")) + " |");
        line("|---|" + "--:|".repeat(payloads.size()));
        for (List<String> pair : BenchmarkCatalog.CONTEXT_RATIOS) {
            StringBuilder cells = new StringBuilder();
            for (String payload : payloads) {
                Optional<JmhResult> a = first(pair.get(0), BenchmarkCatalog.THRPT, payload);
                Optional<JmhResult> b = first(pair.get(1), BenchmarkCatalog.THRPT, payload);
                cells.append(" | ").append(a.isPresent() && b.isPresent() ? Format.ratioWithRange(a.get(), b.get())
                        : "not run");
            }
            line("| " + describe(pair.get(0)) + " ÷ " + describe(pair.get(1)) + cells + " |");
        }
        line("");
    }

    private void targets() {
        line("## Targets (issue 6)");
        line("");
        line("Bars are computed from the baselines and peers of this run.");
        line("");
        line("| target | payload (B) | wal4j | bar | ratio | verdict |");
        line("|---|--:|--:|--:|--:|---|");
        for (Target target : BenchmarkCatalog.TARGETS) {
            List<String> payloads = payloadsOf(target);
            for (String payload : payloads.isEmpty() ? java.util.Collections.singletonList((String) null) : payloads) {
                line(new TargetCheck(target, payload).row());
            }
        }
        line("");
    }

    /** How each benchmark class was measured, so that a reader can repeat it. */
    private void settings() {
        Map<String, Set<String>> byClass = new java.util.TreeMap<>();
        for (JmhResult r : results) {
            String type = r.benchmark().substring(0, r.benchmark().lastIndexOf('.'));
            byClass.computeIfAbsent(type, t -> new TreeSet<>()).add(r.settings());
        }
        if (byClass.isEmpty()) {
            return;
        }
        line("## Run settings");
        line("");
        line("| benchmark class | measured as |");
        line("|---|---|");
        byClass.forEach((type, settings) -> line("| `" + type + "` | " + String.join("; ", settings) + " |"));
        line("");
    }

    /** One target at one payload size. */
    private final class TargetCheck {
        private final Target target;
        private final String payload;
        private final OptionalDouble measured;
        private final OptionalDouble reference;

        TargetCheck(Target target, String payload) {
            this.target = target;
            this.payload = payload;
            this.measured = value(target.measured(), payload);
            this.reference = best(target, payload);
        }

        String row() {
            String bar = bar();
            boolean planned = isPlanned(target.measured().benchmark());
            String wal4j = measured.isPresent() ? Format.value(measured.getAsDouble(), target.unit())
                    : planned ? "pending: `" + target.measured().benchmark() + "` not implemented yet"
                    : "not run: `" + target.measured().benchmark() + "`";
            String ratio = "";
            String verdict = planned ? "pending" : "not run";
            if (measured.isPresent() && (target.isAbsolute() || reference.isPresent())) {
                double limit = target.isAbsolute() ? target.factor() : target.factor() * reference.getAsDouble();
                boolean met = target.atLeast() ? measured.getAsDouble() >= limit : measured.getAsDouble() <= limit;
                verdict = met ? "met" : "**missed**";
                ratio = target.isAbsolute() ? Format.ratio(measured.getAsDouble() / target.factor()) + " of the bound"
                        : Format.ratio(measured.getAsDouble() / reference.getAsDouble());
            } else if (measured.isPresent()) {
                verdict = "no reference in this run";
            }
            return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |", target.description(),
                    payload == null ? "—" : payload, wal4j, bar, ratio, verdict);
        }

        private String bar() {
            String comparison = target.atLeast() ? "≥ " : "≤ ";
            if (target.isAbsolute()) {
                return comparison + Format.value(target.factor(), target.unit());
            }
            if (reference.isEmpty()) {
                boolean planned = target.references().stream().allMatch(m -> isPlanned(m.benchmark()));
                return comparison + Format.ratio(target.factor()) + " `" + target.references().get(0).benchmark()
                        + "` (" + (planned ? "pending" : "not run") + ")";
            }
            return comparison + Format.ratio(target.factor()) + " " + Format.value(reference.getAsDouble(), target.unit())
                    + " = " + Format.value(target.factor() * reference.getAsDouble(), target.unit());
        }
    }

    private OptionalDouble best(Target target, String payload) {
        OptionalDouble best = OptionalDouble.empty();
        for (Metric metric : target.references()) {
            OptionalDouble v = value(metric, payload);
            if (v.isPresent() && (best.isEmpty()
                    || (target.atLeast() ? v.getAsDouble() > best.getAsDouble() : v.getAsDouble() < best.getAsDouble()))) {
                best = v;
            }
        }
        return best;
    }

    private OptionalDouble value(Metric metric, String payload) {
        Optional<JmhResult> result = first(metric.benchmark(), metric.mode(), payload);
        if (result.isEmpty()) {
            return OptionalDouble.empty();
        }
        JmhResult r = result.get();
        switch (metric.statistic()) {
            case SCORE: return OptionalDouble.of(r.score());
            case P50: return r.percentile(50.0);
            case P99: return r.percentile(99.0);
            case SECONDARY:
                Double v = r.secondary().get(metric.secondaryName());
                return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
            default: throw new IllegalStateException("Unknown statistic " + metric.statistic());
        }
    }

    private List<String> payloadsOf(Target target) {
        List<Metric> metrics = new ArrayList<>(target.references());
        metrics.add(target.measured());
        Set<String> sizes = new TreeSet<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        for (Metric metric : metrics) {
            for (JmhResult r : find(metric.benchmark(), metric.mode())) {
                if (r.payloadBytes() != null) {
                    sizes.add(r.payloadBytes());
                }
            }
        }
        return new ArrayList<>(sizes);
    }

    private List<String> payloads() {
        Set<String> sizes = new TreeSet<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        for (JmhResult r : results) {
            if (r.payloadBytes() != null) {
                sizes.add(r.payloadBytes());
            }
        }
        return sizes.isEmpty() ? List.of(Payloads.SMALL, Payloads.LARGE) : new ArrayList<>(sizes);
    }

    private List<JmhResult> find(String benchmark, String mode) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark) && r.mode().equals(mode))
                .sorted((a, b) -> Integer.compare(payloadNumber(a), payloadNumber(b)))
                .collect(Collectors.toList());
    }

    private Optional<JmhResult> first(String benchmark, String mode, String payload) {
        return find(benchmark, mode).stream()
                .filter(r -> payload == null || r.payloadBytes() == null || r.payloadBytes().equals(payload))
                .findFirst();
    }

    private static int payloadNumber(JmhResult r) {
        return r.payloadBytes() == null ? 0 : Integer.parseInt(r.payloadBytes());
    }

    private static String payloadOf(JmhResult r) {
        return r.payloadBytes() == null ? "—" : r.payloadBytes();
    }

    private static String missing(Row row) {
        return isPlanned(row.benchmark()) ? "*pending*" : "*not run*";
    }

    /**
     * Whether {@code Class.method} is still to be written: no such method in this module. A
     * benchmark that exists but has no result was left out of the run ("not run").
     */
    static boolean isPlanned(String benchmark) {
        int dot = benchmark.lastIndexOf('.');
        try {
            Class<?> type = Class.forName(BenchmarkReport.class.getPackageName() + "." + benchmark.substring(0, dot));
            String method = benchmark.substring(dot + 1);
            return Arrays.stream(type.getMethods()).noneMatch(m -> m.getName().equals(method));
        } catch (ClassNotFoundException e) {
            return true;
        }
    }

    /** The thread count a method name promises ({@code _t64}), for rows without a result. */
    private static String threadsOf(String benchmark) {
        int at = benchmark.lastIndexOf("_t");
        return at < 0 ? "" : benchmark.substring(at + 2);
    }

    private static String describe(String benchmark) {
        for (Row row : BenchmarkCatalog.THROUGHPUT) {
            if (row.benchmark().equals(benchmark)) {
                String threads = threadsOf(benchmark);
                return row.what() + (threads.isEmpty() ? "" : ", " + threads + " thread" + ("1".equals(threads) ? "" : "s"));
            }
        }
        return benchmark;
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
