package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalEntry;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 21: a log of thousands of 1 KiB segments. The read-only tools and recovery must
 * work in a process whose open-files limit is far below the segment count (a child JVM run under
 * {@code prlimit --nofile=256:256}, or {@code ulimit -n 256} in bash where prlimit is missing), and
 * in this JVM the descriptors open while they scan stay bounded ({@code /proc/self/fd} counted).
 * {@value #DEFAULT_SEGMENTS} segments by default; 10,000 under -Pstress.
 */
class ManySegmentsTest {
    static final long SEGMENT_BYTES = FileStorageConfig.MIN_SEGMENT_BYTES;
    private static final int DEFAULT_SEGMENTS = 2_000;
    private static final int SEGMENTS = Boolean.getBoolean("wal4j.stress") ? 10_000 : DEFAULT_SEGMENTS;
    private static final int OPEN_FILES_LIMIT = 256;
    /** Descriptors a scan may add: the snapshot's bounded channels and a few transient ones. */
    private static final int FD_SLACK = SnapshotFileSystem.MAX_OPEN_FILES + 8;

    @TempDir
    static Path dir;
    private static long lastSeq;

    /** Built once for both tests: neither changes it (recovery finds nothing to repair). */
    @BeforeAll
    static void buildLogOfManySegments() {
        FileStorageConfig config = FileStorageConfig.builder(dir).segmentBytes(SEGMENT_BYTES)
                .fileSystem(new NoSyncFileSystem()).build();
        try (FileWalStorage log = FileWalStorage.open(config)) {
            int i = 0;
            while (segmentCount() < SEGMENTS) {
                for (int k = 0; k < 64; k++) {
                    log.append(TestEntries.entry(++i));
                }
            }
            lastSeq = log.lastSeq();
        }
    }

    private static long segmentCount() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> SegmentFile.isSegmentName(f.getFileName().toString())).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void readOnlyToolsAndRecovery_workUnderALowOpenFilesLimit() throws Exception {
        List<String> command = new ArrayList<>();
        String how;
        if (Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
            how = "prlimit --nofile=" + OPEN_FILES_LIMIT;
            command.addAll(List.of("/usr/bin/prlimit", "--nofile=" + OPEN_FILES_LIMIT + ":" + OPEN_FILES_LIMIT));
            command.addAll(javaCommand());
        } else {
            how = "bash ulimit -n " + OPEN_FILES_LIMIT + " (no prlimit)";
            command.addAll(List.of("bash", "-c", "ulimit -n " + OPEN_FILES_LIMIT + " && exec \"$@\"", "probe"));
            command.addAll(javaCommand());
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        Path stderr = dir.resolveSibling(dir.getFileName() + "-probe-stderr.log");
        pb.redirectError(stderr.toFile());
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe did not exit");
        String err = Files.readString(stderr);
        assertEquals(0, process.exitValue(), "under " + how + ": " + out + "\n" + err);
        assertEquals("OK " + segmentCount() + " " + lastSeq + " " + lastSeq + " " + lastSeq, out, err);
        System.out.printf("ManySegmentsTest: %d segments, %d entries: inspect, scan, verify and recover in a child "
                + "JVM under %s: OK%n", segmentCount(), lastSeq, how);
    }

    @Test
    void scansOfThousandsOfSegments_holdABoundedNumberOfDescriptors() throws Exception {
        int base = openDescriptors();
        int peak = base;
        try (LogInspector inspector = LogInspector.open(dir)) {
            peak = Math.max(peak, openDescriptors());
            try (Stream<WalEntry> all = inspector.scan(1)) {
                Iterator<WalEntry> it = all.iterator();
                long n = 0;
                while (it.hasNext()) {
                    it.next();
                    if (++n % 100 == 0) {
                        peak = Math.max(peak, openDescriptors());
                    }
                }
                assertEquals(lastSeq, n);
            }
            peak = Math.max(peak, openDescriptors());
        }
        assertTrue(peak - base <= FD_SLACK, "descriptors open while inspecting " + SEGMENTS + " segments: "
                + (peak - base) + " above the " + base + " before, more than " + FD_SLACK);
        int[] verifierPeak = {base};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                verifierPeak[0] = Math.max(verifierPeak[0], openDescriptors());
            }
        });
        sampler.start();
        VerifyReport report;
        try {
            report = LogVerifier.verify(dir);
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        assertTrue(report.ok(), report.problems().toString());
        assertTrue(verifierPeak[0] - base <= FD_SLACK, "descriptors open while verifying: "
                + (verifierPeak[0] - base) + " above the " + base + " before");
        assertTrue(openDescriptors() <= base + 2, "descriptors left open after the tools closed");
    }

    private static int openDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }

    private static List<String> javaCommand() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), ManySegmentsProbe.class.getName(),
                dir.toString());
    }
}
