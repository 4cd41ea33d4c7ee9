package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an example's {@code main} in a child JVM with the test class path, as
 * {@code mvn exec:java} would, and returns its exit status and output (also printed to the test's
 * standard output, which surefire keeps in {@code target/surefire-reports}).
 */
final class ExampleProcess {
    private static final long TIMEOUT_SECONDS = 180;

    /** What the child printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
        /** Both streams, for assertion messages. */
        String transcript() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    private ExampleProcess() {
    }

    static Result run(Path work, Class<?> main, String... args) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path stdout = Files.createTempFile(work, main.getSimpleName(), ".out");
        Path stderr = Files.createTempFile(work, main.getSimpleName(), ".err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            fail(main.getSimpleName() + " did not end within " + TIMEOUT_SECONDS + " s:\n"
                    + new Result(-1, Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8)).transcript());
        }
        Result result = new Result(child.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
        // into the test's report (target/surefire-reports/*-output.txt)
        System.out.println("[" + main.getSimpleName() + " " + String.join(" ", args) + "]\n" + result.transcript());
        return result;
    }
}
