package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wal load} on a disk that fills up prints exactly one line on stderr: its own message, no
 * log line of the storage and no stack trace. The disk is real: a 1 MiB tmpfs this test mounts
 * (it needs root, as CI runs; without it the test fails saying so rather than passing without
 * having run), and the command runs in a child JVM with the command line's own logging setup.
 */
class FullDiskLoadTest {
    @TempDir
    Path root;

    @Test
    void loadOnAFullDisk_printsExactlyOneLineOnStderr() throws Exception {
        Path mount = Files.createDirectories(root.resolve("tiny-disk"));
        assertTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()),
                "mounting a 1 MiB tmpfs failed (this test needs root)");
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), WalCli.class.getName(),
                    "load", "--dir", mount.resolve("log").toString(), "--threads", "2", "--count", "100000",
                    "--payload-bytes", "1000", "--sync-policy", "interval");
            Path stderr = root.resolve("stderr.txt");
            pb.redirectError(stderr.toFile());
            Process process = pb.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "wal load did not exit");
            List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            assertEquals(ExitCode.PROBLEM, process.exitValue(), out + String.join("\n", err));
            assertEquals(1, err.size(), "stderr:\n" + String.join("\n", err));
            assertTrue(err.get(0).startsWith("wal load: an append failed after "), err.get(0));
            // the first failed write says "The disk holding the log is full …"; a thread refused just after
            // it names that failure: "Log already failed … the disk is full: free space, then reopen the log"
            assertTrue(err.get(0).matches("(?i).*the disk (holding the log )?is full.*"), err.get(0));
            System.out.println("FullDiskLoadTest (real 1 MiB tmpfs): " + err.get(0));
        } finally {
            run("umount", mount.toString());
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
