package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalLockedException;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 14: POSIX record locks belong to the process and die with the close of any of
 * its descriptors of the locked file. While this JVM holds a log, everything else in it that may
 * look at the log (an inspector, a verifier, {@link LockHolder}, a refused second open, each also
 * through a symlink, a relative path and a {@code ..} path to the same directory) is opened and
 * closed; then a child JVM, a real second process, must still be refused.
 */
class ProcessLockTest {
    @TempDir
    Path root;

    @Test
    void whatThisJvmOpensAndClosesBesideTheHolder_neverReleasesTheLockToAnotherProcess() throws Exception {
        Path dir = root.resolve("log");
        Path link = Files.createSymbolicLink(root.resolve("link"), dir.getFileName());
        Files.createDirectories(dir);
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        Path dotDot = root.resolve("link").resolve("..").resolve("log");
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            log.append(TestEntries.batch(1, 3));
            lookAtTheHeldLog(dir);
            assertRefusedToAnotherProcess(dir);
            for (Path alias : new Path[] {link, relative, dotDot}) {
                lookAtTheHeldLog(alias);
            }
            assertRefusedToAnotherProcess(dir);
            assertRefusedToAnotherProcess(link);
            assertEquals(4, log.append(TestEntries.entry(4)));
        }
        Probe after = probe(link);
        assertEquals(0, after.exit, after.stdout);
        assertEquals("OPENED 4", after.stdout);
    }

    /** Opens and closes in this JVM everything that reads the log or its LOCK file, through {@code path}. */
    private static void lookAtTheHeldLog(Path path) {
        try (LogInspector inspector = LogInspector.open(path)) {
            assertEquals(3, inspector.lastSeq());
            assertEquals(LockHolder.State.HELD, inspector.lockHolder().state(), path.toString());
        }
        assertTrue(LogVerifier.verify(path).ok(), path.toString());
        assertTrue(LockHolder.read(path).held(), path.toString());
        WalLockedException e = assertThrows(WalLockedException.class,
                () -> FileWalStorage.open(FileStorageConfig.ofDefaults(path)));
        assertTrue(e.getMessage().contains("another open FileWalStorage in this JVM, pid "
                + ProcessHandle.current().pid()), e.getMessage());
    }

    private void assertRefusedToAnotherProcess(Path path) throws IOException, InterruptedException {
        Probe probe = probe(path);
        assertEquals(LockProbe.EXIT_LOCKED, probe.exit, "a second process opened the held log through " + path
                + ": " + probe.stdout);
        assertTrue(probe.stdout.startsWith("LOCKED The log directory is locked by another owner (pid "
                + ProcessHandle.current().pid() + " on host "), probe.stdout);
    }

    /** What a child JVM trying to open the log said. */
    private record Probe(int exit, String stdout) {
    }

    private Probe probe(Path dir) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("child-stderr.log").toFile()));
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        return new Probe(process.exitValue(), out);
    }
}
