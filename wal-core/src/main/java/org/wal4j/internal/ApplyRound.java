package org.wal4j.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.wal4j.Lifecycle;
import org.wal4j.WalEntry;
import org.wal4j.internal.OutcomeRecorder.Effect;
import org.wal4j.internal.OutcomeRecorder.Kind;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.TargetHealth;

/**
 * One {@link SyncTarget#apply} call for a batch, through the target's circuit breaker, and what
 * its result means for each entry. The worker asks for the breaker's {@link #permit}, starts the
 * call on the batch's partition (it runs on another thread), and {@link #judge judges} its
 * {@link Call} when it is handed back; several calls (one per partition) may be in flight between
 * a permit and its judgement.
 *
 * <ul>
 *   <li>All applied: every entry APPLIED.</li>
 *   <li>Failed at index {@code i} (the target named the entry): the applied prefix is APPLIED,
 *       entry {@code i} is charged (PERMANENT: dead-lettered at once; RETRYABLE: retried with its
 *       backoff, dead-lettered when its attempts run out) or, REJECTED, ends REJECTED at once
 *       (a business verdict: no retry, not a dead letter), the rest stay as they were.</li>
 *   <li>Thrown, anything but a {@link VirtualMachineError} (the whole batch failed, nothing
 *       applied, and the target did not say why): a larger batch is left as it was and the worker
 *       halves its batch size, so the next calls bisect towards the entry at fault without
 *       charging the innocent ones; the breaker counts a failure unless the probe says UP (then the
 *       fault is in the batch, not the target, and a poison entry must not open the breaker while
 *       it is being isolated). A batch of one that throws is
 *       judged: if the target is shown to be up (its probe says UP, or other entries were applied
 *       since this entry last threw alone) the entry is poison: its attempt is charged, whatever
 *       the breaker's state (it is dead-lettered when its attempts run out), and the breaker counts
 *       a success (the target answered; the entry is bad), so a poison entry cannot hold the
 *       breaker open. Otherwise the target is down: the breaker counts a failure and the entry
 *       waits one backoff interval, charged nothing.</li>
 *   <li>Abandoned ({@link BoundedTarget}: no answer within {@code targetCallTimeout}, or an
 *       abandoned call still running): a failure of the target, whatever the batch's size: the
 *       breaker counts it, no entry is charged, each waits one backoff interval.</li>
 * </ul>
 *
 * <p>A retryable failure the target reported is charged to the entry only if the breaker is
 * still CLOSED after counting it and the target's {@link SyncTarget#probe() probe} does not
 * report it DOWN: a failure because the target is down burns no attempt and dead-letters
 * nothing; the entry just waits one backoff interval. A permanent failure or a rejection counts as a
 * success for the breaker: the target answered, the entry is bad or refused.
 *
 * <p>{@link #appliedCalls} counts the judged calls that applied something, in the order the
 * worker judges them, whatever their partition: a call of one entry that throws again after other
 * calls applied entries in between is evidence that the target is up and the entry is at fault.
 *
 * <p>Not thread-safe: confined to the worker thread.
 */
final class ApplyRound {
    enum Result { ALL_APPLIED, FAILED, SPLIT }

    /** Stands for a retryable per-entry failure in the breaker's count when the target gave no exception. */
    private static final class RetryableFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RetryableFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    private final String name;
    private final BoundedTarget target;
    private final CircuitBreaker breaker;
    private final TargetMetrics metrics;
    private final OutcomeRecorder recorder;
    private final RandomGenerator random;
    /** How many calls applied at least one entry; see {@link PendingEntry#appliedCallsAtLastThrow}. */
    private long appliedCalls;

    ApplyRound(String name, BoundedTarget target, CircuitBreaker breaker, TargetMetrics metrics,
               OutcomeRecorder recorder, RandomGenerator random) {
        this.name = name;
        this.target = target;
        this.breaker = breaker;
        this.metrics = metrics;
        this.recorder = recorder;
        this.random = random;
    }

