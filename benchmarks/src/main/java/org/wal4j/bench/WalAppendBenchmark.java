package org.wal4j.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * {@code benchmarks/run.sh --jmh WalAppendBenchmark}: wal4j's file log ({@link FileWalStorage}) appending
 * one entry per call — durable ({@code ALWAYS}) at 1, 16 and 64 threads as throughput and as sampled
 * latency, pipelined {@code appendAsync} from one thread, and {@code INTERVAL} and {@code NONE} from
 * one thread.
 *
 * <h2>What one operation is</h2>
 * One entry whose payload is {@link Payloads#json(int)} (the bytes the baselines write) goes through
 * the whole append path: validation, serialization to its JSON line on the calling thread, the
 * hand-off to the writer, seq assignment, framing with a CRC32C, the write, the force when the policy
 * asks for one, the index update and the acknowledgement. The entry object is built once per thread
 * and appended again and again (the storage gives every append its own seq), so the figures do not
 * include building an entry: a UUID and the payload's JSON check are the caller's cost, not the log's.
 *
 * <h2>The log</h2>
 * Each trial opens a new log in a new directory with the default configuration (64 MiB segments, no
 * preallocation) and the policy the method's name starts with; all threads share it
 * ({@link Log}, {@link Scope#Benchmark}). {@code INTERVAL} and {@code NONE} write hundreds of
 * megabytes a second, so for them each iteration starts a new log and deletes the last, as
 * {@link ChronicleQueueBenchmark} does.
 *
 * <h2>Pipelined appends</h2>
 * {@link #alwaysAsyncPipelined_t1} keeps {@value #PIPELINE_WINDOW} appends in flight: each operation
 * waits for the oldest outstanding future (which must report a durable append), then issues one more.
 * The window is kept full across iterations, so every operation counted in an iteration matches one
 * acknowledgement observed in it: the figure is acknowledged, forced appends per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 8, time = 1)
public class WalAppendBenchmark {

    /**
     * Appends kept in flight by {@link #alwaysAsyncPipelined_t1}: the write queue's default
     * capacity. The writer then finds about half the window queued whenever it finishes a force, so
     * two groups are in flight, one being forced while the next fills; measured from one thread with
     * 256 B payloads, 1,024 in flight gave 340,000-570,000 acknowledgements/s, 2,048 350,000-560,000
     * and 4,096 550,000-660,000.
     */
    static final int PIPELINE_WINDOW = FileStorageConfig.DEFAULT_WRITE_QUEUE_CAPACITY;

    /** The target every benchmark entry names. */
    static final String TARGET = "primary";

    /** The log of one trial, shared by its threads. */
    @State(Scope.Benchmark)
    public static class Log {
        @Param({Payloads.SMALL, Payloads.LARGE})
        int payloadBytes;

        SyncPolicy policy;
        Path directory;
        FileWalStorage storage;
        String payload;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) {
            String benchmark = params.getBenchmark();
            open(policyOf(benchmark.substring(benchmark.lastIndexOf('.') + 1)));
        }

        void open(SyncPolicy syncPolicy) {
            policy = syncPolicy;
            payload = new String(Payloads.json(payloadBytes), StandardCharsets.UTF_8);
            openLog();
        }

        /** A fresh log for each iteration where the policy lets the log grow by the gigabyte. */
        @TearDown(Level.Iteration)
        public void renewIfUnforced() {
            if (policy != SyncPolicy.ALWAYS) {
                closeLog();
                openLog();
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            closeLog();
        }

        private void openLog() {
            directory = BenchDirectories.create("wal-" + policy.name().toLowerCase(Locale.ROOT));
            storage = FileWalStorage.open(FileStorageConfig.builder(directory).syncPolicy(policy).build());
        }

        private void closeLog() {
            try {
                storage.close();
            } finally {
                BenchDirectories.deleteRecursively(directory);
            }
        }

        /** The entry a thread appends: the shared payload, in lane {@code account-<thread>}. */
        WalEntry entry(int threadIndex) {
            return WalEntry.builder("bench", "AccountDebited").key("account-" + threadIndex)
                    .createdAt(Instant.parse("2026-01-01T00:00:00Z")).payloadJson(payload).targets(TARGET).build();
        }
    }

    /** The sync policy of a benchmark method: from the start of its name. */
    static SyncPolicy policyOf(String method) {
        if (method.startsWith("none")) {
            return SyncPolicy.NONE;
        }
        if (method.startsWith("interval")) {
            return SyncPolicy.INTERVAL;
        }
        if (method.startsWith("always")) {
            return SyncPolicy.ALWAYS;
        }
        throw new IllegalArgumentException("No sync policy in benchmark method name '" + method + "'");
    }

    /** What one thread appends, and its window of pipelined appends. */
    @State(Scope.Thread)
    public static class Appender {
        WalEntry entry;
        List<WalEntry> single;
        final ArrayDeque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>(PIPELINE_WINDOW);

        @Setup(Level.Trial)
        public void prepare(Log log, ThreadParams thread) {
            prepare(log, thread.getThreadIndex());
        }

        void prepare(Log log, int threadIndex) {
            entry = log.entry(threadIndex);
            single = List.of(entry);
        }

        /** Waits for what is still in flight, so that the trial's log closes with nothing pending. */
        @TearDown(Level.Trial)
        public void drain() {
            while (!inFlight.isEmpty()) {
                inFlight.poll().join();
            }
        }
    }

    @Benchmark
    @Threads(1)
    public long always_t1(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }

    @Benchmark
    @Threads(16)
    public long always_t16(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }

    @Benchmark
    @Threads(64)
    public long always_t64(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }

    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long alwaysLatency_t1(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }

    @Benchmark
    @Threads(16)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long alwaysLatency_t16(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }

    @Benchmark
    @Threads(64)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long alwaysLatency_t64(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }

    /**
     * One more append in flight, after waiting for the oldest once {@value #PIPELINE_WINDOW} are;
     * returns the seq acknowledged, or 0 while the window fills.
     *
     * @throws IllegalStateException if an acknowledgement does not say durable
     */
    @Benchmark
    @Threads(1)
    public long alwaysAsyncPipelined_t1(Log log, Appender appender) {
        long acknowledged = 0;
        if (appender.inFlight.size() >= PIPELINE_WINDOW) {
            AppendResult result = appender.inFlight.poll().join();
            if (!result.durable()) {
                throw new IllegalStateException("ALWAYS append of seq " + result.firstSeq() + " acknowledged as not durable");
            }
            acknowledged = result.firstSeq();
        }
        appender.inFlight.add(log.storage.appendAsync(appender.single));
        return acknowledged;
    }

    @Benchmark
    @Threads(1)
    public long interval_t1(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }

    @Benchmark
    @Threads(1)
    public long none_t1(Log log, Appender appender) {
        return log.storage.append(appender.entry);
    }
}
