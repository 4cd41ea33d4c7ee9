package org.wal4j.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The raw-disk baselines' file: bytes appended with {@link FileChannel#write(ByteBuffer)} and made
 * durable with {@link FileChannel#force(boolean) force(false)} ({@code fdatasync} on Linux), as a
 * log does, and nothing else: no framing, no checksum, no index.
 *
 * <p>Appending grows the file, so each {@code fdatasync} also persists the new file size: the same
 * cost a log that appends pays. The file rolls over: once it holds {@link #DEFAULT_ROLL_BYTES}, the
 * next append goes to a new file. What becomes of the old one is the {@link Retention}:
 * <ul>
 *   <li>{@link Retention#KEEP} for the durable baselines, because a log keeps what it wrote. On the
 *       project's 2-core VM, deleting the old files let the kernel reuse their page-cache pages, and
 *       that made writing new data much cheaper than writing into a growing set of files: a 240 KB
 *       write + fdatasync took 140-180 µs of CPU at 620-690 MB/s with deletion, and 590-750 µs at
 *       250-300 MB/s without, once a few hundred megabytes were written. The ideal group commit of
 *       4 KiB records at 64 threads fell from 76,000-90,000 to 47,000-69,000 records/s when it
 *       kept its files, as wal4j's log keeps them. Deleting gave the baseline a machine the log
 *       never gets.</li>
 *   <li>{@link Retention#DELETE_ROLLED} for the write-only baseline, which is compared with Chronicle
 *       Queue, whose benchmark deletes its queue after every iteration: both show the best case of
 *       handing bytes to the page cache.</li>
 * </ul>
 *
 * <p>Not thread-safe: one thread appends (the benchmark thread, or the group-commit writer).
 */
final class AppendOnlyFile implements AutoCloseable {

    /** Bytes after which the file rolls over to a new one: 64 MiB. */
    static final long DEFAULT_ROLL_BYTES = 64L << 20;

    /** What becomes of a file after rolling over to the next. */
    enum Retention {
        /** Kept until the benchmark deletes its directory. */
        KEEP,
        /** Deleted at once. */
        DELETE_ROLLED
    }

    private final Path directory;
    private final long rollBytes;
    private final Retention retention;
    private FileChannel channel;
    private Path current;
    private long written;
    private int generation;

    /** Opens {@code directory/log-0}, which must not exist yet. */
    AppendOnlyFile(Path directory, long rollBytes, Retention retention) throws IOException {
        if (rollBytes < 1) {
            throw new IllegalArgumentException("rollBytes must be positive but was " + rollBytes);
        }
        this.directory = directory;
        this.rollBytes = rollBytes;
        this.retention = retention;
        openNext();
    }

    AppendOnlyFile(Path directory, Retention retention) throws IOException {
        this(directory, DEFAULT_ROLL_BYTES, retention);
    }

    /** Writes every remaining byte of {@code bytes}, at the end of the file. */
    void append(ByteBuffer bytes) throws IOException {
        if (written >= rollBytes) {
            roll();
        }
        while (bytes.hasRemaining()) {
            written += channel.write(bytes);
        }
    }

    /** Forces the data written so far to the disk, without metadata other than the size. */
    void force() throws IOException {
        channel.force(false);
    }

    /** Bytes in the current file. */
    long size() {
        return written;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void roll() throws IOException {
        Path previous = current;
        channel.close();
        openNext();
        if (retention == Retention.DELETE_ROLLED) {
            Files.delete(previous);
        }
    }

    private void openNext() throws IOException {
        current = directory.resolve("log-" + generation++);
        channel = FileChannel.open(current, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        written = 0;
    }
}
