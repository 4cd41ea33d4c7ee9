package org.wal4j.testing;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.wal4j.LaneId;
import org.wal4j.WalEntry;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.TargetHealth;

/**
 * A {@link SyncTarget} for tests that fails on cue and records what it applied.
 *
 * <p>Like a database with an applied-keys table, it honours idempotency keys: an entry whose key
 * it has already applied is skipped and reported as applied ({@link #duplicatesSkipped()}), so
 * {@link #applied()} is the effect: each entry at most once, in the order applied.
 *
 * <p>Script: {@link #down()}/{@link #up()} or {@link #downFor(Duration)} (every call throws a
 * connection error, the probe says DOWN); {@link #failPermanently} (matching entries fail with a
 * PERMANENT outcome); {@link #reject} (matching entries are rejected: a business verdict, the
 * entries before them in the batch applied); {@link #failRetryably} (matching entries fail N times with RETRYABLE);
 * {@link #throwOnCall(int)} (the Nth call throws); {@link #slow(Duration)} (each call takes that
 * long of the clock's time, advancing a {@link ManualClock}); {@link #holdNextCall()} (the next
 * call blocks until released); {@link #hangNextCall()} (the same, deaf to interrupts); {@link #poison}
 * (every batch holding a matching entry throws). {@link #transactional(boolean)} decides whether a failure rolls
 * back the batch's earlier entries; {@link #failByThrowing(boolean)} reports entry failures by
 * throwing (exercising the engine's batch splitting) instead of naming the failed index.
 *
 * <p>Thread-safe: the engine calls {@link #apply} concurrently for distinct apply partitions;
 * each call's effect (what it applies, the counters, the script's state) is made atomically, so
 * {@link #applied()} is a serial order of the calls. {@link #holdNextCall()} holds one call, the
 * next to arrive from any partition.
 */
public final class ScriptedSyncTarget implements SyncTarget {
    /** A call held by {@link #holdNextCall()} or {@link #hangNextCall()}. */
    public static final class Hold {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final boolean ignoresInterrupts;
        private volatile boolean interrupted;

        private Hold(boolean ignoresInterrupts) {
            this.ignoresInterrupts = ignoresInterrupts;
        }

        /** True if the held call's thread was interrupted while it waited. */
        public boolean wasInterrupted() {
            return interrupted;
        }

        /** Waits (real time) until the held call has arrived; false after {@code timeout}. */
        public boolean awaitArrival(Duration timeout) throws InterruptedException {
            return arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public void release() {
            released.countDown();
        }
    }

    private final Clock clock;
    private boolean down;
    private @Nullable Instant downUntil;
    private Predicate<WalEntry> permanent = e -> false;
    private String permanentReason = "constraint violation (scripted)";
    private Predicate<WalEntry> rejected = e -> false;
    private String rejectionReason = "insufficient funds (scripted)";
    private final Map<Predicate<WalEntry>, int[]> retryable = new HashMap<>();
    private int throwOnCall;
    private Duration slow = Duration.ZERO;
    private boolean transactional = true;
    private boolean failByThrowing;
    private boolean probeKnown = true;
    private @Nullable Hold hold;
    private Predicate<WalEntry> poison = e -> false;
    private @Nullable Supplier<? extends RuntimeException> poisonThrows;

    private final String name;
    private int calls;
    private int probes;
    private final List<List<Long>> batches = new ArrayList<>();
    private final List<WalEntry> applied = new ArrayList<>();
    private final Set<String> appliedKeys = new HashSet<>();
    private int duplicatesSkipped;

    /**
     * @param name  the target's {@link SyncTarget#name() name} in the Wal
     * @param clock the clock that {@link #downFor} and {@link #slow} read
     */
    public ScriptedSyncTarget(String name, Clock clock) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    public synchronized ScriptedSyncTarget down() {
        down = true;
        return this;
    }

    public synchronized ScriptedSyncTarget up() {
        down = false;
        downUntil = null;
        return this;
    }

