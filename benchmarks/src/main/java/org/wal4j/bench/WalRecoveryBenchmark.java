package org.wal4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * {@code benchmarks/run.sh --jmh WalRecoveryBenchmark}: the time to open wal4j's file log of
 * 1,000,000 entries that every one still needs applying — recovery scans every segment, checks every
 * line's checksum and rebuilds the in-memory index of unfinished entries — and the heap that index
 * keeps per entry.
 *
 * <h2>How</h2>
 * Once per trial the log is built: {@link #unfinishedEntries} entries of {@link Payloads#json(int)}
 * appended under {@code NONE} in batches of {@value #BUILD_BATCH}, then the log is closed (which
 * forces it). No status record follows, so every entry is unfinished. Each measured operation is one
 * {@link FileWalStorage#open} of that directory (single shot); the log is closed again after the
 * iteration. The segment files were just written, so they are read from the page cache: the figure is
 * recovery's CPU cost, not the disk's read bandwidth.
 *
 * <h2>Heap per unfinished entry</h2>
 * The secondary metric {@code heapBytesPerUnfinishedEntry} is the heap still in use with the opened
 * log held, after full collections, minus the heap in use just before the open (also after full
 * collections), divided by the number of unfinished entries the log reports: what the index and
 * everything else an open log keeps cost per entry, measured after the timed open.
 *
 * <p>{@link #unfinishedEntries} is a parameter only so that the smoke test can run with a tiny log.
 */
@State(Scope.Thread)
@Threads(1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class WalRecoveryBenchmark {

    /** Entries appended per call while building the log. */
    static final int BUILD_BATCH = 1000;
    /** Batches in flight at most while building the log, which bounds the serialized bytes held. */
    static final int BUILD_WINDOW = 16;

    @Param({"1000000"})
    int unfinishedEntries;

    @Param({Payloads.SMALL, Payloads.LARGE})
    int payloadBytes;

    Path directory;
    FileWalStorage opened;
    private long heapBeforeOpen;

    /**
     * The secondary metric, heap per unfinished entry in bytes. JMH adds an {@code EVENTS} counter up
     * over the measurement iterations, so each measurement iteration reports its measurement divided
     * by their number: the sum JMH reports is their mean.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Heap {
        public double heapBytesPerUnfinishedEntry;
    }

    @Setup(Level.Trial)
    public void buildLog() {
        directory = BenchDirectories.create("wal-recovery");
        String payload = new String(Payloads.json(payloadBytes), StandardCharsets.UTF_8);
        WalEntry entry = WalEntry.builder("bench", "AccountDebited").key("account-1")
                .createdAt(Instant.parse("2026-01-01T00:00:00Z")).payloadJson(payload)
                .targets(WalAppendBenchmark.TARGET).build();
        try (FileWalStorage storage = FileWalStorage.open(FileStorageConfig.builder(directory)
                .syncPolicy(SyncPolicy.NONE).build())) {
            ArrayDeque<CompletableFuture<AppendResult>> pending = new ArrayDeque<>();
            for (int appended = 0; appended < unfinishedEntries; appended += BUILD_BATCH) {
                if (pending.size() >= BUILD_WINDOW) {
                    pending.poll().join();
                }
                int n = Math.min(BUILD_BATCH, unfinishedEntries - appended);
                pending.add(storage.appendAsync(Collections.nCopies(n, entry)));
            }
            pending.forEach(CompletableFuture::join);
            if (storage.lastSeq() != unfinishedEntries) {
                throw new IllegalStateException("Built a log of " + storage.lastSeq() + " entries, wanted "
                        + unfinishedEntries);
            }
        }
    }

    @Setup(Level.Iteration)
    public void measureHeapBeforeOpen() {
        heapBeforeOpen = usedHeapAfterGc();
    }

    /** Opens the log: recovery of every segment. */
    @Benchmark
    public FileWalStorage open1M() {
        opened = FileWalStorage.open(FileStorageConfig.builder(directory).build());
        return opened;
    }

    @TearDown(Level.Iteration)
    public void measureHeapAndClose(Heap heap, IterationParams iteration) {
        try {
            double perEntry = heapBytesPerUnfinishedEntry();
            System.out.printf(Locale.ROOT, "%n%s: %.1f heap bytes per unfinished entry%n", iteration.getType(), perEntry);
            heap.heapBytesPerUnfinishedEntry = iteration.getType() == IterationType.MEASUREMENT
                    ? perEntry / iteration.getCount() : 0;
        } finally {
            opened.close();
            opened = null;
        }
    }

    /** Heap retained by the open log per unfinished entry it reports; checks that every entry is unfinished. */
    double heapBytesPerUnfinishedEntry() {
        long unfinished = opened.recoveryReport().unfinished();
        if (unfinished != unfinishedEntries) {
            throw new IllegalStateException("Opened a log with " + unfinished + " unfinished entries, expected "
                    + unfinishedEntries);
        }
        return (usedHeapAfterGc() - heapBeforeOpen) / (double) unfinished;
    }

    @TearDown(Level.Trial)
    public void deleteLog() {
        BenchDirectories.deleteRecursively(directory);
    }

    /** Heap in use after full collections, repeated until it stops shrinking. */
    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
