package org.wal4j.bench;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmarks/run.sh --jmh ChronicleQueueBenchmark}: peer — Chronicle Queue's appender, from
 * one thread. <b>Chronicle Queue does not fsync</b>: an append copies the bytes into a memory-mapped
 * file and returns; the kernel writes them back later (its {@code syncMode} is left at the default,
 * {@code NONE}). An appended record survives a crash of the JVM, not of the machine. The fair
 * comparison is wal4j's {@code NONE} policy, and the report says so.
 *
 * <p>Chronicle on Java 17 needs the module flags its own build uses ({@code jvm.requiredArgs} of
 * its parent POM): they are in {@link Fork#jvmArgsAppend()} below for forked runs, and in
 * {@code benchmarks/pom.xml} for the smoke test, which runs in-process. Its usage analytics are
 * switched off, since a benchmark must not phone home.
 *
 * <p>One thread per state ({@link Scope#Thread}): a Chronicle appender belongs to one thread.
 *
 * <p>At millions of appends a second the queue fills the page cache fast, so each iteration starts
 * a new queue in a new directory and deletes it afterwards, and iterations are short.
 */
@State(Scope.Thread)
@Threads(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "-Dchronicle.analytics.disable=true",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChronicleQueueBenchmark {

    static {
        // before any Chronicle class initializes, also when running in-process (forks 0)
        System.setProperty("chronicle.analytics.disable", "true");
    }

    @Param({Payloads.SMALL, Payloads.LARGE})
    int payloadBytes;

    Path directory;
    ChronicleQueue queue;
    private ExcerptAppender appender;
    private Bytes<?> record;

    @Setup(Level.Iteration)
    public void open() {
        directory = BenchDirectories.create("chronicle");
        queue = ChronicleQueue.singleBuilder(directory).build();
        appender = queue.createAppender();
        record = Bytes.allocateDirect(Payloads.json(payloadBytes));
    }

    @TearDown(Level.Iteration)
    public void close() {
        try {
            appender.close();
            queue.close();
            record.releaseLast();
        } finally {
            BenchDirectories.deleteRecursively(directory);
        }
    }

    @Benchmark
    public long append_t1() {
        appender.writeBytes(record);
        return appender.lastIndexAppended();
    }
}
