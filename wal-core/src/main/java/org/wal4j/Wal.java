package org.wal4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.wal4j.event.LatencyListener;
import org.wal4j.event.WalListener;
import org.wal4j.internal.WalEngine;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.Names;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.WalStorage;

/**
 * The write-ahead log manager: writes entries durably to a {@link WalStorage}, then applies them
 * to one or more named {@link SyncTarget}s in the background, in order per lane, exactly once in
 * effect with targets that honour idempotency keys, however long a target is down.
 *
 * <pre>{@code
 * Wal wal = Wal.builder(storage)
 *         .target(primaryTarget)                 // named by primaryTarget.name()
 *         .config(WalConfig.fromEnvironment())
 *         .build()
 *         .start();
 * WriteResult r = wal.write(WalEntry.builder("accounts", "debit").key("acct-42").payload(mapper, debit));
 * wal.as(alice).write(WalEntry.builder("accounts", "credit").key("acct-42").payload(mapper, credit));
 * wal.admin().requeue(DeadLetterFilter.builder().target("primary").build());
 * }</pre>
 *
 * <h2>Shape</h2>
 * Writes, read-your-writes and figures are here; what an operator does rarely (dead letters,
 * replay, re-apply, compaction) is behind {@link #admin()}. Everything here acts as the
 * {@link UserContext#system() system}; {@link #as(UserContext)} gives a {@link WalView} that
 * writes and administers as one user, checked by the {@link AccessPolicy} and audited with
 * that user. {@code Wal} is a final class rather than an interface: users never implement it,
 * its only factory is {@link #builder}, and a method added later breaks no implementor.
 *
 * <h2>What it guarantees</h2>
 * See {@code docs/guarantees.md}. In short: a write that returns is in the log (forced, with the
 * storage's {@link SyncPolicy#ALWAYS}); every entry is delivered to every target it names until
 * the target applies it, it is dead-lettered (permanent failure or attempts exhausted), or its
 * time to live passes; entries of one (namespace, key) lane are applied in write order, and a
 * dead or expired entry lets its lane move on; other lanes never wait for it.
 *
 * <h2>Threads</h2>
 * One worker thread per target applies batches; a timer thread runs timeouts and maintenance; a
 * callback thread completes asynchronous results. Listeners run on the worker threads.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class Wal implements AutoCloseable {
    private final WalEngine engine;
    private final ObjectMapper mapper;
    private final WalView system;

    private Wal(WalEngine engine, ObjectMapper mapper) {
        this.engine = engine;
        this.mapper = mapper;
        this.system = new WalView(engine, UserContext.system());
    }

    /**
     * Starts a Wal on {@code storage}. The Wal owns the storage from then on: it must be its only
     * writer (its workers load new entries as the Wal's own appends are acknowledged), and it closes
     * the storage on {@link #stop}.
     */
    public static Builder builder(WalStorage storage) {
        return new Builder(storage);
    }

    // ---- life cycle ----

    /**
     * Rebuilds the idempotency keys and backlog counts from the log (one pass over it) and starts
     * the workers. A Wal starts once. On a shared log ({@link WalStorage#sharedPartitions()}) it
     * then attaches to the storage, which joins its instances' group; if the storage refuses, the
     * Wal is stopped (its storage closed) and the storage's exception is thrown.
     *
     * @return this
     * @throws IllegalStateException   if already started, or a shared log refused to attach it
     * @throws WalUnavailableException if the storage is not open
     */
    public Wal start() {
        engine.start();
        return this;
    }

    /**
     * Stops accepting writes, lets the workers apply what is ready until {@code timeout} (monotonic
     * time) passes, saves the checkpoints and closes the storage. Entries not applied stay durable
     * in the log for the next start. Futures still waiting complete with the statuses as they are.
     *
     * @return true if every worker ended within the timeout
     */
    public boolean stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        return engine.stop(timeout);
    }

    /** {@link #stop(Duration)} with {@link WalConfig#stopTimeout()}. */
    @Override
    public void close() {
        stop(engine.config().stopTimeout());
    }

    public WalState state() {
        return engine.state();
    }

    public WalConfig config() {
        return engine.config();
    }

    /** The target names, in the order they were added. */
    public List<String> targets() {
        return engine.targetNames();
    }

    /** The mapper for payload objects, as set with {@link Builder#objectMapper}; the JDBC repository writes arguments with it. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Adds a listener before {@link #start()}, for a part wired to a built Wal (the JDBC
     * repository); a listener added later would miss the events of entries already under way, so
     * it is refused. Prefer {@link Builder#listener}.
     *
     * @throws IllegalStateException if the Wal is no longer {@link WalState#NEW}
     */
    public void addListener(WalListener listener) {
        engine.addListenerBeforeStart(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /**
     * Adds a listener of the latencies this Wal measures (each write's, each apply call's), at any
     * time, until {@link #removeListener(LatencyListener) removed}: for a metrics library that keeps
     * histograms of its own. See {@link LatencyListener} for the threads that call it.
     */
    public void addListener(LatencyListener listener) {
        engine.addLatencyListener(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /**
     * Removes a latency listener added with {@link #addListener(LatencyListener)}.
     *
     * @return false if it was not added (or already removed)
     */
    public boolean removeListener(LatencyListener listener) {
        return engine.removeLatencyListener(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /**
     * A view of this Wal acting as {@code user}: its writes are checked by the
     * {@link AccessPolicy}, stamped with the user's tenant and id, and audited; its
     * {@link WalView#admin() admin()} acts as that user too.
     */
    public WalView as(UserContext user) {
        return new WalView(engine, Objects.requireNonNull(user, "user must not be null"));
    }

    /** The administrative operations (dead letters, replay, re-apply, compaction), as the system. */
    public WalAdmin admin() {
        return system.admin();
    }

    // ---- writes, as the system; see as(user) for a user ----

    /** {@link WalView#write} as the {@link UserContext#system() system}. */
    public WriteResult write(WalEntry.Builder entry) {
        return system.write(entry);
    }

    /** {@link WalView#writeAsync} as the system. */
    public CompletableFuture<WriteResult> writeAsync(WalEntry.Builder entry) {
        return system.writeAsync(entry);
    }

    /** {@link WalView#writeBatch} as the system. */
    public List<WriteResult> writeBatch(List<WalEntry.Builder> entries) {
        return system.writeBatch(entries);
    }

    /** {@link WalView#writeBatchAsync} as the system. */
    public CompletableFuture<List<WriteResult>> writeBatchAsync(List<WalEntry.Builder> entries) {
        return system.writeBatchAsync(entries);
    }

    /** Forces everything written so far to stable storage. */
    public void forceSync() {
        engine.forceSync();
    }

    // ---- read your writes ----

    /**
     * Completes when entry {@code seq} is settled (terminal: APPLIED, REJECTED, DEAD, EXPIRED or
     * DISCARDED) for every target it names, with the statuses; {@link EntryOutcome#applied()} tells whether
     * all applied it. After {@code timeout} of monotonic time (the Wal's {@link Ticker}, not the
     * wall clock) it completes exceptionally with a {@link TimeoutException} naming the statuses.
     * It completes on a wal4j callback thread.
     *
     * @throws IllegalArgumentException if {@code seq} was never assigned
     */
    public CompletableFuture<EntryOutcome> awaitApplied(long seq, Duration timeout) {
        return engine.awaitApplied(seq, null, Objects.requireNonNull(timeout, "timeout must not be null"));
    }

    /**
     * Completes when every entry written before this call, by any thread, is settled for every
     * target it names: applied, or rejected, dead-lettered, expired or discarded (terminal: it will not be
     * applied without an operator; {@link WalStats} and the dead-letter queue tell which). The wait
     * for a call that returned no seq (a void {@code DurableRepository} method), for a test, or for
     * a drain before a planned switch-over. After {@code timeout} of monotonic time it completes
     * exceptionally with a {@link TimeoutException} naming the first entry still open (a target
     * that is down holds it). It completes on a wal4j callback thread.
     */
    public CompletableFuture<Void> awaitAllApplied(Duration timeout) {
        return engine.awaitAll(Objects.requireNonNull(timeout, "timeout must not be null"));
    }

    /** {@link #awaitApplied(long, Duration)} for one target only. */
    public CompletableFuture<EntryOutcome> awaitApplied(long seq, String target, Duration timeout) {
        Objects.requireNonNull(target, "target must not be null");
        return engine.awaitApplied(seq, target, Objects.requireNonNull(timeout, "timeout must not be null"));
    }

    /**
     * Completes when every entry of {@code lane} written before this call is settled for every
     * target, with their outcomes in seq order; exceptionally with a {@link TimeoutException}
     * after {@code timeout}.
     */
    public CompletableFuture<List<EntryOutcome>> awaitApplied(LaneId lane, Duration timeout) {
        Objects.requireNonNull(lane, "lane must not be null");
        return engine.awaitLane(lane, Objects.requireNonNull(timeout, "timeout must not be null"), false);
    }

    /**
     * Applies {@code lane}'s pending entries before a read: serves the lane ahead of all others
     * (cutting any retry backoff, keeping delivery delays) and waits until every entry of it
     * written before this call is settled for every target, or {@code timeout} passes. The boost
     * acts on the entries a target's worker holds in its window; a lane behind a backlog larger
     * than {@link WalConfig#windowEntries()} is served when the window reaches it. The timeout
     * bounds the whole call: a worker inside a batch answers which entries the lane has only
     * between batches, and past the timeout the storage's index of unfinished entries is asked
     * instead (it reads those entries, so it costs more with a large backlog). Do not call it
     * from a listener: listeners run on the workers, and a worker waiting for itself stalls until
     * the timeout.
     *
     * @return true if the lane is settled (a dead-lettered or expired entry counts as settled: it
     *         will not be applied without an operator), false on timeout
     */
    public boolean flushLane(LaneId lane, Duration timeout) {
        Objects.requireNonNull(lane, "lane must not be null");
        return settled(engine.awaitLane(lane, Objects.requireNonNull(timeout, "timeout must not be null"), true));
    }

    /**
     * {@link #flushLane(LaneId, Duration)} for one target: only that target's worker
     * serves the lane first, and only its statuses are waited for. For a reader of one target's
     * database (a primary), so that another target being down (a replica) does not hold the read.
     *
     * @return true if the lane is settled for {@code target}, false on timeout
     * @throws IllegalArgumentException if {@code target} is not a target of this Wal
     */
    public boolean flushLane(LaneId lane, String target, Duration timeout) {
        Objects.requireNonNull(lane, "lane must not be null");
        Objects.requireNonNull(target, "target must not be null");
        return settled(engine.awaitLane(lane, target, Objects.requireNonNull(timeout, "timeout must not be null"),
                true));
    }

    private static boolean settled(CompletableFuture<List<EntryOutcome>> lane) {
        try {
            lane.get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                return false;
            }
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new WalException("flushLane failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The lane's entries still PENDING or RETRYING for some target, in write order. */
    public List<WalEntry> unfinishedEntries(LaneId lane) {
        Objects.requireNonNull(lane, "lane must not be null");
        return engine.unfinishedEntries(lane);
    }

    // ---- figures ----

    /** A snapshot of the Wal's, its targets' and its storage's figures. */
    public WalStats stats() {
        return engine.stats();
    }

    @Override
    public String toString() {
        return "Wal{targets=" + engine.targetNames() + ", state=" + engine.state() + '}';
    }

    /**
     * Builds a {@link Wal}. Not thread-safe.
     */
    public static final class Builder {
        private final WalStorage storage;
        private final Map<String, SyncTarget> targets = new LinkedHashMap<>();
        private WalConfig config = WalConfig.ofDefaults();
        private Clock clock = Clock.systemUTC();
        private @Nullable Ticker ticker;
        private @Nullable ObjectMapper mapper;
        private AccessPolicy accessPolicy = AccessPolicy.allowAll();
        private AuditSink auditSink = AuditSink.slf4j();
        private final List<WalListener> listeners = new ArrayList<>();
        private Instrumentation instrumentation = Instrumentation.NONE;

        private Builder(WalStorage storage) {
            this.storage = Objects.requireNonNull(storage, "storage must not be null");
        }

        /**
         * Adds a target under its own {@link SyncTarget#name() name}; entries that name no targets
         * go to every target added.
         *
         * @throws IllegalArgumentException if the name breaks {@value Names#TARGET_RULE}, a target
         *                                  of that name is already added, or there are already
         *                                  {@link StatusIndex#MAX_TARGETS} targets
         */
        public Builder target(SyncTarget target) {
            Objects.requireNonNull(target, "target must not be null");
            String name = target.name();
            if (name == null) {
                throw new IllegalArgumentException("target " + target + " has no name: SyncTarget.name() returned null");
            }
            Names.requireTarget(name);
            if (targets.containsKey(name)) {
                throw new IllegalArgumentException("target '" + name + "' is already added; each target needs a "
                        + "name of its own");
            }
            if (targets.size() == StatusIndex.MAX_TARGETS) {
                throw new IllegalArgumentException("a Wal has at most " + StatusIndex.MAX_TARGETS + " targets");
            }
            targets.put(name, target);
            return this;
        }

        /** Default {@link WalConfig#ofDefaults()}. */
        public Builder config(WalConfig config) {
            this.config = Objects.requireNonNull(config, "config must not be null");
            return this;
        }

        /**
         * The wall clock: stamps what people read (an entry's {@code createdAt}, status, event and
         * audit timestamps) and reads the stamps of entries written before a restart; default
         * {@link Clock#systemUTC()}. Delays, backoffs, breaker periods, time-to-live countdowns and
         * timeouts run on the {@link #ticker(Ticker) ticker} instead, so stepping this clock moves
         * none of them.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * The monotonic time every wait runs on; default: the clock itself if it also implements
         * {@link Ticker} (a test clock that moves both), else {@link Ticker#system()}.
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
            return this;
        }

        /** The mapper for payload objects; default a plain {@link ObjectMapper}. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
            return this;
        }

        /** Default {@link AccessPolicy#allowAll()}. */
        public Builder accessPolicy(AccessPolicy policy) {
            this.accessPolicy = Objects.requireNonNull(policy, "accessPolicy must not be null");
            return this;
        }

        /** Default {@link AuditSink#slf4j()}. */
        public Builder auditSink(AuditSink sink) {
            this.auditSink = Objects.requireNonNull(sink, "auditSink must not be null");
            return this;
        }

        public Builder listener(WalListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Observes writes and applies and carries each write's trace context through the log to
         * its application (see {@link Instrumentation}); {@code wal-micrometer} gives one over a
         * Micrometer {@code ObservationRegistry}. Default {@link Instrumentation#NONE}.
         */
        public Builder instrumentation(Instrumentation instrumentation) {
            this.instrumentation = Objects.requireNonNull(instrumentation, "instrumentation must not be null");
            return this;
        }

        /**
         * The Wal, in state {@link WalState#NEW}: call {@link Wal#start()}.
         *
         * @throws IllegalArgumentException if no target was added
         */
        public Wal build() {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a Wal needs at least one target; add one with target(syncTarget)");
            }
            Ticker monotonic = ticker != null ? ticker : clock instanceof Ticker ? (Ticker) clock : Ticker.system();
            WalEngine engine = WalEngine.create(storage, new LinkedHashMap<>(targets), config, clock, monotonic,
                    accessPolicy, auditSink, List.copyOf(listeners), instrumentation);
            return new Wal(engine, mapper != null ? mapper : new ObjectMapper());
        }
    }
}
