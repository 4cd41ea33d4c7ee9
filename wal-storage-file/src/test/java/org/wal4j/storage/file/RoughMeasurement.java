package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.testing.TestEntries;

/**
 * A rough, one-off measurement (not a test, not JMH): durable appends per second from 1 and 64
 * threads with ~256-byte payloads, the raw write+fdatasync rate of the same disk, and the time to
 * open a log of 1,000,000 unfinished entries. Run from the module directory:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.wal4j.storage.file.RoughMeasurement /tmp/m}
 */
public final class RoughMeasurement {
    private RoughMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : "/tmp/wal4j-measure");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Files.createDirectories(base);
        System.out.printf("raw write+fdatasync, 1 thread:   %,10.0f records/s%n", raw(base.resolve("raw.bin"), seconds));
        System.out.printf("wal4j ALWAYS, 1 thread:          %,10.0f appends/s%n", appends(base.resolve("t1"), 1, seconds));
        System.out.printf("wal4j ALWAYS, 64 threads:        %,10.0f appends/s%n", appends(base.resolve("t64"), 64, seconds));
        recovery(base.resolve("recovery"), 1_000_000);
    }

    private static double raw(Path file, int seconds) throws IOException {
        Files.deleteIfExists(file);
        byte[] record = new byte[400];
        java.util.Arrays.fill(record, (byte) 'x');
        record[record.length - 1] = '\n';
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long n = 0;
            long pos = 0;
            ByteBuffer buf = ByteBuffer.allocateDirect(record.length);
            while (System.nanoTime() < end) {
                buf.clear();
                buf.put(record).flip();
                pos += ch.write(buf, pos);
                ch.force(false);
                n++;
            }
            return n / (double) seconds;
        }
    }

    private static double appends(Path dir, int threads, int seconds) throws Exception {
        deleteTree(dir);
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.ALWAYS)
                .build())) {
            AtomicLong count = new AtomicLong();
            CountDownLatch done = new CountDownLatch(threads);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        WalEntry e = TestEntries.sized(id * 10_000_000 + i++, 256);
                        log.append(e);
                        count.incrementAndGet();
                    }
                    done.countDown();
                });
                workers.add(w);
                w.start();
            }
            done.await();
            var stats = log.stats();
            System.out.printf("  (%d threads: fsyncs %d, average group %.1f, latency p50 %d us, p99 %d us)%n", threads,
                    stats.fsyncs(), stats.averageGroupSize(), stats.appendLatencyP50Micros(),
                    stats.appendLatencyP99Micros());
            return count.get() / (double) seconds;
        }
    }

    private static void recovery(Path dir, int entries) throws Exception {
        deleteTree(dir);
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.NONE)
                .build())) {
            List<WalEntry> batch = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                batch.add(TestEntries.sized(i, 256));
                if (batch.size() == 1000) {
                    log.append(batch);
                    batch.clear();
                }
            }
        }
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
                System.out.printf("open with %,d unfinished entries (%d segments, %,d MB): %d ms%n",
                        log.stats().unfinished(), log.stats().segments(), log.stats().bytes() >> 20,
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