    /**
     * Asks the breaker for a call; false if it refuses (then the batch goes back through
     * {@link #denied}). A permission given must be answered by {@link #judge}.
     */
    boolean permit() {
        return breaker.tryAcquirePermission();
    }

    /** The call's partition was claimed by another instance: it tells nothing of the target's health. */
    void fenced() {
        breaker.releasePermission();
    }

    /** The breaker refused the call of {@code batch}: its lanes are filed again, nothing changed. */
    void denied(List<PendingEntry> batch, Instant now) {
        recorder.record(unchanged(batch), now);
    }

    /** The entries of {@code batch}, as the target gets them; counts the call and its attempts. */
    List<WalEntry> entriesOf(List<PendingEntry> batch) {
        List<WalEntry> entries = new ArrayList<>(batch.size());
        for (PendingEntry p : batch) {
            entries.add(p.entry);
        }
        metrics.calls.incrementAndGet();
        metrics.attempts.addAndGet(batch.size());
        return entries;
    }

    /**
     * Judges what the call of {@code batch} returned or threw and records it: answers the
     * breaker's permission, and files each entry's outcome.
     *
     * @param now the engine time the call was made: the attempts' time, from which backoffs count
     *            (whoever saw the call and then moved the clock must find its backoff counted
     *            from before the move, since the call ran on another thread)
     */
    Result judge(List<PendingEntry> batch, Call call, Instant now) {
        int n = batch.size();
        if (call.thrown instanceof VirtualMachineError) {
            breaker.releasePermission();
            throw (VirtualMachineError) call.thrown;
        }
        if (call.thrown == null && call.result == null) {
            call.thrown = new IllegalStateException("target '" + name + "' returned null for a batch of " + n
                    + " entries");
        } else if (call.thrown == null && call.result.size() != n) {
            call.thrown = new IllegalStateException("target '" + name + "' returned outcomes for "
                    + call.result.size() + " entries for a batch of " + n);
        }
        metrics.recordApplyLatency(call.nanos);
        List<Effect> effects = new ArrayList<>(n);
        Result outcome;
        if (call.thrown instanceof AbandonableCaller.CallAbandoned) {
            breaker.onError(call.nanos, TimeUnit.NANOSECONDS, call.thrown);
            for (PendingEntry p : batch) {
                effects.add(uncharged(p, now));
            }
            outcome = Result.FAILED;
        } else if (call.thrown != null) {
            if (n > 1) {
                if (probe() == TargetHealth.State.UP) {
                    // the target answers: the fault is in the batch, which the split will find
                    breaker.releasePermission();
                } else {
                    breaker.onError(call.nanos, TimeUnit.NANOSECONDS, call.thrown);
                }
                effects = unchanged(batch);
                outcome = Result.SPLIT;
            } else {
                effects.add(thrownAlone(batch.get(0), call, now));
                outcome = Result.FAILED;
            }
        } else if (call.result.allApplied()) {
            appliedCalls++;
            breaker.onSuccess(call.nanos, TimeUnit.NANOSECONDS);
            for (PendingEntry p : batch) {
                effects.add(new Effect(p, Kind.APPLIED, p.attempts + 1, null, null));
            }
            outcome = Result.ALL_APPLIED;
        } else {
            if (call.result.appliedCount() > 0) {
                appliedCalls++;
            }
            recordFailure(call.result, call.nanos);
            for (int i = 0; i < n; i++) {
                effects.add(effectOf(batch.get(i), call.result, i, now));
            }
            outcome = Result.FAILED;
        }
        recorder.record(effects, now);
        return outcome;
    }

    /**
     * What one {@link SyncTarget#apply} call returned or threw, and how long it took (real time).
     * Made on the thread the call ran on and handed to the worker, which judges it.
     */
    static final class Call {
        ApplyResult result;
        Throwable thrown;
        final long nanos;

        Call(ApplyResult result, Throwable thrown, long nanos) {
            this.result = result;
            this.thrown = thrown;
            this.nanos = nanos;
        }
    }