    /** Down until the clock has moved {@code d} from now. */
    public synchronized ScriptedSyncTarget downFor(Duration d) {
        downUntil = clock.instant().plus(d);
        return this;
    }

    public synchronized boolean isDown() {
        return down || (downUntil != null && clock.instant().isBefore(downUntil));
    }

    /** Matching entries fail with a PERMANENT outcome, every time. */
    public synchronized ScriptedSyncTarget failPermanently(Predicate<WalEntry> which, String reason) {
        this.permanent = which;
        this.permanentReason = reason;
        return this;
    }

    /**
     * Matching entries are rejected, every time: {@link ApplyResult#rejected} with {@code reason}
     * and an {@link IllegalStateException} of that message as the cause; the entries before one in
     * its batch are applied (committed before the verdict, transactional or not), nothing of it.
     */
    public synchronized ScriptedSyncTarget reject(Predicate<WalEntry> which, String reason) {
        this.rejected = Objects.requireNonNull(which, "which must not be null");
        this.rejectionReason = Objects.requireNonNull(reason, "reason must not be null");
        return this;
    }

    /** Each matching entry fails {@code times} times with a RETRYABLE outcome, then succeeds. */
    public synchronized ScriptedSyncTarget failRetryably(Predicate<WalEntry> which, int times) {
        retryable.put(which, new int[] {times});
        return this;
    }

    /** The {@code n}th call from the start (1-based) throws. */
    public synchronized ScriptedSyncTarget throwOnCall(int n) {
        this.throwOnCall = n;
        return this;
    }

    public synchronized ScriptedSyncTarget slow(Duration perCall) {
        this.slow = perCall;
        return this;
    }

    /** True (default): a failure rolls back the batch's earlier entries; false: they stay applied. */
    public synchronized ScriptedSyncTarget transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    /** Reports an entry's failure by throwing for the whole batch (nothing applied). */
    public synchronized ScriptedSyncTarget failByThrowing(boolean failByThrowing) {
        this.failByThrowing = failByThrowing;
        return this;
    }

    /** False: the probe answers UNKNOWN instead of UP/DOWN. */
    public synchronized ScriptedSyncTarget probeKnown(boolean probeKnown) {
        this.probeKnown = probeKnown;
        return this;
    }

    /** The next call blocks until the returned hold is released (an interrupt ends it with an exception). */
    public synchronized Hold holdNextCall() {
        hold = new Hold(false);
        return hold;
    }

    /** The next call hangs, ignoring interrupts, until the returned hold is released (a stopped server). */
    public synchronized Hold hangNextCall() {
        hold = new Hold(true);
        return hold;
    }

    /**
     * Every call whose batch holds a matching entry throws what {@code thrown} supplies, nothing
     * applied: a poison entry the target cannot even report (as pgjdbc's ClassCastException).
     */
    public synchronized ScriptedSyncTarget poison(Predicate<WalEntry> which, Supplier<? extends RuntimeException> thrown) {
        this.poison = which;
        this.poisonThrows = thrown;
        return this;
    }

