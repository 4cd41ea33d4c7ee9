package org.wal4j.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * When a JMH run started and ended, the machine's load average at both ends, and the command that
 * ran it. Saved beside the JSON results ({@code jmh-result.json.run.properties}) so that a report
 * rewritten later ({@code --report-only}) still describes the run, not the moment of rewriting.
 *
 * <p>Immutable.
 *
 * @param loadAtStart {@code /proc/loadavg}'s 1, 5 and 15 minute figures, or "unknown"
 */
record RunRecord(Instant start, Instant end, String loadAtStart, String loadAtEnd, String command) {

    /** The file that holds the record of the run whose results are {@code results}. */
    static Path fileFor(Path results) {
        return results.resolveSibling(results.getFileName() + ".run.properties");
    }

    void save(Path results) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("start", start.toString());
        properties.setProperty("end", end.toString());
        properties.setProperty("loadAtStart", loadAtStart);
        properties.setProperty("loadAtEnd", loadAtEnd);
        properties.setProperty("command", command);
        try (Writer out = Files.newBufferedWriter(fileFor(results), StandardCharsets.UTF_8)) {
            properties.store(out, "The JMH run that wrote " + results.getFileName());
        }
    }

    /** The record saved beside {@code results}, or empty if there is none. */
    static Optional<RunRecord> load(Path results) throws IOException {
        Path file = fileFor(results);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return Optional.of(new RunRecord(Instant.parse(required(properties, "start", file)),
                Instant.parse(required(properties, "end", file)), required(properties, "loadAtStart", file),
                required(properties, "loadAtEnd", file), required(properties, "command", file)));
    }

    private static String required(Properties properties, String key, Path file) throws IOException {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IOException("Run record " + file + " has no '" + key + "'");
        }
        return value;
    }
}
