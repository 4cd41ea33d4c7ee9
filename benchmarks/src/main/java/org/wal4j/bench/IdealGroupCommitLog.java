package org.wal4j.bench;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Baseline 2: the throughput limit of group commit on this disk. Writer threads enqueue records;
 * one thread takes everything queued, writes it with one {@code write}, forces once with
 * {@code force(false)}, and releases every writer of the group; records that arrive meanwhile form
 * the next group.
 *
 * <h2>Why it is a fair bar</h2>
 * It is what wal4j's writer does (see {@code DESIGN.md}, "The log on disk") minus everything a real
 * log adds: no framing, no checksum, no serialization, no sequence numbers, no index, no
 * rotation with directory fsyncs, no bounded queue. It is not a strawman either: no thread ever
 * waits on a timer or a fixed batch size, a record queued while a force is running goes into the
 * very next write, the hand-off is a short lock plus {@link LockSupport#park park/unpark}, and the
 * bytes are copied once into a reused direct buffer so the kernel sees one contiguous write.
 * Nor does it cheat: a writer returns only after the force that covers its record has returned.
 *
 * <h2>Failure</h2>
 * If a write or force fails, every writer of that group and every later one gets the
 * {@link IOException}: nothing is acknowledged that was not forced.
 *
 * <p>Thread-safe: {@link #append(byte[])} may be called from any number of threads.
 */
final class IdealGroupCommitLog implements AutoCloseable {

    private final AppendOnlyFile file;
    private final Thread writer;
    private final Object lock = new Object();

    @GuardedBy("lock")
    private List<Request> queued = new ArrayList<>();
    @GuardedBy("lock")
    private boolean closed;
    @GuardedBy("lock")
    private IOException failure;

    /** Writer thread only. */
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private long groups;
    private long records;

    /** Starts the writer on a new file in {@code directory}. */
    IdealGroupCommitLog(Path directory) throws IOException {
        this(directory, AppendOnlyFile.DEFAULT_ROLL_BYTES);
    }

    /** Starts the writer on a new file in {@code directory} that rolls over every {@code rollBytes}. */
    IdealGroupCommitLog(Path directory, long rollBytes) throws IOException {
        this.file = new AppendOnlyFile(directory, rollBytes, AppendOnlyFile.Retention.KEEP);
        this.writer = new Thread(this::writeLoop, "ideal-group-commit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Returns once {@code record} is written and forced.
     *
     * @throws IOException           if the write or force of its group failed, or an earlier one did
     * @throws IllegalStateException if the log is closed
     */
    void append(byte[] record) throws IOException {
        Request request = new Request(record, Thread.currentThread());
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Group commit log is closed");
            }
            if (failure != null) {
                throw new IOException("Group commit log failed earlier", failure);
            }
            queued.add(request);
            if (queued.size() == 1) {
                lock.notify(); // the writer waits only when the queue is empty
            }
        }
        while (!request.done) {
            LockSupport.park(this);
        }
        if (request.failure != null) {
            throw new IOException("Write or force of this record's group failed", request.failure);
        }
    }

    /** Average records per forced group so far; read after {@link #close()} for an exact figure. */
    double averageGroupSize() {
        synchronized (lock) {
            return groups == 0 ? 0 : (double) records / groups;
        }
    }

    /** Stops the writer once everything queued is forced, then closes the file. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            closed = true;
            lock.notify();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for the group commit writer to stop", e);
        } finally {
            file.close();
        }
    }

    private void writeLoop() {
        List<Request> group = new ArrayList<>();
        while (true) {
            synchronized (lock) {
                while (queued.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        closed = true; // nobody interrupts this thread but a JVM shutting down
                    }
                }
                if (queued.isEmpty()) {
                    return;
                }
                List<Request> taken = queued;
                queued = group;
                group = taken;
            }
            IOException groupFailure = writeAndForce(group);
            for (Request request : group) {
                request.failure = groupFailure;
                request.done = true;
                LockSupport.unpark(request.thread);
            }
            group.clear();
        }
    }

    private IOException writeAndForce(List<Request> group) {
        int bytes = 0;
        for (Request request : group) {
            bytes += request.record.length;
        }
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(bytes) << 1);
        }
        buffer.clear();
        for (Request request : group) {
            buffer.put(request.record);
        }
        buffer.flip();
        try {
            file.append(buffer);
            file.force();
            synchronized (lock) {
                groups++;
                records += group.size();
            }
            return null;
        } catch (IOException e) {
            synchronized (lock) {
                failure = e;
            }
            return e;
        }
    }

    /** One writer's record and its acknowledgement. */
    private static final class Request {
        final byte[] record;
        final Thread thread;
        IOException failure; // written before done, read after it: ordered by the volatile
        volatile boolean done;

        Request(byte[] record, Thread thread) {
            this.record = record;
            this.thread = thread;
        }
    }
}
