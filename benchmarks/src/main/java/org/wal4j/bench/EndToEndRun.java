package org.wal4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine-readable record of one end-to-end run ({@link EndToEndBenchmark}), saved as JSON
 * ({@code benchmarks/target/e2e-result.json} by default): when and how it ran, on what, with which
 * settings, and every workload's figures. The report is rendered from it.
 *
 * <p>Immutable (the collections are copied, in their order).
 *
 * @param label         the heading of the run's section in the report, for example "before partitioned apply"
 * @param mode          "quick" or "full"
 * @param command       the command line
 * @param start         ISO-8601 instant the run started
 * @param end           ISO-8601 instant it ended
 * @param loadAtStart   1, 5, 15 minute load average when it started
 * @param loadAtEnd     the same when it ended
 * @param machine       {@link MachineDescription#describe(String)}
 * @param postgres      the database server's durability settings, as it reported them
 * @param settings      the harness's settings: durations, counts, backlog bound
 * @param walProperties the {@code wal.*} settings given on the command line
 * @param results       one per workload, in the order they ran
 */
record EndToEndRun(String label, String mode, String command, String start, String end, String loadAtStart,
                   String loadAtEnd, Map<String, String> machine, Map<String, String> postgres,
                   Map<String, String> settings, Map<String, String> walProperties, List<EndToEndResult> results) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    EndToEndRun {
        machine = ordered(machine);
        postgres = ordered(postgres);
        settings = ordered(settings);
        walProperties = ordered(walProperties);
        results = List.copyOf(results);
    }

    private static Map<String, String> ordered(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The result of {@code workload}, if it ran. */
    Optional<EndToEndResult> result(String workload) {
        return results.stream().filter(r -> r.workload().equals(workload)).findFirst();
    }

    void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), this);
    }

    static EndToEndRun load(Path file) throws IOException {
        return JSON.readValue(file.toFile(), EndToEndRun.class);
    }
}
