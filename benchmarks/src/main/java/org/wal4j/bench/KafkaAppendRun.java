package org.wal4j.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one {@link KafkaAppendBenchmark} run measured: per figure ({@code raw.sync_t1.p50} in µs,
 * {@code wal.pipelined_t1} in records/s...) one value per round, and when and how it ran.
 *
 * <p>Immutable and thread-safe.
 *
 * @param label       the report section it goes to
 * @param mode        "full" or "quick"
 * @param start       when it started
 * @param end         when it ended
 * @param loadAtStart the load average when it started
 * @param loadAtEnd   the load average when it ended
 * @param command     the command line
 * @param rounds      rounds measured
 * @param sizes       what each workload did per round
 * @param figures     per figure, its value in each round
 */
record KafkaAppendRun(String label, String mode, Instant start, Instant end, String loadAtStart, String loadAtEnd,
                      String command, int rounds, KafkaAppendBenchmark.Sizes sizes,
                      Map<String, List<Double>> figures) {
    KafkaAppendRun {
        figures = Map.copyOf(figures);
    }

    /** The median of {@code figure}'s rounds (the mean of the middle two for an even count). */
    double median(String figure) {
        List<Double> values = rounds(figure).stream().sorted().toList();
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    double min(String figure) {
        return rounds(figure).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    double max(String figure) {
        return rounds(figure).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private List<Double> rounds(String figure) {
        List<Double> values = figures.get(figure);
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("the run has no figure '" + figure + "'; it has " + figures.keySet());
        }
        return values;
    }
}
