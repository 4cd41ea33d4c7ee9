package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code LockHolder} makes of a {@code LOCK} file naming another process of this host: real
 * child processes, one that has exited, one still running that started before the holder's time
 * (the holder) and one that started after it (a reused pid, not the holder); and of files it
 * cannot make sense of.
 */
class LockHolderTest {
    @TempDir
    Path dir;

    private void lockFile(String content) throws IOException {
        Files.writeString(dir.resolve(DirectoryLock.FILE_NAME), content + "\n");
    }

    private static String thisHost() throws IOException {
        return InetAddress.getLocalHost().getHostName();
    }

    private static Process sleeper() throws IOException {
        return new ProcessBuilder("sleep", "60").start();
    }

    @Test
    void aProcessOfThisHostThatHasExited_doesNotHoldTheLog() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        String holder = "pid " + exited.pid() + " on host " + thisHost() + " since 2026-01-01T00:00:00Z";
        lockFile(holder);

        LockHolder h = LockHolder.read(dir);

        assertEquals(LockHolder.State.NOT_HELD, h.state());
        assertFalse(h.held());
        assertEquals(exited.pid(), h.pid());
        assertEquals("not held (last held by " + holder + ", which has exited)", h.describe());
    }

    @Test
    void aRunningProcessStartedBeforeTheHoldersTime_holdsTheLog() throws Exception {
        Process running = sleeper();
        try {
            Instant since = Instant.now().plus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            String holder = "pid " + running.pid() + " on host " + thisHost() + " since " + since;
            lockFile(holder);

            LockHolder h = LockHolder.read(dir);

            assertEquals(LockHolder.State.HELD, h.state());
            assertTrue(h.held());
            assertEquals(since, h.since());
            assertEquals("held by " + holder, h.describe());
        } finally {
            running.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRunningProcessStartedAfterTheHoldersTime_isAReusedPid_notTheHolder() throws Exception {
        Process running = sleeper();
        try {
            lockFile("pid " + running.pid() + " on host " + thisHost() + " since 2020-01-01T00:00:00Z");

            LockHolder h = LockHolder.read(dir);

            assertEquals(LockHolder.State.NOT_HELD, h.state());
            assertFalse(h.held());
        } finally {
            running.destroyForcibly().waitFor();
        }
    }

    @Test
    void aLockFileItCannotParse_leavesTheStateUnknown_andQuotesIt() throws IOException {
        lockFile("locked by the night shift");
        LockHolder words = LockHolder.read(dir);
        assertEquals(LockHolder.State.UNKNOWN, words.state());
        assertEquals(-1, words.pid());
        assertEquals("unknown: the LOCK file says 'locked by the night shift'", words.describe());

        lockFile("pid 42 on host " + thisHost() + " since yesterday");
        LockHolder badTime = LockHolder.read(dir);
        assertEquals(LockHolder.State.UNKNOWN, badTime.state());
        assertEquals(42, badTime.pid());
        assertNull(badTime.since());
        assertEquals("unknown: the LOCK file says 'pid 42 on host " + thisHost() + " since yesterday'",
                badTime.describe());

        lockFile("");
        assertEquals("unknown: the LOCK file is empty or unreadable", LockHolder.read(dir).describe());
    }

    @Test
    void aLockFileThatCannotBeRead_leavesTheStateUnknown() throws IOException {
        Files.createDirectory(dir.resolve(DirectoryLock.FILE_NAME));

        LockHolder h = LockHolder.read(dir);

        assertEquals(LockHolder.State.UNKNOWN, h.state());
        assertNull(h.holder());
        assertEquals("unknown: the LOCK file is empty or unreadable", h.describe());
    }

    @Test
    void open_replacesALongerHolderLine_leavingNoTailOfIt() throws IOException {
        // a holder line from an earlier process, longer than the one this open writes
        lockFile("pid 2147483647 on host " + "a-long-host-name.".repeat(8) + " since 2026-01-01T00:00:00Z");
        FileWalStorage storage = FileWalStorage.open(FileStorageConfig.ofDefaults(dir));
        try {
            String written = Files.readString(dir.resolve(DirectoryLock.FILE_NAME));
            assertEquals(LockHolder.read(dir).holder() + "\n", written);
            assertTrue(written.startsWith("pid " + ProcessHandle.current().pid() + " on host "), written);
        } finally {
            storage.close();
        }
    }
}
