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
 * cost a log that appends pays. To bound disk use over a long run the file rolls over: once it
 * holds {@link #DEFAULT_ROLL_BYTES}, the next append goes to a new file and the old one is deleted.
 * That happens once per 16,384 records of 4 KiB, too rarely to move a figure.
 *
 * <p>Not thread-safe: one thread appends (the benchmark thread, or the group-commit writer).
 */
final class AppendOnlyFile implements AutoCloseable {

    /** Bytes after which the file rolls over to a new one: 64 MiB. */
    static final long DEFAULT_ROLL_BYTES = 64L << 20;

    private final Path directory;
    private final long rollBytes;
    private FileChannel channel;
    private Path current;
    private long written;
    private int generation;

    /** Opens {@code directory/log-0}, which must not exist yet. */
    AppendOnlyFile(Path directory, long rollBytes) throws IOException {
        if (rollBytes < 1) {
            throw new IllegalArgumentException("rollBytes must be positive but was " + rollBytes);
        }
        this.directory = directory;
        this.rollBytes = rollBytes;
        openNext();
    }

    AppendOnlyFile(Path directory) throws IOException {
        this(directory, DEFAULT_ROLL_BYTES);
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
        Files.delete(previous);
    }

    private void openNext() throws IOException {
        current = directory.resolve("log-" + generation++);
        channel = FileChannel.open(current, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        written = 0;
    }
}