    @Override
    public ApplyResult apply(List<WalEntry> batch) {
        Hold held;
        synchronized (this) {
            held = hold;
            hold = null;
        }
        if (held != null) {
            held.arrived.countDown();
            while (true) {
                try {
                    held.released.await();
                    break;
                } catch (InterruptedException e) {
                    held.interrupted = true;
                    if (!held.ignoresInterrupts) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while held", e);
                    }
                }
            }
        }
        Duration pause;
        synchronized (this) {
            pause = slow;
        }
        if (!pause.isZero()) {
            if (clock instanceof ManualClock) {
                ((ManualClock) clock).advance(pause);
            } else {
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        synchronized (this) {
            return applyNow(batch);
        }
    }

    private ApplyResult applyNow(List<WalEntry> batch) {
        calls++;
        List<Long> seqs = new ArrayList<>();
        batch.forEach(e -> seqs.add(e.seq()));
        batches.add(seqs);
        if (calls == throwOnCall) {
            throw new IllegalStateException("scripted failure of call " + calls);
        }
        for (WalEntry e : batch) {
            if (poisonThrows != null && poison.test(e)) {
                throw poisonThrows.get();
            }
        }
        if (isDown()) {
            throw new UncheckedIOException(new ConnectException("target is down (scripted)"));
        }
        List<WalEntry> tx = new ArrayList<>();
        Set<String> txKeys = new HashSet<>();
        int skipped = 0;
        for (int i = 0; i < batch.size(); i++) {
            WalEntry e = batch.get(i);
            ApplyResult.FailureKind kind = null;
            String reason = null;
            if (rejected.test(e)) {
                commit(tx, skipped);
                return ApplyResult.rejected(batch.size(), i, true, rejectionReason,
                        new IllegalStateException(rejectionReason));
            }
            if (permanent.test(e)) {
                kind = ApplyResult.FailureKind.PERMANENT;
                reason = permanentReason;
            } else {
                for (Map.Entry<Predicate<WalEntry>, int[]> r : retryable.entrySet()) {
                    if (r.getValue()[0] > 0 && r.getKey().test(e)) {
                        r.getValue()[0]--;
                        kind = ApplyResult.FailureKind.RETRYABLE;
                        reason = "deadlock detected (scripted) on entry " + e.seq();
                        break;
                    }
                }
            }
            if (kind != null) {
                if (failByThrowing) {
                    throw new IllegalStateException("batch failed at entry " + e.seq() + ": " + reason);
                }
                if (!transactional) {
                    commit(tx, skipped);
                }
                return ApplyResult.failed(batch.size(), i, !transactional, kind, Objects.requireNonNull(reason), null);
            }
            if (appliedKeys.contains(e.idempotencyKey()) || !txKeys.add(e.idempotencyKey())) {
                skipped++;
            } else {
                tx.add(e);
            }
        }
        commit(tx, skipped);
        return ApplyResult.applied(batch.size());
    }

    private void commit(List<WalEntry> tx, int skipped) {
        for (WalEntry e : tx) {
            applied.add(e);
            appliedKeys.add(e.idempotencyKey());
        }
        duplicatesSkipped += skipped;
    }

    @Override
    public synchronized TargetHealth probe() {
        probes++;
        if (!probeKnown) {
            return TargetHealth.unknown();
        }
        return isDown() ? TargetHealth.down("target is down (scripted)") : TargetHealth.up();
    }

    /** How many times {@link #probe()} was called. */
    public synchronized int probes() {
        return probes;
    }

    /** Entries applied, each once, in the order they took effect. */
    public synchronized List<WalEntry> applied() {
        return List.copyOf(applied);
    }

    /** Sequence numbers of the applied entries, in the order they took effect. */
    public synchronized List<Long> appliedSeqs() {
        List<Long> out = new ArrayList<>();
        applied.forEach(e -> out.add(e.seq()));
        return out;
    }

    /**
     * Sequence numbers of the applied entries of one lane, in the order they took effect: the
     * order the engine guarantees (lanes in different apply partitions are applied concurrently,
     * so there is no order across lanes). An entry of several lanes ({@link WalEntry#lanes()})
     * counts in each of them.
     */
    public synchronized List<Long> appliedSeqs(String namespace, String key) {
        List<Long> out = new ArrayList<>();
        LaneId lane = new LaneId(namespace, key);
        for (WalEntry e : applied) {
            if (e.lanes().contains(lane)) {
                out.add(e.seq());
            }
        }
        return out;
    }

    public synchronized int calls() {
        return calls;
    }

    /** Every call's batch, as sequence numbers. */
    public synchronized List<List<Long>> batches() {
        return List.copyOf(batches);
    }

    /** Deliveries of an entry whose key was already applied (redeliveries absorbed by idempotency). */
    public synchronized int duplicatesSkipped() {
        return duplicatesSkipped;
    }

    /** Forgets what was applied (a database restored from an empty backup). */
    public synchronized void forgetApplied() {
        applied.clear();
        appliedKeys.clear();
    }
}
