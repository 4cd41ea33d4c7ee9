package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalEntry;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 6: a child JVM ({@link AckStreamingAppender}) appends from several threads with
 * group commit under {@code SyncPolicy.ALWAYS} and streams every acknowledgement to this process;
 * after a random delay it is killed with SIGKILL ({@link Process#destroyForcibly()}), sometimes
 * before it has even finished opening the log. Each cycle then checks a copy of the directory
 * (so that the next child recovers the killed state itself, not one this process repaired):
 * <ul>
 *   <li>every acknowledged entry is there and equal to what was appended, every field;</li>
 *   <li>the seqs the child added continue the log without a gap or a duplicate, and every entry
 *       there is one the child built (an entry written but not yet acknowledged may be there: it
 *       is whole or absent, never partial);</li>
 *   <li>the next child's own recovery reaches the same last seq.</li>
 * </ul>
 * Segments are 8 KiB, so a kill often lands in a rotation. The log grows over up to
 * {@value #CYCLES_PER_DIRECTORY} cycles in one directory, which is then checked whole (every
 * acknowledgement of every cycle, one reopen after appending) before the next directory starts.
 * A few dozen cycles by default; 1,000 under -Pstress.
 */
class KillNineTest {
    private static final boolean STRESS = Boolean.getBoolean("wal4j.stress");
    private static final int CYCLES = STRESS ? 1_000 : 36;
    private static final int CYCLES_PER_DIRECTORY = 100;
    private static final int THREADS = 4;
    private static final long SEGMENT_BYTES = 8 * 1024;

    @TempDir
    Path root;

    /** What one child said before it died. */
    private static final class ChildOutput {
        final CountDownLatch opened = new CountDownLatch(1);
        final CountDownLatch firstAck = new CountDownLatch(1);
        volatile long openLastSeq = -1;
        final List<long[]> acks = new ArrayList<>(); // {seq, cycle, thread, n}
        final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    }

    /** Totals for the report. */
    private long acknowledged;
    private long acksChecked;
    private long unacknowledgedFound;
    private long killsBeforeOpen;
    private long tornTailsCut;
    private long tornSegmentsDeleted;

    @Test
    void killedDuringGroupCommitAppends_losesNoAcknowledgedEntry() throws Exception {
        Random random = new Random(Long.getLong("wal4j.kill.seed", System.nanoTime()));
        long started = System.nanoTime();
        int cycle = 0;
        for (int directory = 0; cycle < CYCLES; directory++) {
            Path dir = root.resolve("log-" + directory);
            Path copy = root.resolve("check-" + directory);
            Map<Long, int[]> acked = new HashMap<>();
            long lastSeq = 0;
            int first = cycle;
            for (; cycle < CYCLES && cycle - first < CYCLES_PER_DIRECTORY; cycle++) {
                ChildOutput child = runAndKill(dir, cycle, random);
                if (child.openLastSeq >= 0) {
                    assertEquals(lastSeq, child.openLastSeq, "cycle " + cycle + ": the child recovered another last seq");
                }
                lastSeq = checkCopy(dir, copy, cycle, child, acked, lastSeq);
                for (long[] a : child.acks) {
                    acked.put(a[0], new int[] {(int) a[1], (int) a[2], (int) a[3]});
                }
                acknowledged += child.acks.size();
            }
            checkWhole(dir, acked, lastSeq);
        }
        System.out.printf("KillNineTest: %d kill -9 cycles (%d before the child had opened the log) in %d s; %,d "
                + "acknowledged entries, each checked after its cycle and again at the end of its directory (%,d "
                + "checks), 0 lost; %,d unacknowledged entries found whole; recovery cut %d torn tails and deleted %d "
                + "torn new segments%n", CYCLES, killsBeforeOpen, (System.nanoTime() - started) / 1_000_000_000L,
                acknowledged, acksChecked, unacknowledgedFound, tornTailsCut, tornSegmentsDeleted);
        assertTrue(acknowledged > CYCLES * 10L, "acknowledged entries: " + acknowledged);
    }

    /** Starts a child on {@code dir}, kills it after a random delay, returns what it printed. */
    private ChildOutput runAndKill(Path dir, int cycle, Random random) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx96m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                AckStreamingAppender.class.getName(), dir.toString(), String.valueOf(cycle), String.valueOf(THREADS),
                String.valueOf(SEGMENT_BYTES));
        Path stderr = root.resolve("child-stderr.log");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        Process process = pb.start();
        ChildOutput out = new ChildOutput();
        Thread reader = new Thread(() -> readAcks(process.getInputStream(), out), "child-" + cycle + "-stdout");
        reader.start();
        int when = random.nextInt(6);
        if (when == 0) {
            // anywhere from JVM start to the first appends: often inside recovery
            Thread.sleep(random.nextInt(900));
        } else {
            // just after the open (the first appends), or while acknowledgements stream
            await(when == 1 ? out.opened : out.firstAck, process, cycle, stderr);
            Thread.sleep(random.nextInt(when == 1 ? 150 : 400));
        }
        if (!process.isAlive()) {
            fail("cycle " + cycle + ": the child ended by itself with exit code " + process.exitValue() + "; stderr: "
                    + tail(stderr));
        }
        process.destroyForcibly();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "cycle " + cycle + ": the killed child did not end");
        assertEquals(137, process.exitValue(), "cycle " + cycle + ": killed by SIGKILL");
        process.getOutputStream().close();
        reader.join(TimeUnit.SECONDS.toMillis(30));
        if (out.openLastSeq < 0) {
            killsBeforeOpen++;
        }
        return out;
    }

    private static void await(CountDownLatch latch, Process process, int cycle, Path stderr) throws Exception {
        if (!latch.await(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("cycle " + cycle + ": the child did not get that far within 60 s; stderr: " + tail(stderr));
        }
    }

    /** Collects whole lines only: a line cut by the kill has no {@code \n} and is not an acknowledgement. */
    private static void readAcks(InputStream in, ChildOutput out) {
        try (in) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    out.partial.write(b);
                    continue;
                }
                String[] f = out.partial.toString(StandardCharsets.US_ASCII).split(" ");
                out.partial.reset();
                if (f[0].equals("open")) {
                    out.openLastSeq = Long.parseLong(f[1]);
                    out.opened.countDown();
                } else {
                    synchronized (out.acks) {
                        out.acks.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4])});
                    }
                    out.firstAck.countDown();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the killed child's directory and opens the copy: this cycle's acknowledgements, the new
     * seqs, the entry at the previous last seq. Returns the new last seq.
     */
    private long checkCopy(Path dir, Path copy, int cycle, ChildOutput child, Map<Long, int[]> acked,
                           long previousLastSeq) throws IOException {
        copyDirectory(dir, copy);
        String where = "cycle " + cycle;
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(copy))) {
            RecoveryReport report = log.recoveryReport();
            tornTailsCut += report.cuts().size();
            tornSegmentsDeleted += report.deletedSegments().size();
            assertTrue(report.quarantined().isEmpty(), where + ": " + report);
            long lastSeq = log.lastSeq();
            assertTrue(lastSeq >= previousLastSeq, where + ": last seq went from " + previousLastSeq + " to " + lastSeq);
            if (previousLastSeq > 0) {
                int[] k = acked.get(previousLastSeq);
                if (k != null) {
                    assertEquals(Optional.of(AckStreamingAppender.entry(k[0], k[1], k[2]).withSeq(previousLastSeq)),
                            log.read(previousLastSeq), where + ": entry " + previousLastSeq);
                }
            }
            for (long[] a : child.acks) {
                WalEntry expected = AckStreamingAppender.entry((int) a[1], (int) a[2], (int) a[3]).withSeq(a[0]);
                assertEquals(Optional.of(expected), log.read(a[0]), where + ": acknowledged entry " + a[0]);
                acksChecked++;
            }
            long expectedSeq = previousLastSeq + 1;
            Set<String> ids = new HashSet<>();
            try (Stream<WalEntry> added = log.scan(previousLastSeq + 1)) {
                for (WalEntry e : (Iterable<WalEntry>) added::iterator) {
                    assertEquals(expectedSeq++, e.seq(), where + ": seqs continue without a gap");
                    assertTrue(ids.add(e.id()), where + ": duplicate " + e.id());
                    int[] k = AckStreamingAppender.keyOf(e);
                    assertEquals(cycle, k[0], where + ": entry " + e.seq() + " is from cycle " + k[0]);
                    assertEquals(AckStreamingAppender.entry(k[0], k[1], k[2]).withSeq(e.seq()), e,
                            where + ": entry " + e.seq() + " is whole");
                }
            }
            assertEquals(lastSeq + 1, expectedSeq, where + ": the scan ends at the last seq");
            unacknowledgedFound += (lastSeq - previousLastSeq) - child.acks.size();
            return lastSeq;
        }
    }

    /** The directory after its last cycle: every acknowledgement of every cycle, gap-free, appendable. */
    private void checkWhole(Path dir, Map<Long, int[]> acked, long lastSeq) {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(SEGMENT_BYTES)
                .build())) {
            assertEquals(lastSeq, log.lastSeq());
            for (Map.Entry<Long, int[]> a : acked.entrySet()) {
                int[] k = a.getValue();
                assertEquals(Optional.of(AckStreamingAppender.entry(k[0], k[1], k[2]).withSeq(a.getKey())),
                        log.read(a.getKey()), dir + ": acknowledged entry " + a.getKey());
                acksChecked++;
            }
            long expected = 1;
            Set<String> ids = new HashSet<>();
            try (Stream<WalEntry> all = log.scan(1)) {
                for (WalEntry e : (Iterable<WalEntry>) all::iterator) {
                    assertEquals(expected++, e.seq(), dir + ": gap-free");
                    assertTrue(ids.add(e.id()), dir + ": duplicate " + e.id());
                }
            }
            assertEquals(lastSeq + 1, expected);
            assertEquals(lastSeq + 1, log.append(TestEntries.entry(1)));
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(lastSeq + 1, log.lastSeq());
        }
    }

    /** Makes {@code to} an exact copy of the segment files of {@code from}. */
    private static void copyDirectory(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.list(to)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        } else {
            Files.createDirectories(to);
        }
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals("LOCK")) {
                    Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String tail(Path file) {
        try {
            String all = Files.exists(file) ? Files.readString(file) : "";
            return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
