package org.wal4j.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.AccessPolicy;
import org.wal4j.AuditSink;
import org.wal4j.EntryOutcome;
import org.wal4j.LaneId;
import org.wal4j.TargetStats;
import org.wal4j.Ticker;
import org.wal4j.UserContext;
import org.wal4j.WalAdmin;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.WalState;
import org.wal4j.WalStats;
import org.wal4j.WalUnavailableException;
import org.wal4j.WriteResult;
import org.wal4j.event.LatencyListener;
import org.wal4j.event.StorageFailed;
import org.wal4j.event.WalListener;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.StorageState;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * The machinery behind {@link org.wal4j.Wal}: its state, threads and parts. Not an API: use
 * {@code Wal}. Public only because {@code Wal} lives in another package.
 *
 * <h2>Threads</h2>
 * One worker per target ({@link TargetWorker}); one timer ({@link ClockScheduler}) for
 * timeouts, compaction and key pruning; one callback thread that answers asynchronous writes and
 * waiters, so that no user code runs on the storage's writer or on a worker. Writers run on their
 * own threads up to the append.
 *
 * <h2>States</h2>
 * <pre>
 *   NEW ──start()──► RUNNING ──stop()──► STOPPING ──► STOPPED
 *                      │                    ▲
 *                      └─storage failure─► FAILED ──stop()
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class WalEngine {
    private static final Logger LOG = LoggerFactory.getLogger(WalEngine.class);

    private final WalStorage storage;
    private final WalConfig config;
    private final Timekeeper time;
    private final EventBus events;
    private final Backpressure backpressure;
    private final ClockScheduler timer;
    private final ExecutorService callbacks;
    private final CompletionTracker tracker;
    private final IdempotencyRegistry registry = new IdempotencyRegistry();
    private final Map<String, TargetWorker> workers = new LinkedHashMap<>();
    private final Map<String, TargetMetrics> metrics = new LinkedHashMap<>();
    private final EngineContext ctx;
    private final WritePath writes;
    private final DeadLetterQueue deadLetters;
    private final ReplayRunner replays;
    private final Maintenance maintenance;
    private final ReadYourWrites reads;
    /** Present when the storage is shared by several instances. */
    private final @Nullable SharedLog shared;

    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition idle = stateLock.newCondition();
    @GuardedBy("stateLock")
    private WalState state = WalState.NEW;
    /** Why the Wal failed; set when {@link #state} becomes FAILED, null before. */
    @GuardedBy("stateLock")
    private @Nullable String failure;
    @GuardedBy("stateLock")
    private int inFlight;

    private WalEngine(WalStorage storage, Map<String, SyncTarget> targets, WalConfig config, Clock clock,
                      Ticker ticker, AccessPolicy policy, AuditSink auditSink, List<WalListener> listeners,
                      Instrumentation instrumentation) {
        this.storage = storage;
        this.config = config;
        this.time = new Timekeeper(clock, ticker);
        this.events = new EventBus(listeners);
        this.backpressure = new Backpressure(List.copyOf(targets.keySet()), config.maxUnfinishedEntries(),
                config.maxUnfinishedBytes(), time);
        this.timer = new ClockScheduler(time, "wal4j-timer");
        this.callbacks = callbackExecutor();
        this.tracker = new CompletionTracker(storage, timer, time, callbacks);
        checkSharedPartitions(storage, targets.keySet(), config);
        this.ctx = new EngineContext(storage, config, time, events, backpressure, tracker,
                new AckWatermark(storage.lastSeq()), this::storageFailed, instrumentation);
        targets.forEach((name, target) -> {
            target.attach(config);
            boolean observesEntries = instrumentation != Instrumentation.NONE && target.observeEntries(instrumentation);
            TargetMetrics m = new TargetMetrics(name, ctx.latencies);
            metrics.put(name, m);
            workers.put(name, new TargetWorker(name, target, ctx, m,
                    observesEntries ? Instrumentation.NONE : instrumentation));
        });
        AuditTrail audit = new AuditTrail(auditSink, time);
        AccessGuard guard = new AccessGuard(policy, audit);
        this.writes = new WritePath(ctx, guard, audit, registry, List.copyOf(workers.values()), callbacks, new Gate());
        this.deadLetters = new DeadLetterQueue(storage, Collections.unmodifiableMap(workers), guard, audit);
        this.replays = new ReplayRunner(storage, Collections.unmodifiableMap(workers), guard, audit);
        this.maintenance = new Maintenance(ctx, List.copyOf(targets.keySet()), registry);
        this.reads = new ReadYourWrites(storage, Collections.unmodifiableMap(workers), tracker, time,
                () -> state() == WalState.RUNNING);
        this.shared = storage.sharedPartitions().isPresent()
                ? new SharedLog(ctx, List.copyOf(workers.values()), storage.sharedPartitions().getAsInt(),
                        registry)
                : null;
    }

    /** A shared log is divided by partition among its instances: every target must use its partitions. */
    private static void checkSharedPartitions(WalStorage storage, Collection<String> targets, WalConfig config) {
        if (storage.sharedPartitions().isEmpty()) {
            return;
        }
        int required = storage.sharedPartitions().getAsInt();
        for (String target : targets) {
            if (config.applyPartitionsFor(target) != required) {
                throw new IllegalArgumentException("target '" + target + "' has " + config.applyPartitionsFor(target)
                        + " apply partitions but the shared log " + storage + " is divided into " + required
                        + ": set wal.apply.partitions (or WalConfig.Builder.applyPartitions) to " + required);
            }
        }
    }

    /**
     * Creates an engine in state NEW; the arguments are checked by {@code Wal.Builder}.
     *
     * @param clock  the wall clock: stamps people read
     * @param ticker monotonic time: every delay, backoff, open period, countdown and timeout
     */
    public static WalEngine create(WalStorage storage, Map<String, SyncTarget> targets, WalConfig config, Clock clock,
                                   Ticker ticker, AccessPolicy policy, AuditSink audit, List<WalListener> listeners,
                                   Instrumentation instrumentation) {
        return new WalEngine(storage, targets, config, clock, ticker, policy, audit, listeners, instrumentation);
    }

    private static ExecutorService callbackExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "wal4j-callbacks");
                    t.setDaemon(true);
                    return t;
                }, (task, pool) -> task.run()); // after shutdown, answer on the caller's thread
        return executor;
    }

    /** The wall clock's time: what a new entry's {@code createdAt} is stamped with. */
    public Instant now() {
        return time.wallNow();
    }

    public WalConfig config() {
        return config;
    }

    public List<String> targetNames() {
        return List.copyOf(workers.keySet());
    }

    public WalState state() {
        stateLock.lock();
        try {
            return state;
        } finally {
            stateLock.unlock();
        }
    }

    /** Adds a listener while the Wal is NEW; atomic with {@link #start()}, so none misses an event. */
    public void addListenerBeforeStart(WalListener listener) {
        stateLock.lock();
        try {
            if (state != WalState.NEW) {
                throw new IllegalStateException("a listener can be added only before start(), but the Wal is " + state
                        + ": a listener added now would miss the events of entries already under way; add it with "
                        + "Wal.Builder.listener, or wire it before start()");
            }
            events.add(listener);
        } finally {
            stateLock.unlock();
        }
    }

    /** Adds a latency listener, at any time. */
    public void addLatencyListener(LatencyListener listener) {
        ctx.latencies.add(listener);
    }

    /** Removes a latency listener; false if it was not added. */
    public boolean removeLatencyListener(LatencyListener listener) {
        return ctx.latencies.remove(listener);
    }

    // ---- life cycle ----

    public void start() {
        RuntimeException attachFailed = null;
        stateLock.lock();
        try {
            if (state != WalState.NEW) {
                throw new IllegalStateException("start() called on a Wal in state " + state
                        + "; a Wal starts once: build a new one");
            }
            StorageState storageState = storage.stats().state();
            if (storageState != StorageState.OPEN) {
                throw new WalUnavailableException("Cannot start the Wal: its storage is " + storageState);
            }
            StartupScan.run(storage, registry, backpressure, Collections.unmodifiableMap(metrics),
                    time.wallNow().minus(config.retention()));
            timer.start();
            timer.scheduleEvery(config.compactionInterval(), () -> {
                maintenance.pruneKeys();
                maintenance.compactQuietly();
                forgetFinishedAppends();
            });
            workers.values().forEach(TargetWorker::start);
            state = WalState.RUNNING; // seen by no other thread before the lock is released
            if (shared != null) {
                try {
                    storage.attach(shared);
                } catch (RuntimeException e) {
                    attachFailed = e;
                }
            }
        } finally {
            stateLock.unlock();
        }
        if (attachFailed != null) {
            // the storage refused to join its group (another group's log, Kafka unreachable): what
            // start() began stops as a running Wal's does, and the Wal cannot be started again
            stop(Duration.ZERO);
            throw attachFailed;
        }
    }

    public boolean stop(Duration timeout) {
        WalState was;
        stateLock.lock();
        try {
            was = state;
            if (was == WalState.STOPPED || was == WalState.STOPPING) {
                return true;
            }
            state = WalState.STOPPING;
        } finally {
            stateLock.unlock();
        }
        if (was == WalState.NEW) {
            closeStorage();
            setState(WalState.STOPPED);
            return true;
        }
        Instant deadline = time.now().plus(timeout);
        backpressure.wakeAll();
        awaitWritesDone(deadline);
        boolean drain = was == WalState.RUNNING;
        workers.values().forEach(w -> w.requestStop(deadline, drain));
        boolean inTime = true;
        for (TargetWorker worker : workers.values()) {
            if (!worker.awaitExit(deadline)) {
                inTime = false;
                if (!worker.interruptAndJoin(1000)) {
                    LOG.warn("The worker of target '{}' did not stop within {}; it is left to end on its own",
                            worker.name(), timeout);
                }
            }
        }
        timer.stop(Duration.ofSeconds(1));
        tracker.closeAll();
        callbacks.shutdown();
        if (shared != null) {
            shared.close(); // before the storage leaves its group: the stopped workers take no partition back
        }
        closeStorage();
        setState(WalState.STOPPED);
        return inTime;
    }

    private void awaitWritesDone(Instant deadline) {
        Runnable waker = this::wakeIdle;
        time.onClockMoved(waker);
        stateLock.lock();
        try {
            while (inFlight > 0 && time.awaitUntil(idle, deadline)) {
                // loop: re-check after every wake-up
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stateLock.unlock();
            time.removeWaker(waker);
        }
    }

    private void wakeIdle() {
        stateLock.lock();
        try {
            idle.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    private void closeStorage() {
        try {
            storage.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the storage failed", e);
        }
    }

    private void setState(WalState next) {
        stateLock.lock();
        try {
            state = next;
        } finally {
            stateLock.unlock();
        }
    }

    /** The first storage failure stops acceptance of writes and all draining. */
    void storageFailed(String operation, Throwable cause) {
        stateLock.lock();
        try {
            if (state != WalState.RUNNING) {
                LOG.debug("Storage failure during {} while {}", operation, state, cause);
                return;
            }
            state = WalState.FAILED;
            failure = "the storage failed during " + operation + ": " + cause;
        } finally {
            stateLock.unlock();
        }
        LOG.error("wal4j stops accepting writes: the storage failed during {}", operation, cause);
        workers.values().forEach(w -> w.requestStop(null, false));
        backpressure.wakeAll();
        events.publish(new StorageFailed(time.wallNow(), operation, cause));
    }

    private final class Gate implements WritePath.Gate {
        @Override
        public void enter() {
            stateLock.lock();
            try {
                checkAccepting();
                inFlight++;
            } finally {
                stateLock.unlock();
            }
        }

        @Override
        public void leave() {
            stateLock.lock();
            try {
                if (--inFlight == 0) {
                    idle.signalAll();
                }
            } finally {
                stateLock.unlock();
            }
        }

        @Override
        public void check() {
            stateLock.lock();
            try {
                checkAccepting();
            } finally {
                stateLock.unlock();
            }
        }
    }

    @GuardedBy("stateLock")
    private void checkAccepting() {
        switch (state) {
            case RUNNING:
                return;
            case NEW:
                throw new IllegalStateException("The Wal is not started; call start() first");
            case FAILED:
                throw new WalUnavailableException("The Wal refuses writes: " + failure
                        + "; reopen the storage and build a new Wal");
            default:
                throw new IllegalStateException("The Wal is " + state + "; writes are refused");
        }
    }

    private void requireRunning(String what) {
        WalState s = state();
        if (s != WalState.RUNNING) {
            throw new IllegalStateException(what + " needs a running Wal, but it is " + s);
        }
    }

    /**
     * The worker of {@code target}: its apply partitions can be stopped and started (the seam a
     * storage that moves partitions between instances will use; tests use it now).
     *
     * @throws IllegalArgumentException if there is no such target
     */
    TargetWorker worker(String target) {
        TargetWorker worker = workers.get(target);
        if (worker == null) {
            throw new IllegalArgumentException("no target '" + target + "'; targets: " + workers.keySet());
        }
        return worker;
    }

    // ---- writes ----

    public CompletableFuture<List<WriteResult>> write(List<WalEntry> entries, UserContext user, boolean callerWaits) {
        for (WalEntry e : entries) {
            for (String target : e.targets()) {
                if (!workers.containsKey(target)) {
                    throw new IllegalArgumentException("entry " + e.id() + " names target '" + target
                            + "', which this Wal does not have; targets are " + workers.keySet());
                }
            }
        }
        return writes.write(entries, user, callerWaits);
    }

    public void forceSync() {
        WalStorage.await(storage.sync());
    }

    // ---- read your writes ----

    /** Completes when entry {@code seq} is settled for {@code target}, or for every target it names if null. */
    public CompletableFuture<EntryOutcome> awaitApplied(long seq, @Nullable String target, Duration timeout) {
        return reads.awaitApplied(seq, target, timeout);
    }

    /** Completes when every entry written so far is settled for every target it names. */
    public CompletableFuture<Void> awaitAll(Duration timeout) {
        return reads.awaitAll(timeout);
    }

    /**
     * Completes when every entry of the lane written so far is settled for every target; with
     * {@code boost} the lane is served first.
     */
    public CompletableFuture<List<EntryOutcome>> awaitLane(LaneId lane, Duration timeout, boolean boost) {
        return reads.awaitLane(lane, null, timeout, boost);
    }

    /** {@link #awaitLane(LaneId, Duration, boolean)} for one target only. */
    public CompletableFuture<List<EntryOutcome>> awaitLane(LaneId lane, String target, Duration timeout,
                                                           boolean boost) {
        return reads.awaitLane(lane, target, timeout, boost);
    }

    /** The lane's entries not yet finished (PENDING or RETRYING) for some target, in seq order. */
    public List<WalEntry> unfinishedEntries(LaneId lane) {
        return reads.unfinishedEntries(lane);
    }

    // ---- administration ----

    /** The administrative operations, checked and audited as {@code user}. */
    public WalAdmin admin(UserContext user) {
        return new Administration(user, this::requireRunning, deadLetters, replays, maintenance);
    }

    // ---- stats ----

    public WalStats stats() {
        StorageStats storageStats = storage.stats();
        Map<String, TargetStats> targets = new LinkedHashMap<>();
        for (TargetWorker worker : workers.values()) {
            String name = worker.name();
            TargetMetrics m = Objects.requireNonNull(metrics.get(name), "every worker has its metrics");
            Backpressure.Backlog backlog = backpressure.backlog(name);
            // a shared log's backpressure counts this instance's writes; its lag is the whole log's
            long lag = shared == null ? backlog.entries()
                    : storageStats.unfinishedByTarget().getOrDefault(name, 0L);
            targets.put(name, new TargetFigures(name, worker.breakerState(), lag, backlog.bytes(),
                    backlog.lagSeconds(), backlog.namespaces(), m.deadLetters.get(), storage.checkpoint(name),
                    m.applied.get(), m.retried.get(), m.deadLettered.get(), m.rejected.get(), m.expired.get(), m.attempts.get(),
                    m.calls.get(), m.applyLatency.percentile(0.5) / 1000, m.applyLatency.percentile(0.99) / 1000,
                    m.applyLatency.percentile(0.999) / 1000));
        }
        long[] largest = backpressure.largest();
        return new WalFigures(state(), storageStats.lastSeq(), largest[0], largest[1], storageStats.deadLetters(),
                writes.writes.get(), writes.duplicates.get(), writes.latency.percentile(0.5) / 1000,
                writes.latency.percentile(0.99) / 1000, writes.latency.percentile(0.999) / 1000, registry.size(),
                targets, storageStats);
    }

    /** Lets the timeline forget the appends every target has finished with. */
    private void forgetFinishedAppends() {
        long lowest = storage.lastSeq() + 1;
        for (String target : workers.keySet()) {
            List<TrackedEntry> oldest = storage.unfinished(target, 0, 1);
            if (!oldest.isEmpty()) {
                lowest = Math.min(lowest, oldest.get(0).entry().seq());
            }
        }
        ctx.timeline.forgetBelow(lowest);
    }
}
