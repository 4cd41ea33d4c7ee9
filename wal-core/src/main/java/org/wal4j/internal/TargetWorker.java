package org.wal4j.internal;

import org.wal4j.LaneId;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.BreakerSettings;
import org.wal4j.BreakerState;
import org.wal4j.EntryStatus;
import org.wal4j.PartitionFencedException;
import org.wal4j.WalEntry;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.internal.OutcomeRecorder.Effect;
import org.wal4j.internal.OutcomeRecorder.Kind;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.SteppedClock;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.SyncTarget;

/**
 * The one thread that coordinates the draining of the log into one target. Everything the
 * target's draining decides happens here, so the window, the lanes, the schedulers and the batch
 * sizes need no locks. Other threads talk to it through three queues: appended batches (new
 * entries), commands (requeue, discard, re-apply, lane queries, partition stop and start), run
 * between rounds, and the completions of target calls.
 *
 * <h2>Partitions</h2>
 * The target is applied through {@code applyPartitions} apply partitions ({@link LanePartitions});
 * each lane belongs to one. Each partition has its own scheduler, batch size and at most one call
 * in flight, made on a thread of its own through its own watchdog ({@link BoundedTarget}). The
 * worker only starts calls: when one returns, its thread queues a completion (result or
 * exception, and its real-time duration) and signals; the worker then judges and records it
 * ({@link ApplyRound#judge}). So a lane, whose entries all go to one partition and whose lanes in
 * a batch stay {@link Lane#busy} until recorded, is never in two calls and keeps its order, while
 * the partitions apply in parallel. An entry of several lanes is applied by the partition of its
 * primary lane once it heads all its lanes, which stay busy until its outcome is recorded, in
 * whatever partitions they are: since this one thread files and selects for every partition, no
 * lane is ever in two calls. A target whose {@link SyncTarget#concurrentApply()} is false
 * gets one call at a time, the partitions taking turns. One breaker serves all partitions: open,
 * it pauses every one; a poison entry stalls only its lane.
 *
 * <p>One round of the loop: run commands; take new entries; judge the completed calls; expire
 * heads whose time to live ended; persist the checkpoint if due; then, unless the breaker is
 * open, refill and extend the window and start a batch on every started partition that has no
 * call in flight and a lane ready. With nothing to do it sleeps until the next head is due, the
 * breaker's open period ends or its next probe ({@link BreakerProbe}) is due, the checkpoint is
 * due, or someone signals (a write, a command, a completed call, a clock step, a stop). All these
 * times are on the engine's monotonic timeline ({@link Timekeeper#now()}); only status and event
 * stamps read the wall clock.
 *
 * <p>The checkpoint stays a contiguous prefix: a batch's entries stay held in the window (and
 * bound {@link Window#checkpointCandidate()}) until their outcome is recorded. A command that
 * rebuilds the window (requeue, re-apply) first waits for the calls in flight and records them.
 *
 * <p>On stop it keeps going while batches are ready and the drain deadline has not passed, waits
 * for the calls in flight and records them, then saves the checkpoint and ends; what is left stays
 * durable in the log. A stop without draining (the storage failed) does not wait for calls in
 * flight: their entries stay durable and are delivered again later.
 *
 * <p>Thread-safe where it says so ({@link #offer}, {@link #submit}, {@link #signal},
 * {@link #requestStop}, {@link #awaitExit}, {@link #breakerState}, {@link #stopPartition},
 * {@link #startPartition}, {@link #startedPartitions}); the rest runs on the worker thread.
 */
