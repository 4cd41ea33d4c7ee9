package org.wal4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One result of JMH's JSON output ({@code -rf json}), normalised for the report: throughput in
 * operations per second, times in microseconds, whatever unit the benchmark chose.
 *
 * <p>Immutable.
 *
 * @param benchmark   {@code Class.method}, without the package
 * @param mode        JMH's short mode name: {@code thrpt}, {@code sample}, {@code avgt}, {@code ss}
 * @param threads     threads that ran the benchmark method
 * @param params      the {@code @Param} values, by name
 * @param score       ops/s for {@code thrpt}, µs/op for the time modes
 * @param error       half-width of JMH's 99.9% confidence interval, same unit; NaN if JMH gave none
 * @param percentiles for the time modes, value (µs) by percentile (50.0, 99.0, …) over all samples
 * @param percentileRanges for {@code sample} mode, the lowest and highest value of each percentile
 *                    across measurement iterations: the error bar of a percentile
 * @param secondary   secondary metrics (for example {@code @AuxCounters}), raw score by name
 * @param jvm         the forked JVM's {@code vmName vmVersion}, for the machine description
 * @param settings    how it was measured: forks, warm-up and measurement iterations
 */
record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
                 Map<Double, Double> percentiles, Map<Double, double[]> percentileRanges,
                 Map<String, Double> secondary, String jvm, String settings) {

    private static final String PACKAGE_PREFIX = "org.wal4j.bench.";

    /** The value of {@code @Param payloadBytes}, or null when the benchmark has none. */
    String payloadBytes() {
        return params.get("payloadBytes");
    }

    boolean isThroughput() {
        return "thrpt".equals(mode);
    }

    OptionalDouble percentile(double p) {
        Double value = percentiles.get(p);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Reads every result of a JMH JSON result file. */
    static List<JmhResult> read(Path jsonFile) throws IOException {
        JsonNode root = new ObjectMapper().readTree(jsonFile.toFile());
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode node : root) {
            results.add(parse(node));
        }
        return results;
    }

    static JmhResult parse(JsonNode node) {
        String benchmark = node.path("benchmark").asText();
        if (benchmark.startsWith(PACKAGE_PREFIX)) {
            benchmark = benchmark.substring(PACKAGE_PREFIX.length());
        }
        String mode = node.path("mode").asText();
        JsonNode primary = node.path("primaryMetric");
        String unit = primary.path("scoreUnit").asText();
        double factor = factor(unit, mode);

        Map<String, String> params = new TreeMap<>();
        node.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));

        Map<Double, Double> percentiles = new TreeMap<>();
        primary.path("scorePercentiles").fields().forEachRemaining(
                e -> percentiles.put(Double.parseDouble(e.getKey()), number(e.getValue()) * factor));

        Map<String, Double> secondary = new LinkedHashMap<>();
        node.path("secondaryMetrics").fields().forEachRemaining(
                e -> secondary.put(e.getKey(), number(e.getValue().path("score"))));

        String jvm = (node.path("vmName").asText() + " " + node.path("vmVersion").asText()).trim();
        return new JmhResult(benchmark, mode, node.path("threads").asInt(1), Collections.unmodifiableMap(params),
                number(primary.path("score")) * factor, number(primary.path("scoreError")) * factor,
                Collections.unmodifiableMap(percentiles),
                Collections.unmodifiableMap(percentileRanges(primary.path("rawDataHistogram"), factor)),
                Collections.unmodifiableMap(secondary), jvm, settings(node));
    }

    /** For example {@code 1 fork × (2 × 1 s warm-up + 8 × 1 s measured)}. */
    private static String settings(JsonNode node) {
        int forks = node.path("forks").asInt();
        return String.format(Locale.ROOT, "%s × (%d × %s warm-up + %d × %s measured)",
                forks == 0 ? "in-process" : forks + (forks == 1 ? " fork" : " forks"),
                node.path("warmupIterations").asInt(), node.path("warmupTime").asText(),
                node.path("measurementIterations").asInt(), node.path("measurementTime").asText());
    }

    /**
     * Per-iteration percentiles from {@code rawDataHistogram} (forks, iterations, then
     * {@code [value, count]} pairs), reduced to the lowest and highest per percentile.
     */
    private static Map<Double, double[]> percentileRanges(JsonNode forks, double factor) {
        Map<Double, double[]> ranges = new TreeMap<>();
        for (JsonNode fork : forks) {
            for (JsonNode iteration : fork) {
                for (double p : new double[] {50.0, 99.0}) {
                    double value = histogramPercentile(iteration, p) * factor;
                    ranges.merge(p, new double[] {value, value},
                            (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                }
            }
        }
        return ranges;
    }

    /** The nearest-rank percentile of a JMH histogram: {@code [[value, count], …]}. */
    static double histogramPercentile(JsonNode histogram, double percentile) {
        List<double[]> buckets = new ArrayList<>();
        long total = 0;
        for (JsonNode bucket : histogram) {
            long count = bucket.get(1).asLong();
            buckets.add(new double[] {number(bucket.get(0)), count});
            total += count;
        }
        if (total == 0) {
            return Double.NaN;
        }
        buckets.sort((a, b) -> Double.compare(a[0], b[0]));
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (double[] bucket : buckets) {
            seen += (long) bucket[1];
            if (seen >= rank) {
                return bucket[0];
            }
        }
        return buckets.get(buckets.size() - 1)[0];
    }

    /** Multiplier from JMH's unit to ops/s (throughput) or µs/op (time modes). */
    static double factor(String unit, String mode) {
        String normalized = unit.toLowerCase(Locale.ROOT);
        String[] parts = normalized.split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("Unknown JMH unit '" + unit + "' for mode " + mode);
        }
        if ("thrpt".equals(mode)) {
            return 1e6 / microseconds(parts[1], unit); // ops per <unit> to ops per second
        }
        return microseconds(parts[0], unit); // <unit> per op to µs per op
    }

    private static double microseconds(String timeUnit, String unit) {
        switch (timeUnit) {
            case "ns": return 1e-3;
            case "us": return 1;
            case "ms": return 1e3;
            case "s": return 1e6;
            case "min": return 60e6;
            default: throw new IllegalArgumentException("Unknown time unit '" + timeUnit + "' in JMH unit '" + unit + "'");
        }
    }

    private static double number(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Double.NaN;
        }
        return node.isNumber() ? node.doubleValue() : Double.parseDouble(node.asText());
    }
}
