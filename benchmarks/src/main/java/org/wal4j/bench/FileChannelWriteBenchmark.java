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
 * {@code benchmarks/run.sh --jmh FileChannelWriteBenchmark}: baseline 3, the per-record limit of
 * handing records to the operating system — one thread appends a record with one
 * {@code FileChannel.write} and no force, so each record is in the page cache (it survives a crash
 * of the process, not of the machine) when the call returns.
 *
 * <p>This is the floor under any log that promises that much with a write call per record: wal4j's
 * {@code NONE} and {@code INTERVAL} appends are measured against it, and Chronicle Queue, which
 * copies into a memory-mapped file instead and makes no call at all, shows what skipping the call
 * is worth. As with Chronicle's figure, nothing here waits for the disk: the file rolls over every
 * 64 MiB and the old one is deleted before the kernel needs to write it back, which also lets the
 * kernel reuse its page-cache pages ({@link AppendOnlyFile.Retention#DELETE_ROLLED}): the best case
 * of handing bytes to the operating system.
 *
 * <p>One thread per state ({@link Scope#Thread}), and one thread in all.
 */
@State(Scope.Thread)
@Threads(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class FileChannelWriteBenchmark {

    @Param({Payloads.SMALL, Payloads.LARGE})
    int payloadBytes;

    Path directory;
    private AppendOnlyFile file;
    private ByteBuffer record;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = BenchDirectories.create("raw-write");
        file = new AppendOnlyFile(directory, AppendOnlyFile.Retention.DELETE_ROLLED);
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
    public long write_t1() throws IOException {
        record.clear();
        file.append(record);
        return file.size();
    }
}
