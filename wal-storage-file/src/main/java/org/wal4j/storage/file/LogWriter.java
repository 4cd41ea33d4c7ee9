package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.wal4j.SyncPolicy;
import org.wal4j.WalDiskFullException;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.LatencyHistogram;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StorageState;

/**
 * Writes the log. Whoever holds the <em>writer role</em> takes whatever requests are queued,
 * assigns seqs in queue order, frames and checksums the entry lines into one buffer, writes it
 * with one call (or a few, when a batch is larger than the buffer or spans a rotation), forces
 * once if the batch needs it, and only then acknowledges every caller of the batch: group commit.
 * The line format and commit rule are on {@link LineCodec}; the bytes, forces and rotations are
 * {@link SegmentWriter}'s: this class decides what goes into the log and when it is forced.
 *
 * <h2>The writer role</h2>
 * One thread at a time holds it (an atomic owner), and only the holder touches the active
 * segment, the buffer and the queue's consumer side. It belongs to the writer thread
 * ("wal4j-writer"), which serves the queue and the timers, except that a caller of
 * {@link #submitAndWrite} (a blocking append) that finds it free takes it and writes batches on
 * its own thread until its own request is done: then a lone appender's write and force need no
 * hand-off to another thread and back, which on a loaded machine cost more than the fsync (a
 * park/unpark each way). Only callers that are about to wait lead; asynchronous requests go to
 * the writer thread, so {@code appendAsync} never blocks on I/O. Releasing the role is followed by
 * a look at the queue: a caller that leaves requests behind, or starts a timer the writer thread
 * does not know of, wakes it, so nothing queued waits for a thread that is not coming. Under
 * contention the writer thread keeps the role while requests keep coming, and callers wait for
 * their group as before. The log's files are opened through {@link UninterruptibleChannel}, so
 * an application thread interrupted while it writes does not close them.
 *
 * <p>When a batch is forced: under {@link SyncPolicy#ALWAYS} if it holds an append; under every
 * policy if it holds a checkpoint, a sync or the close request. Status records alone are written
 * but never forced. Under {@link SyncPolicy#INTERVAL} the writer also forces on a timer; under
 * {@link SyncPolicy#NONE} only on request, rotation and close.
 *
 * <p>Invariants: seqs are assigned gap free in queue order; an entry reaches the
 * {@link StatusIndex} and {@link #lastSeq()} only after it is acknowledged, before its caller's
 * future completes; nothing is acknowledged as durable that a force has not covered.
 *
 * <p>Poison ({@link WriterPoison}): the first failed write, force, truncate or segment creation
 * ends the writer. Every caller not yet acknowledged fails with {@link WalUnavailableException}
 * (or {@link WalDiskFullException}), later writes are refused naming the original failure, and a
 * failed force is never retried: after a failed fsync the kernel may have dropped the dirty pages
 * and a retry could succeed without the data ("fsyncgate"). Only reopening, which re-runs
 * recovery, brings the log back.
 *
 * <p>Only the writer's own writes and forces poison it. A failed compaction does not: it wrote
 * nothing the log depends on, and the appends that still fit must go on (RELIABILITY row 17).
 *
 * <p>Thread-safety: {@link #submit}, {@link #submitAndWrite}, {@link #checkWritable} and the
 * getters may be called from any thread; everything else runs on the thread holding
 * the writer role.
 */
@SuppressWarnings("NonAtomicVolatileUpdate") // fsyncs, appendedEntries: only the writer thread updates them
final class LogWriter implements Runnable {
    private static final int MAX_BATCH_REQUESTS = 4096;
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final FileStorageConfig config;
    private final Path dir;
    private final SyncPolicy policy;
    private final StatusIndex index;
    private final Map<String, Long> checkpoints;
    private final WriteQueue queue;
    private final DurabilityWaiters waiters;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final Thread thread;
    /** The thread allowed to write: the writer thread, a caller of {@link #submitAndWrite}, or none. */
    private final AtomicReference<Thread> role = new AtomicReference<>();
    /** When the parked writer thread will wake by itself ({@link System#nanoTime()}); MAX_VALUE if unknown. */
    private volatile long writerWakeAtNanos = Long.MAX_VALUE;

    // writer-role state: touched only by the thread holding the role (the role's atomic hand-over publishes it)
    private final SegmentWriter out;
    private final List<WriteRequest> batch = new ArrayList<>();

    private volatile boolean accepting = true;
    private volatile StorageState state = StorageState.OPEN;
    private final WriterPoison poison = new WriterPoison();
    private volatile long lastSeq;
    private volatile long appendedEntries;

