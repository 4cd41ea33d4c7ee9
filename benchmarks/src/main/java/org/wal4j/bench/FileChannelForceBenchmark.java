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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmarks/run.sh --jmh FileChannelForceBenchmark}: baseline 1, the per-record limit of
 * this disk — one thread appends a record with {@code FileChannel.write} and forces it with
 * {@code force(false)} (fdatasync) before the next.
 *
 * <p>This is the floor under any log that acknowledges a single writer's record only once it is on
 * disk: wal4j's single-thread {@code ALWAYS} latency is measured against it. The record is the
 * payload alone, kept in a direct buffer so no copy precedes the write.
 *
 * <p>One thread per state ({@link Scope#Thread}), and one thread in all.
 */
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 8, time = 1)
public class FileChannelForceBenchmark {

    @Param({Payloads.SMALL, Payloads.LARGE})
    int payloadBytes;

    Path directory;
    private AppendOnlyFile file;
    private ByteBuffer record;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = BenchDirectories.create("raw-force");
        file = new AppendOnlyFile(directory, AppendOnlyFile.Retention.KEEP);
        byte[] payload = Payloads.json(payloadBytes);
        record = ByteBuffer.allocateDirect(payload.length).put(payload);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            file.close();
        } finally {
            BenchDirectories.deleteRecursively(directory);
        }
    }

    /** Records per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long writeAndForce() throws IOException {
        return appendDurably();
    }

    /** Time per record, sampled: p50 and p99 come from here. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long writeAndForceLatency() throws IOException {
        return appendDurably();
    }

    private long appendDurably() throws IOException {
        record.clear();
        file.append(record);
        file.force();
        return file.size();
    }
}
