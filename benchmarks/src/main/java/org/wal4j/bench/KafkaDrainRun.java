package org.wal4j.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@link KafkaDrainBenchmark} run measured, and when and how it ran.
 *
 * <p>Immutable.
 *
 * @param label       the report section it goes to
 * @param mode        "full" or "quick"
 * @param command     the command line
 * @param start       ISO-8601 instant it started
 * @param end         ISO-8601 instant it ended
 * @param loadAtStart the load average when it started
 * @param loadAtEnd   the load average when it ended
 * @param postgres    the database server's durability settings
 * @param calls       calls per measurement
 * @param rounds      rounds of both drains
 * @param walSettings the {@code wal.*} settings given on the command line, as "k=v, k=v" ("" for none)
 * @param results     the baselines, then the drains in the order they ran
 */
record KafkaDrainRun(String label, String mode, String command, String start, String end, String loadAtStart,
                     String loadAtEnd, Map<String, String> postgres, long calls, int rounds,
                     String walSettings, List<KafkaDrainResult> results) {
    KafkaDrainRun {
        postgres = Collections.unmodifiableMap(new LinkedHashMap<>(postgres));
        results = List.copyOf(results);
    }

    /** The first result of {@code workload}, if it ran. */
    Optional<KafkaDrainResult> result(String workload) {
        return results.stream().filter(r -> r.workload().equals(workload)).findFirst();
    }

    /** The result of {@code workload} in {@code round}, if it ran. */
    Optional<KafkaDrainResult> result(String workload, int round) {
        return results.stream().filter(r -> r.workload().equals(workload) && r.round() == round).findFirst();
    }

    /** The median rate of {@code workload} over its rounds (the mean of the middle two for an even count). */
    double medianRate(String workload) {
        List<Double> rates = results.stream().filter(r -> r.workload().equals(workload))
                .map(KafkaDrainResult::callsPerSecond).sorted().toList();
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("the run has no workload '" + workload + "'");
        }
        int n = rates.size();
        return n % 2 == 1 ? rates.get(n / 2) : (rates.get(n / 2 - 1) + rates.get(n / 2)) / 2;
    }
}
