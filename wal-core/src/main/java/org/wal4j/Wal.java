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
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.event.WalListener;
import org.wal4j.internal.WalEngine;
import org.wal4j.spi.CompactionResult;
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
 *         .target("primary", primaryTarget)
 *         .config(WalConfig.fromEnvironment())
 *         .build()
 *         .start();
 * WriteResult r = wal.write(WalEntry.builder("accounts", "debit").key("acct-42").payload(mapper, debit));
 * }</pre>
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

    private Wal(WalEngine engine, ObjectMapper mapper) {
        this.engine = engine;
        this.mapper = mapper;
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
     * the workers. A Wal starts once.
     *
     * @return this
     * @throws IllegalStateException   if already started
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

    /** The mapper {@link #write(String, String, String, Object)} serializes payloads with. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Adds a listener at runtime. */
    public void addListener(WalListener listener) {
        engine.addListener(Objects.requireNonNull(listener, "listener must not be null"));
    }

    // ---- writes ----

    /** {@link #write(WalEntry.Builder, UserContext)} as the {@link UserContext#system() system}. */
    public WriteResult write(WalEntry.Builder entry) {
        return write(entry, UserContext.system());
    }

    /**
     * Writes one entry and returns once it is durable (and, with
     * {@link WalConfig#immediateApplyWait()}, once its targets applied it or the wait ended).
     * Defaults filled in here: creation time from the Wal's clock, the namespace's lifecycle, every
     * target, and the user's tenant and id.
     *
     * @throws WalAccessDeniedException if the policy or tenant isolation refuses; nothing is written
     * @throws WalFullException         if backpressure found no room within {@link WalConfig#writeTimeout()}
     * @throws EntryTooLargeException   if the payload is over the storage's limit; nothing is written
     * @throws IllegalArgumentException for an unknown target or an invalid entry; nothing is written
     * @throws IllegalStateException    if the Wal is not running
     * @throws WalUnavailableException  if the storage failed (the Wal then refuses all writes)
     */
    public WriteResult write(WalEntry.Builder entry, UserContext user) {
        return writeBatch(List.of(entry), user).get(0);
    }

    /** Writes {@code payload}, serialized with {@link #mapper()}, as an entry of (namespace, key). */
    public WriteResult write(String namespace, String key, String operation, Object payload) {
        return write(WalEntry.builder(namespace, operation).key(key).payload(mapper, payload));
    }

    /** {@link #writeAsync(WalEntry.Builder, UserContext)} as the system. */
    public CompletableFuture<WriteResult> writeAsync(WalEntry.Builder entry) {
        return writeAsync(entry, UserContext.system());
    }

    /**
     * Writes one entry without waiting for the disk. Every refusal that happens before the append
     * (access, validation, backpressure, which may block up to the write timeout) is thrown from
     * this call, exactly as {@link #write}; the future fails only with
     * {@link WalUnavailableException} when the storage fails. It completes on a wal4j callback
     * thread, never on the storage's writer.
     */
    public CompletableFuture<WriteResult> writeAsync(WalEntry.Builder entry, UserContext user) {
        return writeBatchAsync(List.of(entry), user).thenApply(l -> l.get(0));
    }

    /** {@link #writeBatch(List, UserContext)} as the system. */
    public List<WriteResult> writeBatch(List<WalEntry.Builder> entries) {
        return writeBatch(entries, UserContext.system());
    }

    /**
     * Writes several entries in one append (one group commit), all or nothing before the append:
     * if any entry is refused, none is written. Results are in the order of {@code entries}.
     */
    public List<WriteResult> writeBatch(List<WalEntry.Builder> entries, UserContext user) {
        return WalStorage.await(engine.write(prepare(entries, user), user, true));
    }

    /** {@link #writeBatch(List, UserContext)} without waiting for the disk; see {@link #writeAsync}. */
    public CompletableFuture<List<WriteResult>> writeBatchAsync(List<WalEntry.Builder> entries, UserContext user) {
        return engine.write(prepare(entries, user), user, false);
    }

    private List<WalEntry> prepare(List<WalEntry.Builder> builders, UserContext user) {
        Objects.requireNonNull(builders, "entries must not be null");
        Objects.requireNonNull(user, "user must not be null");
        if (builders.isEmpty()) {
            throw new IllegalArgumentException("entries to write must not be empty");
        }
        List<WalEntry> out = new ArrayList<>(builders.size());
        for (WalEntry.Builder b : builders) {
            out.add(prepare(Objects.requireNonNull(b, "entry must not be null"), user));
        }
        return out;
    }

    /** The entry with the Wal's defaults where the writer set nothing; the caller's builder is not changed. */
    private WalEntry prepare(WalEntry.Builder b, UserContext user) {
        boolean hasCreatedAt = b.hasCreatedAt();
        boolean hasLifecycle = b.hasLifecycle();
        String tenantId = b.tenantId();
        String userId = b.userId();
        WalEntry draft = b.build();
        WalEntry.Builder copy = draft.toBuilder();
        if (!hasCreatedAt) {
            copy.createdAt(engine.now());
        }
        if (!hasLifecycle) {
            copy.lifecycle(engine.config().lifecycleFor(draft.namespace()));
        }
        if (draft.targets().isEmpty()) {
            copy.targets(engine.targetNames());
        }
        if (tenantId == null && user.tenantId() != null) {
            copy.tenantId(user.tenantId());
        }
        if (userId == null && !user.isSystem()) {
            copy.userId(user.userId());
        }
        return copy.build();
    }

    /** Forces everything written so far to stable storage. */
    public void forceSync() {
        engine.forceSync();
    }

    // ---- read your writes ----

    /**
     * Completes when entry {@code seq} is settled (terminal: APPLIED, DEAD, EXPIRED or DISCARDED)
     * for every target it names, with the statuses; {@link EntryOutcome#applied()} tells whether
     * all applied it. After {@code timeout} of monotonic time (the Wal's {@link Ticker}, not the
     * wall clock) it completes exceptionally with a {@link TimeoutException} naming the statuses.
     * It completes on a wal4j callback thread.
     *
     * @throws IllegalArgumentException if {@code seq} was never assigned
     */
    public CompletableFuture<EntryOutcome> awaitApplied(long seq, Duration timeout) {
        return engine.awaitApplied(seq, null, Objects.requireNonNull(timeout, "timeout must not be null"));
    }

    /** {@link #awaitApplied(long, Duration)} for one target only. */
    public CompletableFuture<EntryOutcome> awaitApplied(long seq, String target, Duration timeout) {
        Objects.requireNonNull(target, "target must not be null");
        return engine.awaitApplied(seq, target, Objects.requireNonNull(timeout, "timeout must not be null"));
    }

    /**
     * Completes when every entry of the lane (namespace, key) written before this call is settled
     * for every target, with their outcomes in seq order; exceptionally with a
     * {@link TimeoutException} after {@code timeout}.
     */
    public CompletableFuture<List<EntryOutcome>> awaitApplied(String namespace, String key, Duration timeout) {
        return engine.awaitLane(namespace, key, Objects.requireNonNull(timeout, "timeout must not be null"), false);
    }

    /**
     * Applies the lane's pending entries before a read: serves the lane ahead of all others
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
    public boolean flushLane(String namespace, String key, Duration timeout) {
        return settled(engine.awaitLane(namespace, key, Objects.requireNonNull(timeout, "timeout must not be null"), true));
    }

    /**
     * {@link #flushLane(String, String, Duration)} for one target: only that target's worker
     * serves the lane first, and only its statuses are waited for. For a reader of one target's
     * database (a primary), so that another target being down (a replica) does not hold the read.
     *
     * @return true if the lane is settled for {@code target}, false on timeout
     * @throws IllegalArgumentException if {@code target} is not a target of this Wal
     */
    public boolean flushLane(String namespace, String key, String target, Duration timeout) {
        Objects.requireNonNull(target, "target must not be null");
        return settled(engine.awaitLane(namespace, key, target, Objects.requireNonNull(timeout,
                "timeout must not be null"), true));
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
    public List<WalEntry> unappliedEntries(String namespace, String key) {
        return engine.unappliedEntries(namespace, key);
    }

    // ---- dead letters ----

    /** {@link #deadLetters(DeadLetterFilter, UserContext)} as the system. */
    public Stream<DeadLetter> deadLetters(DeadLetterFilter filter) {
        return deadLetters(filter, UserContext.system());
    }

    /**
     * The dead letters matching {@code filter} that {@code user} may see, in seq order, read
     * lazily page by page. Audited.
     */
    public Stream<DeadLetter> deadLetters(DeadLetterFilter filter, UserContext user) {
        return engine.deadLetters(Objects.requireNonNull(filter, "filter must not be null"), user);
    }

    public boolean requeue(long seq, String target) {
        return requeue(seq, target, UserContext.system());
    }

    /**
     * Moves a dead letter back to PENDING with its attempts reset; it is applied in its lane's
     * seq order. Audited.
     *
     * @return true if it was requeued
     * @throws IllegalArgumentException if it is not a dead letter for {@code target}
     * @throws WalAccessDeniedException if {@code user} may not
     */
    public boolean requeue(long seq, String target, UserContext user) {
        return engine.requeue(seq, target, user);
    }

    public int requeue(DeadLetterFilter filter) {
        return requeue(filter, UserContext.system());
    }

    /** Requeues every dead letter matching {@code filter} that {@code user} may requeue; returns how many. */
    public int requeue(DeadLetterFilter filter, UserContext user) {
        return engine.requeue(filter, user);
    }

    public boolean discard(long seq, String target) {
        return discard(seq, target, UserContext.system());
    }

    /** Drops a dead letter for good (status DISCARDED); it may then be compacted. Audited. */
    public boolean discard(long seq, String target, UserContext user) {
        return engine.discard(seq, target, user);
    }

    public int discard(DeadLetterFilter filter) {
        return discard(filter, UserContext.system());
    }

    /** Discards every dead letter matching {@code filter} that {@code user} may discard; returns how many. */
    public int discard(DeadLetterFilter filter, UserContext user) {
        return engine.discard(filter, user);
    }

    // ---- replay ----

    public Stream<ReplayRecord> replay(ReplayQuery query) {
        return replay(query, UserContext.system());
    }

    /**
     * The entries still in the log matching {@code query} that {@code user} may see, in seq
     * order, with their statuses. Read lazily from the storage: close the stream. Audited.
     */
    public Stream<ReplayRecord> replay(ReplayQuery query, UserContext user) {
        return engine.replay(Objects.requireNonNull(query, "query must not be null"), user);
    }

    public int reapply(ReplayQuery query, String target) {
        return reapply(query, target, UserContext.system());
    }

    /**
     * Makes every entry matching {@code query} that names {@code target} and is finished for it
     * PENDING again, so that the target applies it again in lane order (for example after its
     * database was restored from a backup). Audited.
     *
     * @return how many entries were made pending
     */
    public int reapply(ReplayQuery query, String target, UserContext user) {
        return engine.reapply(Objects.requireNonNull(query, "query must not be null"), target, user);
    }

    // ---- maintenance and figures ----

    /**
     * Compacts now (it also runs every {@link WalConfig#compactionInterval()}): drops entries at
     * or below the lowest target checkpoint, older than the retention period, finished for every
     * target and not dead-lettered.
     */
    public CompactionResult compact() {
        return engine.compact();
    }

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

        private Builder(WalStorage storage) {
            this.storage = Objects.requireNonNull(storage, "storage must not be null");
        }

        /** Adds a target; entries that name no targets go to every target added. */
        public Builder target(String name, SyncTarget target) {
            Names.requireTarget(name);
            Objects.requireNonNull(target, "target '" + name + "' must not be null");
            if (targets.containsKey(name)) {
                throw new IllegalArgumentException("target '" + name + "' is already added");
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
         * The Wal, in state {@link WalState#NEW}: call {@link Wal#start()}.
         *
         * @throws IllegalArgumentException if no target was added
         */
        public Wal build() {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a Wal needs at least one target; add one with target(name, target)");
            }
            Ticker monotonic = ticker != null ? ticker : clock instanceof Ticker ? (Ticker) clock : Ticker.system();
            WalEngine engine = WalEngine.create(storage, new LinkedHashMap<>(targets), config, clock, monotonic,
                    accessPolicy, auditSink, List.copyOf(listeners));
            return new Wal(engine, mapper != null ? mapper : new ObjectMapper());
        }
    }
}
