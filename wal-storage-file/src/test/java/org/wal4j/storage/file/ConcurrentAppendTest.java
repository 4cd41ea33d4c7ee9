package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalEntry;
import org.wal4j.testing.TestEntries;

/** Many threads appending at once: gap-free increasing seqs, every entry back, forces grouped. */
class ConcurrentAppendTest {
    @TempDir
    Path dir;

    @Test
    void manyThreads_getGapFreeSeqs_everyEntryReadsBack_andForcesAreGrouped() throws Exception {
        int threads = 32;
        int perThread = 150;
        Map<Long, WalEntry> bySeq = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(256 * 1024)
                .writeQueueCapacity(16).build())) {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        WalEntry e = i % 10 == 0 ? TestEntries.full(thread * perThread + i)
                                : TestEntries.sized(thread * perThread + i, 50 + (i * 37) % 400);
                        long seq = i % 25 == 0 ? log.append(List.of(e, e)).firstSeq() : log.append(e);
                        bySeq.put(seq, e);
                        mine.add(seq);
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<Long>> f : results) {
                List<Long> mine = f.get(60, TimeUnit.SECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertTrue(mine.get(i) > mine.get(i - 1), "seqs of one thread increase");
                }
            }
            long total = log.lastSeq();
            int batches = (perThread + 24) / 25;
            assertEquals((long) threads * (perThread + batches), total);
            try (var all = log.scan(1)) {
                long[] expected = {1};
                all.forEach(e -> {
                    assertEquals(expected[0]++, e.seq(), "gap-free");
                    WalEntry appended = bySeq.get(e.seq());
                    if (appended != null) {
                        assertEquals(appended.withSeq(e.seq()), e);
                    }
                });
                assertEquals(total + 1, expected[0]);
            }
            var stats = log.stats();
            assertTrue(stats.fsyncs() < stats.appendedEntries(), "fsyncs " + stats.fsyncs() + " for "
                    + stats.appendedEntries() + " entries");
            assertTrue(stats.averageGroupSize() > 1.0);
        } finally {
            pool.shutdownNow();
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertEquals(bySeq.size() + (long) threads * ((perThread + 24) / 25), log.lastSeq());
        }
    }
}
