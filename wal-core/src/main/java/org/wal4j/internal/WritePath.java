package org.wal4j.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.EntryStatus;
import org.wal4j.UserContext;
import org.wal4j.WalAction;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.WriteResult;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.LatencyHistogram;

/**
 * The way of a write, in the order that keeps every refusal ahead of the log: accepting? →
 * access (every entry of the call) → idempotency (a key already written returns the original's
 * result) → backpressure (reserve room, or block, or {@code WalFullException}) → append → on the
 * durable acknowledgement: tell the workers, audit, answer (after the immediate apply, if on).
 *
 * <p>A refusal before the append throws from the call and writes nothing. After the append, the
 * only failure is the storage's ({@link WalUnavailableException}), which also stops the Wal.
 *
 * <p>Hazard: the storage completes its futures on its writer thread. Nothing here may run user
 * code or block there, so an asynchronous write's continuation runs on the callback executor.
 *
 * <p>Thread-safe.
 */
final class WritePath {
    /** Whether the Wal accepts writes, and which writes are in flight (stop waits for them). */
    interface Gate {
        /** Counts a write in flight, or throws (counting nothing) if writes are not accepted. */
        void enter();

        void leave();

        /** Throws if writes are no longer accepted. */
        void check();
    }

    private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);

    private final EngineContext ctx;
    private final AccessGuard guard;
    private final AuditTrail audit;
    private final IdempotencyRegistry registry;
    private final Collection<TargetWorker> workers;
    private final Set<String> ourTargets;
    private final Executor callbacks;
    private final Gate gate;
    final AtomicLong writes = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final LatencyHistogram latency = new LatencyHistogram();

    WritePath(EngineContext ctx, AccessGuard guard, AuditTrail audit, IdempotencyRegistry registry,
              Collection<TargetWorker> workers, Executor callbacks, Gate gate) {
        this.ctx = ctx;
        this.guard = guard;
        this.audit = audit;
        this.registry = registry;
        this.workers = workers;
        this.ourTargets = workers.stream().map(TargetWorker::name).collect(Collectors.toUnmodifiableSet());
        this.callbacks = callbacks;
        this.gate = gate;
    }

    /** One call's entries on their way, with the futures that answer them. */
    private final class Call {
        final List<WalEntry> fresh = new ArrayList<>();
        final List<CompletableFuture<WriteResult>> freshResults = new ArrayList<>();
        final Map<String, IdempotencyRegistry.Slot> claims = new LinkedHashMap<>();
        final List<CompletableFuture<WriteResult>> results = new ArrayList<>();
        final UserContext user;
        final long started = System.nanoTime();

        Call(UserContext user) {
            this.user = user;
        }

        void abandon() {
            claims.forEach(registry::abandon);
        }
    }

    /**
     * Writes {@code entries} (defaults already filled in) in one append.
     *
     * @param callerWaits true when the caller blocks on the result anyway: the append is then the
     *                    storage's blocking one, and the acknowledgement is handled on the caller's
     *                    thread
     */
    CompletableFuture<List<WriteResult>> write(List<WalEntry> entries, UserContext user, boolean callerWaits) {
        Instrumentation instrumentation = ctx.instrumentation;
        if (instrumentation == Instrumentation.NONE) {
            return writeObserved(entries, user, callerWaits);
        }
        Instrumentation.WriteScope scope = Instrumentation.open(() -> instrumentation.write(entries),
                Instrumentation.WriteScope.NONE);
        try {
            CompletableFuture<List<WriteResult>> all = writeObserved(traced(entries, scope), user, callerWaits);
            endWhenDone(scope, all);
            return all;
        } catch (RuntimeException e) {
            Instrumentation.end(scope, e);
            throw e;
        }
    }

    // the returned future only repeats the write's outcome, which the caller gets from the write's own future
    @SuppressWarnings("FutureReturnValueIgnored")
    private static void endWhenDone(Instrumentation.Scope scope, CompletableFuture<?> write) {
        write.whenComplete((result, failure) -> Instrumentation.end(scope,
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure));
    }

    /** {@code entries}, each that has no trace context of its own given the scope's. */
    private static List<WalEntry> traced(List<WalEntry> entries, Instrumentation.WriteScope scope) {
        Map<String, String> context;
        try {
            context = scope.traceContext();
        } catch (RuntimeException e) {
            LOG.warn("wal4j instrumentation failed to give a trace context; the entries are written without", e);
            return entries;
        }
        if (context.isEmpty()) {
            return entries;
        }
        List<WalEntry> traced = new ArrayList<>(entries.size());
        try {
            for (WalEntry e : entries) {
                traced.add(e.traceContext().isEmpty() ? e.withTraceContext(context) : e);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("wal4j instrumentation gave a trace context the log cannot keep; the entries are written "
                    + "without: {}", e.getMessage());
            return entries;
        }
        return traced;
    }

    /** The write itself, in {@code write}'s observation if there is one. */
    private CompletableFuture<List<WriteResult>> writeObserved(List<WalEntry> entries, UserContext user,
                                                               boolean callerWaits) {
        gate.enter();
        boolean appended = false;
        try {
            for (WalEntry e : entries) {
                guard.checkWrite(user, e);
            }
            Call call = new Call(user);
            claimKeys(call, entries);
            CompletableFuture<List<WriteResult>> all = allOf(call.results);
            if (call.fresh.isEmpty()) {
                return all;
            }
            try {
                ctx.backpressure.reserve(call.fresh, ctx.config.writeTimeout(), gate::check);
            } catch (RuntimeException e) {
                call.abandon();
                throw e;
            }
            if (callerWaits) {
                AppendResult result = null;
                Throwable failure = null;
                try {
                    result = appendAndWait(call);
                } catch (WalUnavailableException e) {
                    failure = e;
                }
                appended = true;
                acknowledged(call, result, failure);
                return all;
            }
            CompletableFuture<AppendResult> append = append(call);
            appended = true;
            acknowledgeWhenDone(call, append);
            return all;
        } finally {
            if (!appended) {
                gate.leave();
            }
        }
    }

    private void claimKeys(Call call, List<WalEntry> entries) {
        for (WalEntry e : entries) {
            CompletableFuture<WriteResult> mine = new CompletableFuture<>();
            if (!e.idempotencyKey().equals(e.id())) {
                IdempotencyRegistry.Slot slot = new IdempotencyRegistry.Slot(mine, e.tenantId(), e.createdAt());
                IdempotencyRegistry.Slot original;
                try {
                    original = registry.claim(e.idempotencyKey(), slot);
                } catch (RuntimeException denied) {
                    call.abandon();
                    audit.record(call.user, WalAction.WRITE, false, e.namespace(), e.operation(), 0, null, 0,
                            denied.getMessage());
                    throw denied;
                }
                if (original != null) {
                    call.results.add(original.result.thenApply(r -> duplicate(call.user, e, r)));
                    continue;
                }
                call.claims.put(e.idempotencyKey(), slot);
            }
            call.fresh.add(e);
            call.freshResults.add(mine);
            call.results.add(mine);
        }
    }

    private WriteResult duplicate(UserContext user, WalEntry e, WriteResult original) {
        duplicates.incrementAndGet();
        audit.record(user, WalAction.WRITE, true, e.namespace(), e.operation(), original.seq(), null, 0,
                "duplicate of seq " + original.seq() + " (idempotency key seen within the retention period)");
        return original.asDuplicate();
    }

    /**
     * The append of a caller that waits for it anyway: the storage's blocking append, which a file
     * log whose writer is idle writes and forces on this very thread, without a hand-off to its
     * writer thread and back.
     *
     * @throws WalUnavailableException if the storage is failed or closed, or failed to write: the
     *                                 caller answers it as a failed append
     * @throws RuntimeException        any other refusal, before anything was written, as
     *                                 {@link #append} throws it
     */
    private AppendResult appendAndWait(Call call) {
        try {
            return ctx.storage.append(call.fresh);
        } catch (WalUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            ctx.backpressure.unreserve(call.fresh);
            call.abandon();
            throw e;
        }
    }

    private CompletableFuture<AppendResult> append(Call call) {
        try {
            return ctx.storage.appendAsync(call.fresh);
        } catch (RuntimeException e) {
            ctx.backpressure.unreserve(call.fresh);
            call.abandon();
            if (e instanceof WalUnavailableException) {
                ctx.failures.storageFailed("append", e);
            }
            throw e;
        }
    }

    /**
     * Answers the call when its append completes: at once on this thread if it already has, else on
     * the callback executor (never on the storage's writer thread).
     */
    // acknowledged handles the append's failure; the futures whenComplete returns would only repeat it
    @SuppressWarnings("FutureReturnValueIgnored")
    private void acknowledgeWhenDone(Call call, CompletableFuture<AppendResult> append) {
        if (append.isDone()) {
            append.whenComplete((result, failure) -> acknowledged(call, result, failure));
        } else {
            append.whenCompleteAsync((result, failure) -> acknowledged(call, result, failure), callbacks);
        }
    }

    /**
     * Answers the call once the storage answered its append, as {@link CompletableFuture#whenComplete}
     * passes the answer: {@code result}, or {@code failure} when that is not null. A storage that
     * answers with neither breaks its contract; the append then counts as failed, so that the
     * writers are answered rather than left waiting.
     */
    private void acknowledged(Call call, @Nullable AppendResult result, @Nullable Throwable failure) {
        try {
            if (failure == null && result != null) {
                appended(call, result);
            } else {
                failed(call, failure != null ? failure : new IllegalStateException("the storage answered an append of "
                        + call.fresh.size() + " entries with no result"));
            }
        } finally {
            gate.leave();
        }
    }

    private void failed(Call call, Throwable failure) {
        ctx.backpressure.unreserve(call.fresh);
        call.abandon();
        ctx.failures.storageFailed("append", failure);
        WalUnavailableException e = failure instanceof WalUnavailableException
                ? (WalUnavailableException) failure
                : new WalUnavailableException("The log failed to append " + call.fresh.size() + " entries: "
                + failure, failure);
        call.freshResults.forEach(f -> f.completeExceptionally(e));
    }

    private void appended(Call call, AppendResult result) {
        long nanos = System.nanoTime() - call.started;
        latency.record(nanos);
        ctx.latencies.write(nanos);
        writes.addAndGet(call.fresh.size());
        List<WalEntry> assigned = new ArrayList<>(call.fresh.size());
        for (int i = 0; i < call.fresh.size(); i++) {
            assigned.add(call.fresh.get(i).withSeq(result.seq(i)));
        }
        if (result.consecutive()) {
            ctx.watermark.acked(result.firstSeq(), result.lastSeq());
            ctx.timeline.appended(result.lastSeq());
            AppendedBatch batch = new AppendedBatch(result.firstSeq(), List.copyOf(assigned));
            for (TargetWorker worker : workers) {
                worker.offer(batch);
            }
        } else {
            // a shared log numbered the entries as it read them back and has reported them held
            // (StorageEvents.heldThrough); the workers load them from it
            ctx.ownWrites.appended(assigned, ourTargets);
        }
        for (int i = 0; i < assigned.size(); i++) {
            answer(call, assigned.get(i), result.durable(), call.freshResults.get(i));
        }
    }

    // the immediate-apply wait ends either way (a timeout is not a failure of the write): the callback
    // answers the write in both cases, so the future whenComplete returns carries nothing to handle
    @SuppressWarnings("FutureReturnValueIgnored")
    private void answer(Call call, WalEntry e, boolean durable, CompletableFuture<WriteResult> future) {
        audit.record(call.user, WalAction.WRITE, true, e.namespace(), e.operation(), e.seq(), null, 1, null);
        Map<String, EntryStatus> pending = new LinkedHashMap<>();
        e.targets().forEach(t -> pending.put(t, EntryStatus.PENDING));
        WriteResult result = new WriteResult(e.seq(), e.id(), e.idempotencyKey(), e.createdAt(), durable, pending,
                false);
        Duration wait = ctx.config.immediateApplyWait();
        if (wait.isZero()) {
            future.complete(result);
            return;
        }
        ctx.tracker.await(e.seq(), e.targets(), wait, false).whenComplete((outcome, failure) -> {
            if (failure != null) {
                future.complete(result);
            } else {
                future.complete(result.withStatuses(outcome.statusByTarget()));
            }
        });
    }

    private static CompletableFuture<List<WriteResult>> allOf(List<CompletableFuture<WriteResult>> results) {
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<WriteResult> out = new ArrayList<>(results.size());
            for (CompletableFuture<WriteResult> f : results) {
                out.add(f.join());
            }
            return out;
        });
    }
}
