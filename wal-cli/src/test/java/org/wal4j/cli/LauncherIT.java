package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line: {@code bin/wal} runs the shaded jar that {@code mvn package} built,
 * which holds everything it needs (JDBC drivers registered, logging bound). Runs in the
 * {@code integration-test} phase, after {@code package}.
 */
class LauncherIT {
    private static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path LAUNCHER = MODULE.resolveSibling("bin").resolve("wal");
    private static final Path JAR = MODULE.resolve("target").resolve("wal-cli.jar");

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private Run launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = dir.resolveSibling(dir.getFileName() + ".out");
        Path err = dir.resolveSibling(dir.getFileName() + ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/wal did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void launcher_help() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "not packaged: " + JAR);

        Run r = launch(Map.of(), "--help");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("Usage: wal [-hV] COMMAND\n"), r.out());
        assertTrue(r.out().contains("\n  status   "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void launcher_statusOfARealLog_andUsageErrorExitCode() throws Exception {
        TestLogs.standard(dir);

        Run status = launch(Map.of(), "status", "--dir", dir.toString());
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.out().contains("\nEntries       10 (last seq 10)\n"), status.out());

        Run bad = launch(Map.of(), "status", "--dir", dir.resolve("missing").toString());
        assertEquals(2, bad.exitCode(), bad::toString);
        assertEquals("wal status: --dir " + dir.resolve("missing") + ": no such directory (see 'wal status --help')\n",
                bad.err());
    }

    @Test
    void launcher_withoutTheJar_saysHowToBuildIt() throws Exception {
        Run r = launch(Map.of("WAL_CLI_JAR", dir.resolve("absent.jar").toString()), "--help");

        assertEquals(2, r.exitCode());
        assertEquals("wal: " + dir.resolve("absent.jar") + " is not built; build it with: "
                + "mvn -B -q -pl wal-cli -am package -DskipTests\n", r.err());
    }

    @Test
    void jar_registersTheJdbcDriversOfAllThreeEngines() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String drivers = new String(jar.getInputStream(jar.getEntry("META-INF/services/java.sql.Driver"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(drivers.contains("org.h2.Driver"), drivers);
            assertTrue(drivers.contains("org.postgresql.Driver"), drivers);
            assertTrue(drivers.contains("org.mariadb.jdbc.Driver"), drivers);
            assertEquals("org.wal4j.cli.WalCli", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }
}
