package org.wal4j.bench;

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
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmarks/run.sh --jmh GroupCommitBenchmark}: baseline 2, the throughput limit of this
 * disk — {@link IdealGroupCommitLog} (one writer, one write and one fdatasync per group) at 1, 16
 * and 64 appending threads. wal4j's 64-thread {@code ALWAYS} throughput must reach 0.8× of
 * {@link #append_t64}.
 *
 * <p>All threads share one log ({@link Scope#Benchmark}); {@link IdealGroupCommitLog} is thread-safe.
 * Each trial prints the average number of records per force it achieved.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 8, time = 1)
public class GroupCommitBenchmark {

    @Param({Payloads.SMALL, Payloads.LARGE})
    int payloadBytes;

    Path directory;
    private IdealGroupCommitLog log;
    private byte[] record;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = BenchDirectories.create("group-commit");
        log = new IdealGroupCommitLog(directory);
        record = Payloads.json(payloadBytes);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            log.close();
            System.out.printf(Locale.ROOT, "%nIdeal group commit: %.1f records per force on average%n",
                    log.averageGroupSize());
        } finally {
            BenchDirectories.deleteRecursively(directory);
        }
    }

    @Benchmark
    @Threads(1)
    public void append_t1() throws IOException {
        log.append(record);
    }

    @Benchmark
    @Threads(16)
    public void append_t16() throws IOException {
        log.append(record);
    }

    @Benchmark
    @Threads(64)
    public void append_t64() throws IOException {
        log.append(record);
    }
}