final class TargetWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TargetWorker.class);
    private static final long DENIED_PAUSE_MILLIS = 100;

    private static final class Command<T> {
        final Function<TargetWorker, T> action;
        final CompletableFuture<T> future = new CompletableFuture<>();

        Command(Function<TargetWorker, T> action) {
            this.action = action;
        }

        void run(TargetWorker worker) {
            try {
                future.complete(action.apply(worker));
            } catch (StorageFailure e) {
                future.completeExceptionally(e.getCause());
                throw e;
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }

    private final String name;
    private final EngineContext ctx;
    private final CircuitBreaker breaker;
    private final BreakerProbe probe;
    private final TargetMetrics metrics;
    private final LanePartitions partitions;
    /** The target's {@link SyncTarget#concurrentApply()}: false allows one call in flight in all. */
    private final boolean concurrent;
    private final Window window;
    private final OutcomeRecorder recorder;
    private final ApplyRound round;
    /** The target behind the watchdog: every call bounded by {@code targetCallTimeout}. */
    private final BoundedTarget bounded;
    /** The target itself, for the claims of a shared log's partitions ({@link SharedLog}). */
    private final SyncTarget target;
    private final Thread thread;

    private final ConcurrentLinkedQueue<AppendedBatch> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxEntries = new AtomicInteger();
    private final int inboxCap;
    private final ConcurrentLinkedQueue<Command<?>> commands = new ConcurrentLinkedQueue<>();
    /** Calls that returned (or were abandoned), queued by their threads for the worker to judge. */
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    /** Calls started and not yet judged; written by the worker, read by {@link #isIdle}. */
    private final AtomicInteger callsInFlight = new AtomicInteger();
    /** The started partitions, ascending; replaced (never changed) by the worker. */
    private volatile Set<Integer> startedPartitions;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    @GuardedBy("lock")
    private boolean signalled;
    @GuardedBy("lock")
    private boolean exited;
    /** True while the worker waits in {@link #sleep} with no signal pending. */
    @GuardedBy("lock")
    private boolean parked;
    private final Runnable waker = this::signal;
    private final BooleanSupplier idleQuery = this::isIdle;

    private volatile boolean stopRequested;
    private volatile boolean drain;
    /** Null: no deadline (the storage failed, the worker stops at once). */
    private volatile @Nullable Instant drainDeadline;
    /** When the open breaker may be asked again; written on the worker thread by the breaker's event. */
    private volatile @Nullable Instant openUntil;

    // worker-confined
    /** No batch before this (the breaker refused a permission it was expected to give). */
    private @Nullable Instant pauseUntil;
    /** The partition dispatch looks at first; rotates so that no partition is always served last. */
    private int nextPartition;
    private @Nullable Instant nextCheckpointAt;
    private long savedCheckpoint;

    /**
     * @param instrumentation wraps each apply call ({@link Instrumentation#applyBatch});
     *                        {@link Instrumentation#NONE} for a target that observes its entries itself
     */
    TargetWorker(String name, SyncTarget target, EngineContext ctx, TargetMetrics metrics,
                 Instrumentation instrumentation) {
        this.name = name;
        this.ctx = ctx;
        this.metrics = metrics;
        BreakerSettings breakerSettings = ctx.config.breakerFor(name);
        this.breaker = Breakers.create(name, breakerSettings, ctx.time.monotonicClock());
        SplittableRandom random = new SplittableRandom();
        int partitionCount = ctx.config.applyPartitionsFor(name);
        this.partitions = new LanePartitions(partitionCount, ctx.config.maxBatchSize());
        this.concurrent = target.concurrentApply();
        // a shared log's partitions start when this instance is given them (SharedLog)
        boolean shared = ctx.storage.sharedPartitions().isPresent();
        for (int p = 0; p < partitionCount; p++) {
            partitions.get(p).started = !shared;
        }
        this.startedPartitions = shared ? Set.of() : allPartitions(partitionCount);
        this.target = target;
        this.window = new Window(name, ctx.storage, partitions, new EntryDeadlines(ctx.timeline, random),
                ctx.config.windowEntries(), ctx.config.windowBytes(), ctx.config.maxBatchSize());
        this.recorder = new OutcomeRecorder(name, ctx, metrics, window, partitions);
        // a target that takes one call at a time gets one watchdog for all partitions: no call
        // is made while an abandoned one still runs, whatever its partition
        this.bounded = new BoundedTarget(name, target, ctx.config.targetCallTimeout(),
                concurrent ? partitionCount : 1, instrumentation);
        this.probe = new BreakerProbe(name, bounded, breaker, breakerSettings.probeInterval());
        this.round = new ApplyRound(name, bounded, breaker, metrics, recorder, random);
        this.inboxCap = ctx.config.windowEntries();
        this.savedCheckpoint = ctx.storage.checkpoint(name);
        this.thread = new Thread(this::run, "wal4j-worker-" + name);
        this.thread.setDaemon(true);
        breaker.getEventPublisher().onStateTransition(event -> {
            BreakerState from = Breakers.map(event.getStateTransition().getFromState());
            BreakerState to = Breakers.map(event.getStateTransition().getToState());
            if (to == BreakerState.OPEN) {
                Instant now = ctx.time.now();
                // resilience4j half-opens only once the clock is strictly after the open period
                openUntil = now.plus(breakerSettings.openDuration()).plusMillis(1);
                probe.opened(now);
            }
            if (from != to) {
                LOG.info("Circuit breaker of target '{}' went from {} to {}", name, from, to);
                ctx.events.publish(new BreakerStateChanged(ctx.time.wallNow(), name, from, to));
            }
        });
    }

    String name() {
        return name;
    }

    BreakerState breakerState() {
        return Breakers.map(breaker.getState());
    }

    /** Number of apply partitions. */
    int partitionCount() {
        return partitions.count();
    }

    /** The partitions started now, ascending (all, unless some were stopped). Thread-safe. */
    Set<Integer> startedPartitions() {
        return startedPartitions;
    }

    /**
     * Stops dispatching batches of {@code partition}; a call in flight completes and is recorded.
     * Its lanes' entries stay held (and bound the checkpoint) but are neither applied nor expired
     * until {@link #startPartition}. Thread-safe.
     *
     * @return completes once the partition is stopped and has no call in flight
     * @throws IllegalArgumentException if there is no such partition
     */
    // the command answers with a future of its own, composed at once: nothing is left unchecked
    @SuppressWarnings("FutureReturnValueIgnored")
    CompletableFuture<Void> stopPartition(int partition) {
        checkPartition(partition);
        CompletableFuture<CompletableFuture<Void>> stopped = submit(w -> w.markStarted(partition, false));
        return stopped.thenCompose(quiet -> quiet);
    }

    /**
     * Lets {@code partition} dispatch batches again. Thread-safe.
     *
     * @return completes once the worker has started it
     * @throws IllegalArgumentException if there is no such partition
     */
    // the command answers with a future of its own, composed at once: nothing is left unchecked
    @SuppressWarnings("FutureReturnValueIgnored")
    CompletableFuture<Void> startPartition(int partition) {
        checkPartition(partition);
        CompletableFuture<CompletableFuture<Void>> started = submit(w -> w.markStarted(partition, true));
        return started.thenApply(quiet -> null);
    }

    SyncTarget target() {
        return target;
    }

    /**
     * Forgets what the window holds and reads it again from the storage, after the calls in flight
     * are recorded: a shared log's storage now shows another set of partitions. Thread-safe.
     */
    CompletableFuture<Void> reload() {
        return submit(w -> {
            w.rebuildWindow();
            return null;
        });
    }

    /**
     * Starts {@code partition} of a shared log and reloads the window, which passed over its
     * entries while it was another instance's. Thread-safe.
     */
    CompletableFuture<Void> adopt(int partition) {
        checkPartition(partition);
        return submit(w -> {
            w.setStarted(partition, true);
            w.rebuildWindow();
            return null;
        });
    }

    private void rebuildWindow() {
        awaitCallsInFlight();
        window.reset();
        savedCheckpoint = 0; // a shared log keeps each partition's checkpoint; let it see the next candidate
    }

    private void checkPartition(int partition) {
        if (partition < 0 || partition >= partitions.count()) {
            throw new IllegalArgumentException("partition must be between 0 and " + (partitions.count() - 1)
                    + " for target '" + name + "' but was " + partition);
        }
    }

    private CompletableFuture<Void> markStarted(int partition, boolean started) {
        setStarted(partition, started);
        return partitions.get(partition).whenQuiet();
    }

    private void setStarted(int partition, boolean started) {
        partitions.get(partition).started = started;
        Set<Integer> now = new TreeSet<>();
        for (int p = 0; p < partitions.count(); p++) {
            if (partitions.get(p).started) {
                now.add(p);
            }
        }
        startedPartitions = Collections.unmodifiableSet(now);
    }

    private static Set<Integer> allPartitions(int count) {
        Set<Integer> all = new TreeSet<>();
        for (int p = 0; p < count; p++) {
            all.add(p);
        }
        return Collections.unmodifiableSet(all);
    }

    void start() {
        ctx.time.onClockMoved(waker);
        ctx.time.onIdleQuery(idleQuery);
        thread.start();
    }

    /** Hands over entries just appended; dropped (and later read from the storage) if the inbox is full. */
    void offer(AppendedBatch batch) {
        if (inboxEntries.addAndGet(batch.entries().size()) > inboxCap) {
            inboxEntries.addAndGet(-batch.entries().size());
        } else {
            inbox.add(batch);
        }
        signal();
    }

    /**
     * Runs {@code action} on the worker thread between batches.
     *
     * @throws IllegalStateException if called on the worker thread itself (from a listener): the
     *                               call would wait for a round that cannot start
     */
    <T> CompletableFuture<T> submit(Function<TargetWorker, T> action) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("this call cannot be made from a listener running on the worker of "
                    + "target '" + name + "'; hand it to another thread");
        }
        Command<T> command = new Command<>(action);
        commands.add(command);
        lock.lock();
        try {
            if (exited) {
                commands.remove(command);
                command.future.completeExceptionally(
                        new IllegalStateException("the worker of target '" + name + "' has stopped"));
            } else {
                signalled = true;
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return command.future;
    }

    void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks the worker to end: when {@code drain}, after applying what is ready until
     * {@code deadline}; otherwise at once (the storage failed).
     */
    void requestStop(@Nullable Instant deadline, boolean drain) {
        this.drainDeadline = deadline;
        this.drain = drain;
        this.stopRequested = true;
        signal();
    }

    /** Waits until the worker has ended or the clock reaches {@code deadline}; true if it ended. */
    boolean awaitExit(Instant deadline) {
        lock.lock();
        try {
            while (!exited) {
                if (!ctx.time.awaitUntil(wake, deadline)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return exited;
        } finally {
            lock.unlock();
        }
    }

    /** Interrupts a worker stuck in its target and waits briefly; true if it ended. */
    boolean interruptAndJoin(long realMillis) {
        thread.interrupt();
        try {
            thread.join(realMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void run() {
        boolean storageOk = true;
        try {
            loop();
        } catch (StorageFailure e) {
            storageOk = false;
            ctx.failures.storageFailed(e.operation(), e.getCause());
        } catch (RuntimeException | Error e) {
            storageOk = false;
            LOG.error("The worker of target '{}' failed; its draining stops", name, e);
            ctx.failures.storageFailed("worker of target '" + name + "'", e);
        } finally {
            if (storageOk && drain) {
                saveCheckpoint(true);
            }
            ctx.time.removeWaker(waker);
            ctx.time.removeIdleQuery(idleQuery);
            bounded.close();
            for (int p = 0; p < partitions.count(); p++) {
                partitions.get(p).abandonWaiters("the worker of target '" + name + "' stopped with a call of partition "
                        + p + " in flight");
            }
            lock.lock();
            try {
                exited = true;
                wake.signalAll();
            } finally {
                lock.unlock();
            }
            for (Command<?> c = commands.poll(); c != null; c = commands.poll()) {
                c.future.completeExceptionally(new IllegalStateException("the worker of target '" + name
                        + "' has stopped"));
            }
        }
    }

    private void loop() {
        nextCheckpointAt = ctx.time.now().plus(ctx.config.checkpointInterval());
        while (true) {
            if (stopRequested && !drain) {
                return; // calls in flight are not waited for: their entries stay durable
            }
            runCommands();
            takeInbox();
            boolean recorded = takeCompletions();
            Instant now = ctx.time.now();
            expireHeads(now);
            if (!now.isBefore(nextCheckpointAt)) {
                saveCheckpoint(false);
                nextCheckpointAt = now.plus(ctx.config.checkpointInterval());
            }
            boolean pastDeadline = stopRequested && drainDeadline != null && !now.isBefore(drainDeadline);
            Step step = !pastDeadline && breakerAllows(now) ? dispatch(now) : Step.IDLE;
            if (step != Step.IDLE || recorded) {
                continue;
            }
            if (stopRequested && callsInFlight.get() == 0) {
                return; // nothing more is ready and every call is recorded: the rest stays durable
            }
            sleep(now);
        }
    }

    private enum Step { STARTED, LOADED, IDLE }

    /** A call that returned, threw or was abandoned, handed from its thread to the worker. */
    private record Completion(ApplyPartition partition, ApplyRound.Call call) {
    }

    /**
     * Loads what the window can take, then starts a batch on every started partition with no call
     * in flight and a lane ready (one call in all when the target is not concurrent).
     */
    private Step dispatch(Instant now) {
        boolean loaded = window.refillTruncated(now);
        int ready = 0;
        for (int p = 0; p < partitions.count(); p++) {
            ApplyPartition part = partitions.get(p);
            part.scheduler.promoteDue(now);
            if (part.started) {
                ready += part.scheduler.readyLanes();
            }
        }
        loaded |= window.extend(ctx.watermark.get(), ready == 0, now);
        boolean started = false;
        int count = partitions.count();
        for (int i = 0, first = nextPartition; i < count; i++) {
            if (!concurrent && callsInFlight.get() > 0) {
                break;
            }
            ApplyPartition part = partitions.get((first + i) % count);
            if (!part.canStart()) {
                continue;
            }
            List<PendingEntry> batch = part.scheduler.selectBatch(now, part.batchLimit);
            if (batch.isEmpty()) {
                continue;
            }
            if (!round.permit()) {
                round.denied(batch, now);
                if (callsInFlight.get() == 0) {
                    // the breaker's own open period outlasted ours, or no trial call is left: ask
                    // again a little later (with calls in flight, their completion wakes the worker)
                    pauseUntil = now.plusMillis(DENIED_PAUSE_MILLIS);
                }
                break;
            }
            start(part, batch, now);
            started = true;
            nextPartition = (part.index + 1) % count;
        }
        return started ? Step.STARTED : loaded ? Step.LOADED : Step.IDLE;
    }

    /** Starts the call of {@code batch} on its partition; its completion comes back through {@link #completions}. */
    // the callback hands every outcome to the worker; the future whenComplete returns has nothing more in it
    @SuppressWarnings("FutureReturnValueIgnored")
    private void start(ApplyPartition part, List<PendingEntry> batch, Instant now) {
        List<WalEntry> entries = round.entriesOf(batch);
        part.inFlight = batch;
        part.inFlightSince = now;
        callsInFlight.incrementAndGet();
        long startedNanos = System.nanoTime();
        bounded.applyAsync(part.index, entries).whenComplete((result, thrown) -> {
            completions.add(new Completion(part, new ApplyRound.Call(result, thrown,
                    System.nanoTime() - startedNanos)));
            signal();
        });
    }

    /** Judges and records every completed call; true if there was one. */
    private boolean takeCompletions() {
        boolean any = false;
        for (Completion c = completions.poll(); c != null; c = completions.poll()) {
            judge(c);
            any = true;
        }
        return any;
    }

    private void judge(Completion c) {
        ApplyPartition part = c.partition();
        List<PendingEntry> batch = Objects.requireNonNull(part.inFlight, "a completed partition has a call in flight");
        Instant since = Objects.requireNonNull(part.inFlightSince, "a call in flight has a start time");
        PartitionFencedException fenced = fencing(c.call().thrown);
        if (fenced != null) {
            fenced(part, batch, fenced);
            return;
        }
        try {
            switch (round.judge(batch, c.call(), since)) {
                case ALL_APPLIED:
                    part.batchLimit = Math.min(ctx.config.maxBatchSize(), part.batchLimit * 2);
                    break;
                case SPLIT:
                    part.batchLimit = Math.max(1, batch.size() / 2);
                    break;
                case FAILED:
                    break;
            }
        } finally {
            callsInFlight.decrementAndGet();
            part.callRecorded();
        }
    }

    private static @Nullable PartitionFencedException fencing(@Nullable Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PartitionFencedException) {
                return (PartitionFencedException) t;
            }
        }
        return null;
    }

    /**
     * Another instance claimed the partition of this batch: nothing of it was applied and nothing
     * is recorded. The partition stops here; its lanes stay held (busy) until the storage takes
     * the partition away and the window is reloaded ({@link #reload}).
     */
    private void fenced(ApplyPartition part, List<PendingEntry> batch, PartitionFencedException e) {
        LOG.warn("Target '{}' refused a batch of {} entries of partition {}: another instance owns it now ({}); "
                + "this instance stops applying it and records nothing for the batch", name, batch.size(), part.index,
                e.getMessage());
        round.fenced();
        callsInFlight.decrementAndGet();
        setStarted(part.index, false);
        part.callRecorded();
    }

    /**
     * Waits for every call in flight and records it: before the window is rebuilt under them.
     * Bounded by the watchdog ({@code targetCallTimeout}), which abandons a call that does not return.
     */
    private void awaitCallsInFlight() {
        while (callsInFlight.get() > 0) {
            Completion c = completions.poll();
            if (c != null) {
                judge(c);
                continue;
            }
            lock.lock();
            try {
                while (completions.isEmpty()) {
                    wake.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the worker of target '" + name
                        + "' was interrupted while it waited for its calls in flight", e);
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean breakerAllows(Instant now) {
        if (pauseUntil != null && now.isBefore(pauseUntil)) {
            return false;
        }
        if (breaker.getState() != CircuitBreaker.State.OPEN) {
            return true;
        }
        Instant until = openUntil;
        return until == null || !now.isBefore(until) || probe.halfOpenIfBack(now);
    }

    private void sleep(Instant now) {
        Instant wakeAt = null;
        for (int p = 0; p < partitions.count(); p++) {
            ApplyPartition part = partitions.get(p);
            if (part.started) {
                wakeAt = Timekeeper.earliest(wakeAt, part.scheduler.nextWakeAt());
            }
        }
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            wakeAt = Timekeeper.earliest(wakeAt, openUntil);
            wakeAt = Timekeeper.earliest(wakeAt, probe.nextProbeAt());
        }
        wakeAt = Timekeeper.earliest(wakeAt, nextCheckpointAt);
        if (pauseUntil != null && pauseUntil.isAfter(now)) {
            wakeAt = Timekeeper.earliest(wakeAt, pauseUntil);
        }
        if (wakeAt != null && !wakeAt.isAfter(now)) {
            wakeAt = null; // already due but nothing could be done: wait for a signal or one slice
        }
        lock.lock();
        try {
            if (!signalled) {
                parked = true;
                try {
                    ctx.time.awaitUntil(wake, wakeAt);
                } finally {
                    parked = false;
                }
            }
            signalled = false;
        } catch (InterruptedException e) {
            drain = false;
            stopRequested = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * True if the worker has ended, or waits for the time or a signal with nothing pending: no
     * signal, command, new entry or call in flight. Its last round then ran with the current time, and it does
     * nothing more until the time moves or someone calls it; see {@link SteppedClock#onIdleQuery}.
     */
    private boolean isIdle() {
        lock.lock();
        try {
            return exited || (parked && !signalled && commands.isEmpty() && inbox.isEmpty() && completions.isEmpty()
                    && callsInFlight.get() == 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the commands that were waiting when the round began, not those submitted meanwhile: a
     * caller that submits one command after another (as tests do to wait for a full round) then
     * knows that the round between them read the time after its first command.
     */
    private void runCommands() {
        for (int waiting = commands.size(); waiting > 0; waiting--) {
            Command<?> c = commands.poll();
            if (c == null) {
                return;
            }
            c.run(this);
        }
    }

    private void takeInbox() {
        for (AppendedBatch b = inbox.poll(); b != null; b = inbox.poll()) {
            inboxEntries.addAndGet(-b.entries().size());
            window.stage(b);
        }
    }

    /** Expires the heads of the started partitions' lanes whose time to live ended. */
    private void expireHeads(Instant now) {
        for (int p = 0; p < partitions.count(); p++) {
            ApplyPartition part = partitions.get(p);
            if (part.started) {
                expireHeads(part.scheduler, now);
            }
        }
    }

    private void expireHeads(LaneScheduler scheduler, Instant now) {
        for (List<Lane> lanes = scheduler.expiredHeads(now); !lanes.isEmpty(); lanes = scheduler.expiredHeads(now)) {
            List<Effect> effects = new ArrayList<>(lanes.size());
            for (Lane lane : lanes) {
                PendingEntry head = Objects.requireNonNull(lane.head(), "an expiring lane has a head");
                effects.add(new Effect(head, Kind.EXPIRED, head.attempts, "time to live ended at "
                        + ctx.time.toWall(Objects.requireNonNull(head.expiresAt, "an expired head has a time to live")),
                        null));
            }
            recorder.record(effects, now);
        }
    }

    // the callback handles the save's failure; the future whenComplete returns would only repeat it
    @SuppressWarnings("FutureReturnValueIgnored")
    private void saveCheckpoint(boolean wait) {
        long candidate = window.checkpointCandidate();
        if (candidate <= savedCheckpoint) {
            return;
        }
        try {
            CompletableFuture<Void> saved = ctx.storage.saveCheckpoint(name, candidate);
            savedCheckpoint = candidate;
            if (wait) {
                org.wal4j.spi.WalStorage.await(saved);
            } else {
                saved.whenComplete((ok, failure) -> {
                    if (failure != null) {
                        ctx.failures.storageFailed("checkpoint", failure);
                    }
                });
            }
        } catch (RuntimeException e) {
            if (wait) {
                LOG.warn("Could not save the checkpoint {} of target '{}' on stop", candidate, name, e);
            } else {
                throw new StorageFailure("checkpoint", e);
            }
        }
    }

    // ---- commands, run on the worker thread ----

    /**
     * Makes the given entries PENDING again (attempts reset) where their status for this target
     * passes {@code eligible}, and rebuilds the window so they take their place in their lanes.
     * Waits first for the calls in flight and records them: a rebuild under a call would lose or
     * double its outcome.
     *
     * @return the sequence numbers changed, in order
     */
    List<Long> makePending(List<WalEntry> entries, Predicate<EntryStatus> eligible, String reason) {
        awaitCallsInFlight();
        Instant now = ctx.time.wallNow();
        List<StatusRecord> records = new ArrayList<>();
        List<Long> changed = new ArrayList<>();
        List<WalEntry> pending = new ArrayList<>();
        long bytes = 0;
        long fromDead = 0;
        for (WalEntry e : entries) {
            EntryStatus status = ctx.storage.status(e.seq(), name).orElse(null);
            if (status != null && eligible.test(status)) {
                records.add(new StatusRecord(e.seq(), name, EntryStatus.PENDING, 0, now, reason));
                changed.add(e.seq());
                pending.add(e);
                bytes += AppendChecks.utf8Length(e.payload());
                fromDead += status == EntryStatus.DEAD ? 1 : 0;
            }
        }
        if (!records.isEmpty()) {
            appendStatus(records);
            ctx.backpressure.add(name, pending, bytes);
            metrics.deadLetters.addAndGet(-fromDead);
            window.reset();
        }
        return changed;
    }

    /** Marks the given dead letters DISCARDED; returns the sequence numbers changed. */
    List<Long> discard(List<WalEntry> entries, String reason) {
        Instant now = ctx.time.wallNow();
        List<StatusRecord> records = new ArrayList<>();
        List<Long> changed = new ArrayList<>();
        for (WalEntry e : entries) {
            if (ctx.storage.status(e.seq(), name).orElse(null) == EntryStatus.DEAD) {
                records.add(new StatusRecord(e.seq(), name, EntryStatus.DISCARDED, 0, now, reason));
                changed.add(e.seq());
            }
        }
        if (!records.isEmpty()) {
            appendStatus(records);
            metrics.deadLetters.addAndGet(-records.size());
        }
        return changed;
    }

    /**
     * The lane's unfinished entries up to {@code upto} if the window knows them all, else null;
     * with {@code boost}, the lane is served before all others and its retry backoffs are cut
     * (delivery delays are kept).
     */
    @Nullable List<WalEntry> laneQuery(LaneId key, long upto, boolean boost) {
        Instant now = ctx.time.now();
        if (ctx.storage.sharedPartitions().isPresent() && !partitions.get(partitions.partitionOf(key)).started) {
            return null; // another instance applies this lane: only the storage knows its entries
        }
        Lane lane = window.lane(key);
        if (boost && lane != null) {
            boost(lane, upto, now);
        }
        return window.laneEntries(key, upto);
    }

    /** A lane to boost through a seq. */
    private record Boost(Lane lane, long through) {
    }

    /**
     * Boosts {@code lane} through {@code upto} and, since an entry of several lanes waits for the
     * earlier entries of each, every other lane of such an entry through that entry, and so on:
     * flushing the credited account of a transfer also hurries the debited account's backlog
     * before it.
     */
    private void boost(Lane first, long upto, Instant now) {
        ArrayDeque<Boost> todo = new ArrayDeque<>();
        todo.add(new Boost(first, upto));
        List<Lane> touched = new ArrayList<>();
        while (!todo.isEmpty()) {
            Boost b = todo.poll();
            Lane lane = b.lane();
            if (lane != first && lane.boostThrough >= b.through()) {
                continue;
            }
            lane.boostThrough = Math.max(lane.boostThrough, b.through());
            touched.add(lane);
            for (PendingEntry p : lane.entries) {
                if (p.seq() > b.through()) {
                    break;
                }
                if (p.attempts > 0 && p.dueAt.isAfter(now)) {
                    p.dueAt = now;
                }
                for (Lane other : p.lanes) {
                    if (other != lane && other.boostThrough < p.seq()) {
                        todo.add(new Boost(other, p.seq()));
                    }
                }
            }
        }
        for (Lane lane : touched) {
            if (!lane.busy) {
                partitions.schedule(lane, now);
            }
        }
    }

    private void appendStatus(List<StatusRecord> records) {
        try {
            ctx.storage.appendStatus(records);
        } catch (RuntimeException e) {
            throw new StorageFailure("status", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder parts = new StringBuilder();
        for (int p = 0; p < partitions.count(); p++) {
            parts.append(p == 0 ? "" : ", ").append(partitions.get(p));
        }
        return "TargetWorker{" + name + ", " + window + ", callsInFlight=" + callsInFlight.get() + ", partitions=["
                + parts + "]}";
    }
}
