package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.StorageState;
import org.wal4j.testing.TestEntries;

/**
 * Who writes: a blocking append on an idle log writes and forces on the calling thread; an
 * asynchronous one goes to the writer thread; mixed, from many threads, each thread's appends keep
 * their order; an application thread interrupted while it writes leaves the log open; a timer a
 * caller's write starts is served without waiting for the writer thread's idle wake-up.
 */
class WriterRoleTest {
    @TempDir
    Path dir;

    @Test
    void blockingAppend_onAnIdleLog_isWrittenAndForcedOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            int onCaller = 0;
            for (int seq = 1; seq <= 20; seq++) {
                CompletableFuture<Thread> forcedOn = log.whenDurable(seq).thenApply(v -> Thread.currentThread());
                assertEquals(seq, log.append(TestEntries.entry(seq)));
                assertEquals(seq, log.durableSeq(), "forced before append returned");
                onCaller += forcedOn.join() == caller ? 1 : 0;
            }
            // the writer thread takes the role for a moment once a second (its timers), so a caller may
            // rarely find it busy; twenty times in a row it cannot
            assertTrue(onCaller > 0, "no append was written on its caller's thread");
        }
    }

    @Test
    void asyncAppend_isWrittenAndForcedByTheWriterThread() {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            for (int seq = 1; seq <= 5; seq++) {
                CompletableFuture<String> forcedOn = log.whenDurable(seq).thenApply(v -> Thread.currentThread().getName());
                log.appendAsync(List.of(TestEntries.entry(seq))).join();
                assertEquals("wal4j-writer", forcedOn.join());
            }
        }
    }

    @Test
    void asyncAppend_queuedWhileACallerIsForcing_isWrittenOnceTheCallerIsDone() throws Exception {
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InterruptingFileSystem fs = new InterruptingFileSystem(false, () -> {
            forcing.countDown();
            await(release);
        });
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).fileSystem(fs).build())) {
            fs.armed = true;
            CompletableFuture<Long> blocking = CompletableFuture.supplyAsync(() -> log.append(TestEntries.entry(1)));
            assertTrue(forcing.await(5, TimeUnit.SECONDS), "the caller did not write its own append");
            fs.armed = false;
            CompletableFuture<AppendResult> async = log.appendAsync(List.of(TestEntries.entry(2)));
            Thread.sleep(50);
            assertFalse(async.isDone(), "written while the caller held the writer role");
            release.countDown();
            assertEquals(1, blocking.get(5, TimeUnit.SECONDS));
            long start = System.nanoTime();
            assertEquals(2, async.get(5, TimeUnit.SECONDS).firstSeq());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // the caller wakes the writer thread when it leaves; its idle wake-up is a second away
            assertTrue(millis < 500, "written " + millis + " ms after the caller finished");
        }
    }

    @Test
    void blockingAndAsyncAppendsFromManyThreads_keepEachThreadsOrder_andEveryAcknowledgedEntryReadsBack()
            throws Exception {
        int threads = 8;
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<Long, String> payloadBySeq = new ConcurrentHashMap<>();
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).segmentBytes(64 * 1024)
                .writeQueueCapacity(8).build())) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    long previous = 0;
                    List<CompletableFuture<AppendResult>> inFlight = new ArrayList<>();
                    List<String> inFlightPayloads = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        WalEntry e = TestEntries.sized(thread * perThread + i, 20 + (i * 31) % 300);
                        if (i % 3 == 0) {
                            inFlight.add(log.appendAsync(List.of(e)));
                            inFlightPayloads.add(e.payload());
                            continue;
                        }
                        long seq = log.append(e);
                        payloadBySeq.put(seq, e.payload());
                        for (int k = 0; k < inFlight.size(); k++) {
                            long asyncSeq = inFlight.get(k).join().firstSeq();
                            assertTrue(asyncSeq > previous && asyncSeq < seq, "thread " + thread + ": async seq "
                                    + asyncSeq + " between " + previous + " and " + seq);
                            payloadBySeq.put(asyncSeq, inFlightPayloads.get(k));
                            previous = asyncSeq;
                        }
                        inFlight.clear();
                        inFlightPayloads.clear();
                        assertTrue(seq > previous, "thread " + thread + ": seq " + seq + " after " + previous);
                        previous = seq;
                    }
                    for (int k = 0; k < inFlight.size(); k++) {
                        payloadBySeq.put(inFlight.get(k).join().firstSeq(), inFlightPayloads.get(k));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertEquals((long) threads * perThread, log.lastSeq());
            assertEquals(log.lastSeq(), log.durableSeq(), "every ALWAYS append forced");
        } finally {
            pool.shutdownNow();
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertEquals((long) threads * perThread, log.lastSeq());
            for (long seq = 1; seq <= log.lastSeq(); seq++) {
                assertEquals(payloadBySeq.get(seq), log.read(seq).orElseThrow().payload(), "seq " + seq);
            }
        }
    }

    @Test
    void appendingThreads_interruptedWhileTheyWriteAndForce_leaveTheLogOpen() {
        InterruptingFileSystem fs = new InterruptingFileSystem(true, () -> { });
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).fileSystem(fs).build())) {
            Thread.interrupted(); // opening wrote the lock file and the first segment on this thread
            for (int seq = 1; seq <= 20; seq++) {
                assertEquals(seq, log.append(TestEntries.entry(seq)));
                Thread.interrupted(); // set by the file system if this thread wrote; the test goes on uninterrupted
            }
            assertTrue(fs.interrupted.get() > 0, "no append was written on its caller's thread");
            assertEquals(StorageState.OPEN, log.stats().state());
            assertEquals(20, log.durableSeq());
        }
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(dir))) {
            assertEquals(20, log.lastSeq());
            assertEquals(TestEntries.entry(20).payload(), log.read(20).orElseThrow().payload());
        }
    }

    @Test
    void realFileSystem_channelsForWritingAndDirectoryForces_ignoreInterrupts() throws IOException {
        WalFileSystem fs = WalFileSystem.real();
        Thread.currentThread().interrupt();
        try (WalFileChannel channel = fs.open(dir.resolve("f"), WalFileSystem.OpenMode.CREATE_NEW)) {
            assertEquals(3, channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0));
            channel.force();
            fs.syncDirectory(dir);
            channel.truncate(2);
            assertEquals(2, channel.size());
            ByteBuffer back = ByteBuffer.allocate(8);
            assertEquals(2, channel.read(back, 0));
            assertEquals(1, channel.write(ByteBuffer.wrap(new byte[] {9}), 2));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 9), bytes(Files.readAllBytes(dir.resolve("f"))));
    }

    @Test
    void interval_aForceTimerStartedByACallersWrite_firesWithoutWaitingForTheWritersIdleWakeUp() {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.INTERVAL)
                .syncInterval(Duration.ofMillis(20)).build())) {
            for (int seq = 1; seq <= 5; seq++) {
                assertFalse(log.append(List.of(TestEntries.entry(seq))).durable());
                long start = System.nanoTime();
                log.whenDurable(seq).orTimeout(5, TimeUnit.SECONDS).join();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                // the writer thread wakes by itself once a second; the caller that started the timer
                // wakes it when the timer is due sooner
                assertTrue(millis < 500, "forced " + millis + " ms after an append, with a 20 ms interval");
            }
        }
    }

    private static List<Byte> bytes(byte[] array) {
        List<Byte> list = new ArrayList<>();
        for (byte b : array) {
            list.add(b);
        }
        return list;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The real file system, interrupting every application thread that writes or forces a log file
     * (if {@code interrupt}), and running {@code onForce} when one forces while {@link #armed}.
     */
    private static final class InterruptingFileSystem extends ForwardingFileSystem {
        private final boolean interrupt;
        private final Runnable onForce;
        final AtomicInteger interrupted = new AtomicInteger();
        volatile boolean armed;

        InterruptingFileSystem(boolean interrupt, Runnable onForce) {
            this.interrupt = interrupt;
            this.onForce = onForce;
        }

        @Override
        protected WalFileChannel wrap(WalFileChannel channel, OpenMode mode) {
            if (mode == OpenMode.READ) {
                return channel;
            }
            return new Channel(channel) {
                @Override
                public int write(ByteBuffer src, long position) throws IOException {
                    interruptApplicationThread();
                    return super.write(src, position);
                }

                @Override
                public void force() throws IOException {
                    interruptApplicationThread();
                    if (armed && !isWriterThread()) {
                        onForce.run();
                    }
                    super.force();
                }
            };
        }

        /** Not the writer thread: it is the library's, and nothing interrupts it. */
        private void interruptApplicationThread() {
            if (interrupt && !isWriterThread()) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
            }
        }

        private static boolean isWriterThread() {
            return Thread.currentThread().getName().equals("wal4j-writer");
        }
    }
}