    LogWriter(FileStorageConfig config, SegmentSet segments, StatusIndex index, Map<String, Long> checkpoints,
              ActiveSegment active, long lastSeq, Manifest manifest) {
        this.config = config;
        this.dir = config.dir();
        this.policy = config.syncPolicy();
        this.index = index;
        this.checkpoints = checkpoints;
        this.lastSeq = lastSeq;
        this.queue = new WriteQueue(config.writeQueueCapacity());
        this.waiters = new DurabilityWaiters(lastSeq);
        this.out = new SegmentWriter(config, segments, manifest, active, lastSeq, waiters::advance);
        this.thread = new Thread(this, "wal4j-writer");
        // Daemon: an application that forgets close() must still be able to exit. Nothing acknowledged
        // depends on this thread finishing: ALWAYS acks only forced data, and INTERVAL/NONE promise no more
        // than the operating system's page cache.
        thread.setDaemon(true);
        queue.setConsumer(thread);
    }

    void start() {
        thread.start();
    }

    /** True on the thread holding the writer role: the writer thread or a caller writing its own batch. */
    boolean isWriterThread() {
        return role.get() == Thread.currentThread();
    }

    /** The highest seq acknowledged so far. */
    long lastSeq() {
        return lastSeq;
    }

    long durableSeq() {
        return waiters.durableSeq();
    }

    StorageState state() {
        return state;
    }

    long fsyncs() {
        return out.fsyncs();
    }

    long appendedEntries() {
        return appendedEntries;
    }

    LatencyHistogram latency() {
        return latency;
    }

    DurabilityWaiters waiters() {
        return waiters;
    }

    int queued() {
        return queue.size();
    }

    /** @throws WalUnavailableException if the log is closed or poisoned */
    void checkWritable() {
        if (state == StorageState.CLOSED) {
            throw closed();
        }
        if (state == StorageState.POISONED) {
            throw poisoned();
        }
        if (!accepting) {
            throw notAccepting();
        }
    }

    /**
     * Queues a request, waiting for room if the queue is full. A request that races with close or
     * poison is either taken back here and failed, or taken by the writer, which completes or fails
     * it: never left behind.
     */
    void submit(WriteRequest request) {
        submit(request, true);
    }

