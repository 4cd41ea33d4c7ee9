package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 20: {@code verify}, {@code status} and {@code dump} (the {@link LogVerifier} and
 * {@link LogInspector} behind them) run again and again while the application appends, rotates
 * 1 KiB segments, saves checkpoints and compacts in a background thread. Every run must find no
 * problem (no false "seqs missing ... not compacted"), and see seqs strictly increasing with every
 * entry whole. The tools read the log through a read-only bind mount of its directory (we run as
 * root), so a write of theirs would fail loudly; where mounting is impossible they read it through
 * its own path, and the test says so. {@value #DEFAULT_RUNS} runs by default, 500 under -Pstress.
 */
class LiveLogToolsTest {
    private static final int DEFAULT_RUNS = 40;
    private static final int RUNS = Boolean.getBoolean("wal4j.stress") ? 500 : DEFAULT_RUNS;
    /** Every this many entries one stays PENDING until this many entries later. */
    private static final int PENDING_EVERY = 40;
    private static final Instant NEVER = Instant.parse("2100-01-01T00:00:00Z");

    @TempDir
    Path root;

    @Test
    void verifyStatusAndDump_whileTheLogAppendsRotatesAndCompacts_reportNoFalseProblems() throws Exception {
        Path dir = Files.createDirectories(root.resolve("log"));
        Path view = Files.createDirectories(root.resolve("read-only-view"));
        boolean mounted = bindReadOnly(dir, view);
        Path toolsPath = mounted ? view : dir;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        AtomicLong compactions = new AtomicLong();
        FileStorageConfig config = FileStorageConfig.builder(dir).segmentBytes(FileStorageConfig.MIN_SEGMENT_BYTES)
                .build();
        long gapRuns = 0;
        try (FileWalStorage log = FileWalStorage.open(config)) {
            Thread writer = new Thread(() -> {
                try {
                    write(log, stop, compactions);
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "live-log-writer");
            writer.start();
            try {
                while (log.lastSeq() < 2 * PENDING_EVERY) {
                    Thread.onSpinWait();
                }
                for (int run = 0; run < RUNS && writerFailure.get() == null; run++) {
                    VerifyReport report = LogVerifier.verify(toolsPath);
                    assertTrue(report.ok(), "run " + run + ": " + report.problems());
                    gapRuns += report.notes().stream().anyMatch(n -> n.contains("compacted away")) ? 1 : 0;
                    inspect(toolsPath);
                }
            } finally {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (writerFailure.get() != null) {
                throw new AssertionError("the writer failed", writerFailure.get());
            }
            System.out.printf("LiveLogToolsTest: %d verify+status+dump runs through %s while %d entries were "
                    + "appended and %d compactions ran; %d runs saw compacted gaps; 0 false problems%n", RUNS,
                    mounted ? "a read-only bind mount" : "the log's own path (mounting impossible)", log.lastSeq(),
                    compactions.get(), gapRuns);
        } finally {
            if (mounted) {
                run("umount", view.toString());
            }
        }
        assertTrue(compactions.get() > 0, "no compaction ran");
    }

    /**
     * A live log that rotates after every entry, so that a rotation (segment created, manifest
     * updated, entry appended) is under way at almost any moment: {@code wal status}
     * ({@link LogInspector#open}) checks the file set against the manifest it read at the start, and
     * must rescan rather than refuse when the log rotated after that read.
     */
    @Test
    void status_whileTheLogRotatesHard_neverRefusesFalsely() throws Exception {
        Path dir = root.resolve("rotating");
        FileStorageConfig config = FileStorageConfig.builder(dir).segmentBytes(FileStorageConfig.MIN_SEGMENT_BYTES)
                .build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        AtomicLong rotations = new AtomicLong();
        int runs = Boolean.getBoolean("wal4j.stress") ? 300 : 30;
        try (FileWalStorage log = FileWalStorage.open(config)) {
            for (int i = 1; i <= 100; i++) {
                log.append(TestEntries.entry(i));
                log.rotate().join();
            }
            Thread writer = new Thread(() -> {
                try {
                    for (int n = 101; !stop.get(); n++) {
                        log.append(TestEntries.entry(n));
                        log.rotate().join();
                        rotations.incrementAndGet();
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "rotating-writer");
            writer.start();
            long rotationsDuringRuns;
            try {
                long before = rotations.get();
                for (int run = 0; run < runs && writerFailure.get() == null; run++) {
                    try (LogInspector inspector = LogInspector.open(dir)) {
                        assertTrue(inspector.lastSeq() >= 100, "run " + run + ": last seq " + inspector.lastSeq());
                    }
                }
                rotationsDuringRuns = rotations.get() - before;
            } finally {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (writerFailure.get() != null) {
                throw new AssertionError("the writer failed", writerFailure.get());
            }
            System.out.printf("LiveLogToolsTest: %d status snapshots while the log rotated %d times; none refused%n",
                    runs, rotationsDuringRuns);
            assertTrue(rotationsDuringRuns >= runs, "rotations while inspecting: " + rotationsDuringRuns);
        }
    }

    /** Status and dump: counts that agree, and every entry whole and in order. */
    private static void inspect(Path path) {
        try (LogInspector inspector = LogInspector.open(path); Stream<WalEntry> all = inspector.scan(1)) {
            long previous = 0;
            long seen = 0;
            for (Iterator<WalEntry> it = all.iterator(); it.hasNext(); ) {
                WalEntry e = it.next();
                assertTrue(e.seq() > previous, "seq " + e.seq() + " after " + previous);
                assertTrue(e.payload().contains("\"n\":" + e.seq() + ","), e.payload());
                previous = e.seq();
                seen++;
            }
            // fewer only where the scan went on in a new snapshot after a compaction (LogInspector#scan)
            assertTrue(seen <= inspector.entries(), "dump listed " + seen + " entries, status counted "
                    + inspector.entries());
            assertTrue(previous <= inspector.lastSeq());
        }
    }

    /**
     * One entry per append (entry {@code n} gets seq {@code n}), marked APPLIED at once, except one
     * in {@value #PENDING_EVERY} that stays PENDING for as many entries more; a checkpoint after
     * each group and a compaction up to it every eighth group.
     */
    private static void write(FileWalStorage log, AtomicBoolean stop, AtomicLong compactions) {
        int n = 0;
        List<Long> pending = new ArrayList<>();
        while (!stop.get()) {
            List<StatusRecord> applied = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                long seq = log.append(TestEntries.entry(++n));
                if (seq % PENDING_EVERY == 0) {
                    pending.add(seq);
                } else {
                    applied.add(StatusRecord.of(seq, "primary", EntryStatus.APPLIED, 1, TestEntries.T0));
                }
            }
            while (!pending.isEmpty() && pending.get(0) <= n - PENDING_EVERY) {
                applied.add(StatusRecord.of(pending.remove(0), "primary", EntryStatus.APPLIED, 1, TestEntries.T0));
            }
            log.appendStatus(applied);
            long checkpoint = pending.isEmpty() ? n : pending.get(0) - 1;
            log.saveCheckpoint("primary", checkpoint).join();
            if (n % 64 == 0) {
                log.compact(checkpoint, NEVER);
                compactions.incrementAndGet();
            }
        }
    }

    private static boolean bindReadOnly(Path dir, Path view) {
        if (run("mount", "--bind", dir.toString(), view.toString())) {
            if (run("mount", "-o", "remount,bind,ro", view.toString())) {
                return true;
            }
            run("umount", view.toString());
        }
        System.out.println("LiveLogToolsTest: a read-only bind mount is impossible here (not root?); the tools "
                + "read the log through its own path");
        return false;
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
