package org.wal4j.storage.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A file of the log that a thread's interrupt cannot close: what {@link RealFileSystem} opens for
 * writing, and what it forces directories with.
 *
 * <h2>Why</h2>
 * A {@link FileChannel} is an interruptible channel: if a thread is interrupted while it writes or
 * forces, the channel is closed for every user. The log writes and forces on application threads
 * (a caller of a blocking append that finds the writer idle writes its own batch, see
 * {@code LogWriter}), and an application may interrupt its threads at any time (a cancelled task,
 * an executor's {@code shutdownNow}); that must cost the interrupted caller its wait, never the log
 * its file.
 *
 * <h2>How</h2>
 * An {@link AsynchronousFileChannel} is not interruptible, and it runs its operations on the
 * executor it was opened with. Here that executor runs each task at once on the thread that submits
 * it, so a read or write is the same positional {@code pread}/{@code pwrite} on the calling thread
 * as with a {@code FileChannel}, and its future is complete when the call returns;
 * {@link #force()} is {@code fdatasync}, as {@code FileChannel.force(false)} is. On a platform whose
 * asynchronous file channels use the operating system's own asynchronous I/O (Windows), the
 * operation completes on that system's threads and this class waits for it, also without being
 * interruptible.
 *
 * <p>Thread-safe, like {@code AsynchronousFileChannel}.
 */
final class UninterruptibleChannel implements WalFileChannel {
    private final Path path;
    private final AsynchronousFileChannel channel;

    private UninterruptibleChannel(Path path, AsynchronousFileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens {@code file} with {@code options} (which must not include {@code APPEND}). */
    static UninterruptibleChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        return new UninterruptibleChannel(file, AsynchronousFileChannel.open(file, options, CallingThread.INSTANCE));
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return result(channel.read(dst, position));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return result(channel.write(src, position));
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    /** Forces data and metadata ({@code fsync}); what a directory needs after a create, rename or delete. */
    void forceWithMetadata() throws IOException {
        channel.force(true);
    }

    @Override
    public void truncate(long size) throws IOException {
        channel.truncate(size);
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public @Nullable Closeable tryLock() throws IOException {
        FileLock lock = channel.tryLock();
        return lock == null ? null : lock::release;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /**
     * The result of an operation, waiting for it without giving in to interrupts (the operation ran
     * already unless the platform does asynchronous I/O); an interrupt that arrived meanwhile is
     * kept for the caller.
     */
    private int result(Future<Integer> operation) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return operation.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException) {
                        throw (IOException) cause;
                    }
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw new IOException("I/O on " + path + " failed: " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs every task at once on the thread that submits it. Never shuts down: it owns no thread. */
    private static final class CallingThread extends AbstractExecutorService {
        static final CallingThread INSTANCE = new CallingThread();

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
            // owns no thread
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }
}