    private void submit(WriteRequest request, boolean wakeWriter) {
        checkWritable();
        boolean queued;
        try {
            queued = queue.put(request, () -> accepting, wakeWriter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalUnavailableException("Interrupted while waiting for room in the write queue of " + dir
                    + "; nothing was written", e);
        }
        if (!queued) {
            checkWritable();
            throw notAccepting();
        }
        if (!accepting && queue.remove(request)) {
            request.fail(notAccepting());
        }
    }

    /**
     * Queues a request whose caller is about to wait for it and, if no thread holds the writer
     * role, takes the role and writes on the calling thread until the request is done: the
     * caller's own write, force and acknowledgement, with no hand-off to the writer thread and back.
     * If another thread holds the role, the request waits in the queue for it (see the class
     * description); the caller waits on the request's future either way.
     *
     * @throws WalUnavailableException as {@link #submit}
     */
    void submitAndWrite(WriteRequest request) {
        submit(request, false);
        Thread caller = Thread.currentThread();
        if (!role.compareAndSet(null, caller)) {
            return;
        }
        boolean wakeWriter = true;
        try {
            wakeWriter = lead(request);
        } finally {
            role.set(null);
            // after the release: a request queued while the role was held is not left behind, and a
            // timer this batch started (an INTERVAL force, a segment's age) is not missed
            if (wakeWriter || !queue.isEmpty()) {
                queue.wake();
            }
        }
    }

    /**
     * Holding the writer role on a caller's thread: writes batches until {@code own} is done, then
     * runs the timers the writer thread would.
     *
     * @return whether the writer thread must be woken: the log closed or failed, or a timer is now
     *         due before the writer thread planned to wake
     */
    private boolean lead(WriteRequest own) {
        try {
            while (!own.isDone()) {
                if (poison.isSet()) {
                    failEverything();
                    return true;
                }
                if (state == StorageState.CLOSED) {
                    failQueued(closed());
                    return true;
                }
                queue.drainTo(batch, MAX_BATCH_REQUESTS);
                if (batch.isEmpty()) {
                    break; // own was taken back by a racing close or poison, and failed
                }
                if (writeBatch()) {
                    return true;
                }
            }
            if (state != StorageState.OPEN) {
                return true;
            }
            onTimer();
            long wait = nanosUntilTimer();
            return wait < IDLE_PARK_NANOS && System.nanoTime() + wait < writerWakeAtNanos;
        } catch (IOException | RuntimeException | Error e) {
            failAll(e);
            return true;
        }
    }

    /**
     * Stops the writer: what was queued before is written and forced, then the thread ends.
     *
     * @return the failure of that final flush, or null
     */
    @Nullable Throwable shutdown() {
        accepting = false;
        Throwable failure = null;
        if (thread.isAlive()) {
            WriteRequest marker = WriteRequest.close();
            try {
                if (queue.put(marker, thread::isAlive, true)) {
                    thread.join(TimeUnit.SECONDS.toMillis(60));
                    if (thread.isAlive()) {
                        failure = new WalUnavailableException("The writer of " + dir + " did not finish within 60 s "
                                + "(a force hanging?); closing its files anyway");
                    } else if (marker.done().isCompletedExceptionally()) {
                        failure = marker.done().handle((v, t) -> t).join();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            }
        }
        state = StorageState.CLOSED;
        failQueued(closed());
        waiters.fail(closed());
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        return failure;
    }

    /**
     * The writer thread: whenever requests are queued and no caller holds the writer role, takes
     * the role and writes batches until the queue is empty, then runs the timers (INTERVAL force,
     * segment age) and parks until a request, a wake-up or the next timer.
     */
    @Override
    public void run() {
        while (true) {
            WalUnavailableException poisoned = poison.exception();
            if (poisoned != null) {
                // failed while a caller held the role; a caller still holding the role
                // fails its own batch
                waiters.fail(poisoned);
                failQueued(poisoned);
                return;
            }
            if (state == StorageState.CLOSED) {
                // a caller holding the role wrote the close request
                failQueued(closed());
                return;
            }
            // read by a caller releasing the role: until this thread knows when its timers are due, it
            // wants to be woken after each caller's batch
            writerWakeAtNanos = Long.MAX_VALUE;
            if (!role.compareAndSet(null, thread)) {
                // a caller is writing; it wakes this thread when it releases the role with work left, and
                // so does an asynchronous request queued meanwhile
                queue.awaitTurn(IDLE_PARK_NANOS, () -> role.get() != null);
                continue;
            }
            long wait;
            try {
                if (serveQueue()) {
                    return;
                }
                onTimer();
                wait = nanosUntilTimer();
                writerWakeAtNanos = System.nanoTime() + wait;
            } catch (IOException | RuntimeException | Error e) {
                failAll(e);
                return;
            } finally {
                role.set(null);
            }
            queue.awaitWork(wait);
        }
    }

    /**
     * Holding the writer role on the writer thread: writes batches while requests are queued.
     *
     * @return true if the log was closed or failed meanwhile, and this thread is to end
     */
    private boolean serveQueue() throws IOException {
        while (true) {
            if (poison.isSet()) {
                failEverything();
                return true;
            }
            queue.drainTo(batch, MAX_BATCH_REQUESTS);
            if (batch.isEmpty()) {
                return false;
            }
            if (writeBatch()) {
                return true;
            }
        }
    }

    /**
     * Holding the writer role: writes the drained batch; if it held the close request, the log is
     * closed and what was queued behind it fails as closed.
     *
     * @return whether the log closed
     */
    private boolean writeBatch() throws IOException {
        boolean closing = process();
        batch.clear();
        if (closing) {
            state = StorageState.CLOSED;
            failQueued(closed());
        }
        return closing;
    }

    /**
     * Holding the writer role: the log failed. Callers of the batch being written and those queued
     * learn the original failure; later ones get {@link #poisoned()}. Waiters first: a caller that
     * sees its append fail must find whenDurable failing too.
     */
    private void failAll(Throwable cause) {
        setPoison(out.failureContext(), cause);
        failEverything();
    }

    /** Holding the writer role, the log poisoned: {@link #failAll} without a new cause. */
    private void failEverything() {
        WalUnavailableException failure = poison.recorded();
        waiters.fail(failure);
        for (WriteRequest r : batch) {
            r.fail(failure);
        }
        batch.clear();
        failQueued(failure);
    }

    /** Writes one batch; returns true if it held the close request. */
    private boolean process() throws IOException {
        out.startBatch();
        boolean force = false;
        boolean closing = false;
        for (WriteRequest r : batch) {
            if (closing) {
                continue; // failed as closed below
            }
            // a switch expression without default: a new kind does not compile until it is handled here
            boolean forces = switch (r.kind) {
                case APPEND -> {
                    frameEntries(r);
                    yield policy == SyncPolicy.ALWAYS;
                }
                case STATUS -> {
                    for (byte[] line : r.lines) {
                        out.putLine(line);
                    }
                    yield false;
                }
                case CHECKPOINT -> {
                    if (r.seq > checkpoints.getOrDefault(r.target, 0L)) {
                        out.putLine(r.lines[0]);
                    }
                    yield true;
                }
                case SYNC -> true;
                case ROTATE -> {
                    if (out.holdsRecords()) {
                        out.flush();
                        out.rotate();
                    }
                    yield false;
                }
                case CLOSE -> {
                    closing = true;
                    yield true;
                }
            };
            force |= forces;
        }
        out.flush();
        if (force) {
            out.force();
        }
        acknowledge();
        return closing;
    }

    private void frameEntries(WriteRequest r) throws IOException {
        byte[][] bodies = r.bodies;
        r.offsets = new long[bodies.length];
        r.firstSeq = out.nextSeq();
        for (int i = 0; i < bodies.length; i++) {
            r.offsets[i] = out.frameEntry(bodies[i]);
        }
    }

    /**
     * Publishes the batch's entries to the index and {@link #lastSeq()}, then completes every
     * caller; requests queued after a close request are failed as closed.
     */
    private void acknowledge() {
        boolean durable = policy == SyncPolicy.ALWAYS;
        long acked = 0;
        for (WriteRequest r : batch) {
            boolean isClose = switch (r.kind) {
                case APPEND -> {
                    for (int i = 0; i < r.offsets.length; i++) {
                        index.add(r.firstSeq + i, r.offsets[i], r.entries.get(i).targets());
                    }
                    acked += r.offsets.length;
                    lastSeq = r.firstSeq + r.offsets.length - 1;
                    yield false;
                }
                case CHECKPOINT -> {
                    checkpoints.merge(r.target, r.seq, Math::max);
                    yield false;
                }
                case STATUS, SYNC, ROTATE -> false;
                case CLOSE -> true;
            };
            if (isClose) {
                break;
            }
        }
        appendedEntries += acked;
        long now = System.nanoTime();
        boolean afterClose = false;
        for (WriteRequest r : batch) {
            if (afterClose) {
                r.fail(closed());
            } else if (r.kind == WriteRequest.Kind.APPEND) {
                latency.record(now - r.startNanos);
                r.appended().complete(new AppendResult(r.firstSeq, r.offsets.length, durable));
            } else {
                afterClose = r.kind == WriteRequest.Kind.CLOSE;
                r.done().complete(null);
            }
        }
    }

    private void onTimer() throws IOException {
        if (policy == SyncPolicy.INTERVAL && out.hasUnforcedWrites()
                && System.nanoTime() - out.lastForceNanos() >= config.syncInterval().toNanos()) {
            out.force();
        }
        if (out.ageExpired() && out.holdsRecords()) {
            out.rotate();
        }
    }

    private long nanosUntilTimer() {
        long wait = IDLE_PARK_NANOS;
        if (policy == SyncPolicy.INTERVAL && out.hasUnforcedWrites()) {
            wait = Math.min(wait, out.lastForceNanos() + config.syncInterval().toNanos() - System.nanoTime());
        }
        if (out.holdsRecords()) {
            wait = Math.min(wait, out.nanosUntilAgeExpires());
        }
        return Math.max(1, wait);
    }

    /** Records the first failure; false if the log was already poisoned. */
    private synchronized boolean setPoison(String what, Throwable cause) {
        if (poison.isSet()) {
            return false;
        }
        accepting = false; // before the failure is visible: a racing submit takes its request back
        poison.record(what, cause, lastSeq);
        if (state == StorageState.OPEN) {
            state = StorageState.POISONED;
        }
        return true;
    }

    /** The exception for a write refused because of an earlier failure, naming it. */
    private WalUnavailableException poisoned() {
        WalUnavailableException refusal = poison.refusal(lastSeq);
        return refusal != null ? refusal : closed();
    }

    /**
     * The exception for a write refused because the log stopped accepting. Poisoning stops
     * accepting before it records its failure (inside {@link #setPoison}, on this monitor): taking
     * the monitor waits for that record, so a write refused at the moment of a failed fsync names
     * the failure (say, a full disk), not "closed".
     */
    private synchronized WalUnavailableException notAccepting() {
        return poisoned();
    }

    private WalUnavailableException closed() {
        return new WalUnavailableException("The log in " + dir + " is closed");
    }

    private void failQueued(WalUnavailableException failure) {
        for (WriteRequest r = queue.poll(); r != null; r = queue.poll()) {
            if (r.kind == WriteRequest.Kind.CLOSE) {
                r.done().complete(null);
            } else {
                r.fail(failure);
            }
        }
    }
}
