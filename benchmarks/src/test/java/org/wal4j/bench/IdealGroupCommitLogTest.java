package org.wal4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdealGroupCommitLogTest {

    @TempDir
    Path directory;

    @Test
    void concurrentAppends_allLandInTheFileOnceAndInEachThreadsOrder() throws Exception {
        int threads = 8;
        int perThread = 200;
        IdealGroupCommitLog log = new IdealGroupCommitLog(directory);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        log.append(String.format("t%02d-%04d\n", thread, i).getBytes(StandardCharsets.US_ASCII));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
            log.close();
        }

        List<String> lines = Files.readAllLines(directory.resolve("log-0"), StandardCharsets.US_ASCII);
        assertEquals(threads * perThread, lines.size());
        Map<String, Integer> nextByThread = new HashMap<>();
        for (String line : lines) {
            String thread = line.substring(0, 3);
            int index = Integer.parseInt(line.substring(4));
            assertEquals(nextByThread.getOrDefault(thread, 0), index, "order of " + thread);
            nextByThread.put(thread, index + 1);
        }
        assertTrue(log.averageGroupSize() >= 1.0, "average group size " + log.averageGroupSize());
    }

    @Test
    void failedWrite_failsThatAppendAndEveryLaterOne() throws Exception {
        Path logDirectory = Files.createDirectory(directory.resolve("log"));
        IdealGroupCommitLog log = new IdealGroupCommitLog(logDirectory, 1);
        try {
            log.append(new byte[] {1}); // the file now holds its roll size
            BenchDirectories.deleteRecursively(logDirectory); // so the roll to a new file fails

            IOException failed = assertThrows(IOException.class, () -> log.append(new byte[] {2}));
            assertEquals("Write or force of this record's group failed", failed.getMessage());
            IOException later = assertThrows(IOException.class, () -> log.append(new byte[] {3}));
            assertEquals("Group commit log failed earlier", later.getMessage());
        } finally {
            log.close();
        }
    }

    @Test
    void appendAfterClose_isRefused() throws Exception {
        IdealGroupCommitLog log = new IdealGroupCommitLog(directory);
        log.close();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> log.append(new byte[] {1}));
        assertEquals("Group commit log is closed", refused.getMessage());
    }

    @Test
    void rollOver_startsANewFile_andDeletesTheOldOneOnlyIfAskedTo() throws Exception {
        for (AppendOnlyFile.Retention retention : AppendOnlyFile.Retention.values()) {
            Path dir = Files.createDirectory(directory.resolve(retention.name()));
            try (AppendOnlyFile file = new AppendOnlyFile(dir, 10, retention)) {
                for (int i = 0; i < 3; i++) {
                    file.append(java.nio.ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.US_ASCII)));
                    file.force();
                }
                assertEquals(10, file.size());
            }
            try (Stream<Path> files = Files.list(dir)) {
                List<Path> expected = retention == AppendOnlyFile.Retention.KEEP
                        ? List.of(dir.resolve("log-0"), dir.resolve("log-1"), dir.resolve("log-2"))
                        : List.of(dir.resolve("log-2"));
                assertEquals(expected, files.sorted().toList());
            }
            assertEquals(10, Files.size(dir.resolve("log-2")));
        }
    }
}
