package org.wal4j.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.wal4j.EntryOutcome;
import org.wal4j.EntryStatus;
import org.wal4j.Wal;

/**
 * The receipt of a critical call that was written to the log: which entry holds it, and a way
 * to wait until the call's result target (the primary) has applied it. The handle a {@code void}
 * critical call does not return: take it with {@link DurableRepository#lastReceipt()} on the
 * thread that made the call, right after it.
 *
 * <pre>{@code
 * payments.transfer("acct-1", "acct-2", amount, requestId);              // void: returns once durable
 * CallReceipt receipt = DurableRepository.lastReceipt().orElseThrow();
 * receipt.await(Duration.ofSeconds(2));                                  // returns once the primary applied it
 * }</pre>
 *
 * <p>For a retried request id ({@link IdempotencyKey}) the receipt is that of the first call's
 * entry, and {@link #duplicate()} is true: nothing new was written.
 *
 * <p>Immutable and thread-safe: any thread may await it, any number of times.
 */
public final class CallReceipt {
    private final Wal wal;
    private final String method;
    private final long seq;
    private final String entryId;
    private final String target;
    private final boolean duplicate;
    private final BooleanSupplier targetDown;

    CallReceipt(Wal wal, String method, long seq, String entryId, String target, boolean duplicate,
                BooleanSupplier targetDown) {
        this.wal = wal;
        this.method = method;
        this.seq = seq;
        this.entryId = entryId;
        this.target = target;
        this.duplicate = duplicate;
        this.targetDown = targetDown;
    }

    /** The entry's sequence number in the log. */
    public long seq() {
        return seq;
    }

    /** The entry's id. */
    public String entryId() {
        return entryId;
    }

    /** The target whose apply {@link #await} waits for: the method's result target, the primary unless the method names others. */
    public String target() {
        return target;
    }

    /** True when the call repeated an earlier call's request id: the receipt is the earlier call's entry, nothing was written. */
    public boolean duplicate() {
        return duplicate;
    }

    /**
     * Waits until {@link #target()} has applied the call, for at most {@code timeout}; returns at
     * once if it already has.
     *
     * @throws NotYetAppliedException   if it is not applied within {@code timeout} (the call is not
     *                                  lost: it stays in the log and is applied later), the
     *                                  {@code Wal} stopped, or the thread was interrupted (its
     *                                  interrupt flag is set again)
     * @throws EntryNotAppliedException if the call ended without being applied: dead-lettered,
     *                                  expired or discarded
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public void await(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative but was " + timeout);
        }
        CompletableFuture<EntryOutcome> applied = wal.awaitApplied(seq, target, timeout);
        EntryOutcome outcome;
        try {
            outcome = applied.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw notYet("target '" + target + "' did not apply it within " + timeout
                        + (targetDown.getAsBoolean() ? " (its circuit breaker is open: the database is down)" : ""));
            }
            throw new IllegalStateException(this + ": waiting for the apply failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notYet("the waiting thread was interrupted");
        }
        EntryStatus status = outcome.statusByTarget().getOrDefault(target, EntryStatus.APPLIED);
        if (status == EntryStatus.APPLIED) {
            return;
        }
        if (!status.isTerminal()) {
            throw notYet("the Wal stopped while the receipt waited");
        }
        throw new EntryNotAppliedException(method + ": entry seq=" + seq + " id=" + entryId + " was not applied by "
                + "target '" + target + "': it is " + status + " and will not be applied unless an operator requeues it",
                entryId, seq, target, status, null, null);
    }

    private NotYetAppliedException notYet(String why) {
        return new NotYetAppliedException(method + ": entry seq=" + seq + " id=" + entryId + " is durable in the log but "
                + "not applied yet: " + why + "; it will still be applied, in its lane's order", entryId, seq, target,
                EntryStatus.PENDING, null);
    }

    @Override
    public String toString() {
        return "CallReceipt{" + method + ", seq=" + seq + ", id=" + entryId + ", target=" + target
                + (duplicate ? ", duplicate" : "") + '}';
    }
}
