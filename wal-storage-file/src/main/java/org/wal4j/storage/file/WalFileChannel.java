package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * An open file of the log, as {@link WalFileSystem#open} returns it. Every read and write is
 * positional, so one channel can serve concurrent readers.
 *
 * <p>Thread-safe, like {@link java.nio.channels.FileChannel}. Interrupts: a channel opened for
 * writing must not be closed by the interrupt of a thread using it, since application threads
 * write and force the log (the real file system opens such channels as
 * {@link UninterruptibleChannel}s); a channel opened for reading may be, as a {@code FileChannel}
 * is, and its {@code SegmentFile} reopens it.
 */
public interface WalFileChannel extends Closeable {

    Path path();

    /** Reads into {@code dst} from {@code position}; returns the bytes read, -1 at end of file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes from {@code src} at {@code position}; returns the bytes written (may be fewer than remain). */
    int write(ByteBuffer src, long position) throws IOException;

    /** Forces written data to stable storage, without metadata that reading does not need (fdatasync). */
    void force() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    long size() throws IOException;

    /**
     * Takes an exclusive lock on the whole file without waiting.
     *
     * @return a handle that releases the lock when closed, or null if another process holds it
     */
    @Nullable Closeable tryLock() throws IOException;
}