    private void recordFailure(ApplyResult result, long nanos) {
        if (result.failureKind().orElseThrow() != ApplyResult.FailureKind.RETRYABLE) {
            // permanent or rejected: the target answered, the entry is at fault (or refused)
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        } else {
            Throwable cause = result.cause() != null ? result.cause() : new RetryableFailure(reasonOf(result));
            breaker.onError(nanos, TimeUnit.NANOSECONDS, cause);
        }
    }

    private Effect effectOf(PendingEntry p, ApplyResult result, int index, Instant now) {
        switch (result.outcome(index)) {
            case APPLIED:
                return new Effect(p, Kind.APPLIED, p.attempts + 1, null, null);
            case PERMANENT:
                return new Effect(p, Kind.DEAD, p.attempts + 1, reasonOf(result), null);
            case REJECTED:
                return new Effect(p, Kind.REJECTED, p.attempts + 1, reasonOf(result), null, result.cause());
            case RETRYABLE:
                return retryable(p, reasonOf(result), now);
            default:
                return new Effect(p, Kind.UNCHANGED, p.attempts, null, null);
        }
    }

    private static String reasonOf(ApplyResult failed) {
        return Objects.requireNonNull(failed.reason(), "a failed ApplyResult has a reason");
    }

    /** Charges a retryable failure the target reported to {@code p}, unless the target looks down. */
    private Effect retryable(PendingEntry p, String reason, Instant now) {
        if (breaker.getState() != CircuitBreaker.State.CLOSED || probe() == TargetHealth.State.DOWN) {
            return uncharged(p, now);
        }
        return charged(p, reason, now);
    }

    /**
     * A call of {@code p} alone threw: poison (charged; the breaker counts a success) if the target
     * is shown to be up, otherwise the target is down (not charged; the breaker counts a failure).
     */
    private Effect thrownAlone(PendingEntry p, Call call, Instant now) {
        TargetHealth.State health = probe();
        boolean othersApplied = p.appliedCallsAtLastThrow >= 0 && appliedCalls > p.appliedCallsAtLastThrow;
        p.appliedCallsAtLastThrow = appliedCalls;
        if (health == TargetHealth.State.UP || (health != TargetHealth.State.DOWN && othersApplied)) {
            breaker.onSuccess(call.nanos, TimeUnit.NANOSECONDS);
            return charged(p, "target '" + name + "' threw on this entry alone while "
                    + (health == TargetHealth.State.UP ? "its probe said UP" : "other entries were applied") + ": "
                    + call.thrown, now);
        }
        breaker.onError(call.nanos, TimeUnit.NANOSECONDS, call.thrown);
        return uncharged(p, now);
    }

    private Effect charged(PendingEntry p, String reason, Instant now) {
        Lifecycle lifecycle = p.entry.lifecycle();
        int attempts = p.attempts + 1;
        if (attempts >= lifecycle.maxAttempts()) {
            return new Effect(p, Kind.DEAD, attempts, "gave up after " + attempts + " attempts: " + reason, null);
        }
        return new Effect(p, Kind.RETRY, attempts, reason, now.plus(Backoffs.delayAfter(lifecycle, attempts, random)));
    }

    /** A failure of the target, not of {@code p}: no attempt charged, one backoff interval of waiting. */
    private Effect uncharged(PendingEntry p, Instant now) {
        return new Effect(p, Kind.DELAY, p.attempts, null,
                now.plus(Backoffs.delayAfter(p.entry.lifecycle(), Math.max(1, p.attempts), random)));
    }

    /** What the bounded probe says; UNKNOWN if it threw or answered nothing. */
    private TargetHealth.State probe() {
        try {
            TargetHealth health = target.probe();
            return health == null ? TargetHealth.State.UNKNOWN : health.state();
        } catch (RuntimeException e) {
            return TargetHealth.State.UNKNOWN;
        }
    }

    private static List<Effect> unchanged(List<PendingEntry> batch) {
        List<Effect> effects = new ArrayList<>(batch.size());
        for (PendingEntry p : batch) {
            effects.add(new Effect(p, Kind.UNCHANGED, p.attempts, null, null));
        }
        return effects;
    }
}
