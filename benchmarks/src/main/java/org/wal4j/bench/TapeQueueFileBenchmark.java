package org.wal4j.bench;

import com.squareup.tape2.QueueFile;
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

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmarks/run.sh --jmh TapeQueueFileBenchmark}: peer — Square Tape's {@link QueueFile#add},
 * a durable file queue. Tape opens its file in {@code "rwd"} mode, so every add is synchronous:
 * the element's bytes and then the header that commits it are each written through to the disk
 * before {@code add} returns. No group commit.
 *
 * <p>{@code QueueFile} is not synchronized, by design. A multi-threaded application has to
 * serialize its calls, which is what {@link #addSynchronized_t64} does: 64 threads share one
 * {@code QueueFile} under its monitor. Expect about the single-thread rate, since each add holds
 * the monitor across its own synchronous writes.
 *
 * <p>Nothing is removed during a trial, so the queue file only grows (Tape doubles it, with a
 * forced {@code setLength}, when full).
 *
 * <p>All threads share one {@code QueueFile} ({@link Scope#Benchmark}); only
 * {@link #addSynchronized_t64} runs on more than one thread, and it serializes on the queue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 8, time = 1)
public class TapeQueueFileBenchmark {

    @Param({Payloads.SMALL, Payloads.LARGE})
    int payloadBytes;

    Path directory;
    QueueFile queue;
    private byte[] record;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = BenchDirectories.create("tape");
        queue = new QueueFile.Builder(directory.resolve("queue").toFile()).build();
        record = Payloads.json(payloadBytes);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            queue.close();
        } finally {
            BenchDirectories.deleteRecursively(directory);
        }
    }

    @Benchmark
    @Threads(1)
    public void add_t1() throws IOException {
        queue.add(record);
    }

    @Benchmark
    @Threads(64)
    @SuppressWarnings("SynchronizeOnNonFinalField") // set once per trial by @Setup, before any benchmark thread
    public void addSynchronized_t64() throws IOException {
        synchronized (queue) {
            queue.add(record);
        }
    }
}
