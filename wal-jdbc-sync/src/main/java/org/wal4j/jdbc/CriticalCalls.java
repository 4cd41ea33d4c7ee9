package org.wal4j.jdbc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryOutcome;
import org.wal4j.EntryStatus;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.WalAccessDeniedException;
import org.wal4j.WriteResult;
import org.wal4j.spi.Names;

/**
 * The caller's side of a critical call: writes the call to the log and answers by the method's
 * {@link ReturnKind}:
 * <ul>
 *   <li>{@code void}: returns once the entry is durable (with {@code voidWaitsForApply}, like a
 *       value);</li>
 *   <li>a value: once durable, waits up to {@code applyWait} for the result target to apply it
 *       and returns what the DAO returned in the run that committed; not applied in time, or the
 *       target's breaker is or becomes open (its database is down: the call does not wait for it)
 *       → {@link NotYetAppliedException};</li>
 *   <li>a future: returned at once, completed like a value call once applied, or exceptionally
 *       after {@code asyncResultTimeout}; a failed append fails it.</li>
 * </ul>
 * A call the result target rejected (the DAO threw one of the method's rejections: a business
 * verdict, see {@link MethodRejections}) throws that exception itself, as the DAO threw it. A
 * call that ends without being applied otherwise (dead-lettered, expired, discarded) throws what
 * the DAO threw in its last run, if that run failed, otherwise {@link EntryNotAppliedException}. Every
 * refusal before the append (a bad argument, a missing key, backpressure, access) is thrown from
 * the call, and then nothing was written.
 *
 * <p>Thread-safe.
 */
final class CriticalCalls {
    private final Wal wal;
    private final RepositoryOptions options;
    private final PendingCalls pending;
    private final RepositoryListener listener;
    private final RepositoryTargets targets;

    /** Per thread, the receipt of its last critical call, if that call wrote (or found) an entry. */
    private static final ThreadLocal<CallReceipt> LAST_RECEIPT = new ThreadLocal<>();

    CriticalCalls(Wal wal, RepositoryOptions options, PendingCalls pending, RepositoryListener listener,
                  RepositoryTargets targets) {
        this.wal = wal;
        this.options = options;
        this.pending = pending;
        this.listener = listener;
        this.targets = targets;
    }

    /** The calling thread's last critical call's receipt, or null. */
    static CallReceipt lastReceipt() {
        return LAST_RECEIPT.get();
    }

    /** Forgets the calling thread's receipt: a new critical call starts. */
    static void clearReceipt() {
        LAST_RECEIPT.remove();
    }

    private void keepReceipt(CriticalMethod method, WriteResult written) {
        String target = method.resultTarget();
        LAST_RECEIPT.set(new CallReceipt(wal, method.display(), written.seq(), written.id(), target, written.duplicate(),
                () -> listener.breakerOpen(target)));
    }

    // a FUTURE method's future goes to the DAO's caller, whose method returns it
    @SuppressWarnings("FutureReturnValueIgnored")
    Object call(CriticalMethod method, Object[] args) throws Throwable {
        String payload = method.codec().encode(args);
        String key = method.key(args);
        WalEntry.Builder entry = WalEntry.builder(method.namespace(), method.operation()).key(key)
                .alsoKeys(method.alsoKeys(args, key)).payloadJson(payload).targets(method.targets())
                .idempotencyKey(method.idempotencyKey(args));
        if (method.lifecycle() != null) {
            entry.lifecycle(method.lifecycle());
        }
        switch (method.returnKind()) {
            case FUTURE:
                return callAsync(method, entry, payload);
            case VOID:
                if (options.voidWaitsForApply()) {
                    callAndWait(method, entry, payload);
                } else {
                    keepReceipt(method, wal.write(entry));
                }
                return null;
            default:
                return callAndWait(method, entry, payload);
        }
    }

    private Object callAndWait(CriticalMethod method, WalEntry.Builder entry, String payload) throws Throwable {
        String id = assignId(entry);
        PendingCalls.PendingCall call = pending.open(id, method.resultTarget());
        try {
            WriteResult written = wal.write(entry);
            keepReceipt(method, written);
            String target = method.resultTarget();
            EntryStatus now = written.statusByTarget().get(target);
            if ((now == null || !now.isTerminal()) && listener.breakerOpen(target)) {
                throw notYetApplied(method, written, call, "target '" + target + "' is unavailable (its circuit breaker "
                        + "is open), so the call did not wait for it");
            }
            CompletableFuture<EntryOutcome> applied = wal.awaitApplied(written.seq(), target, options.applyWait());
            EntryOutcome outcome;
            try {
                CompletableFuture.anyOf(applied, listener.opening(target)).get();
                if (!applied.isDone()) {
                    throw notYetApplied(method, written, call, "target '" + target + "' became unavailable (its circuit "
                            + "breaker opened) while the call waited");
                }
                outcome = applied.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof TimeoutException ? notYetApplied(method, written, call, waited(target,
                        options.applyWait())) : e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw notYetApplied(method, written, call, "the waiting thread was interrupted");
            }
            return written.duplicate() ? resolveDuplicate(method, written, outcome, payload)
                    : resolve(method, written, outcome, call, payload);
        } finally {
            pending.close(id);
        }
    }

    // each callback completes the result with its outcome, whatever it is, and lets nothing escape
    // (the inner one catches Throwable): the futures whenComplete returns carry nothing to handle
    @SuppressWarnings("FutureReturnValueIgnored")
    private CompletableFuture<Object> callAsync(CriticalMethod method, WalEntry.Builder entry, String payload) {
        String id = assignId(entry);
        PendingCalls.PendingCall call = pending.open(id, method.resultTarget());
        CompletableFuture<WriteResult> written;
        try {
            written = wal.writeAsync(entry);
        } catch (RuntimeException | Error e) {
            pending.close(id);
            throw e;
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        written.whenComplete((w, appendFailure) -> {
            if (appendFailure != null) {
                pending.close(id);
                result.completeExceptionally(unwrap(appendFailure));
                return;
            }
            try {
                CompletableFuture<EntryOutcome> applied = wal.awaitApplied(w.seq(), method.resultTarget(),
                        options.asyncResultTimeout());
                // a request id's outcome may have to be read from the database: not on the thread
                // that completes the wait, which may be the target's worker
                (method.hasRequestId() ? applied.whenCompleteAsync((o, f) -> { }) : applied)
                        .whenComplete((outcome, waitFailure) -> {
                            try {
                                if (waitFailure != null) {
                                    Throwable cause = unwrap(waitFailure);
                                    throw cause instanceof TimeoutException ? notYetApplied(method, w, call,
                                            waited(method.resultTarget(), options.asyncResultTimeout())) : cause;
                                }
                                result.complete(w.duplicate() ? resolveDuplicate(method, w, outcome, payload)
                                        : resolve(method, w, outcome, call, payload));
                            } catch (Throwable t) {
                                result.completeExceptionally(t);
                            } finally {
                                pending.close(id);
                            }
                        });
            } catch (RuntimeException e) {
                pending.close(id);
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The result of a call whose wait ended with {@code outcome}; see the class description. */
    private Object resolve(CriticalMethod method, WriteResult written, EntryOutcome outcome,
                           PendingCalls.PendingCall call, String payload) throws Throwable {
        String target = method.resultTarget();
        // An entry compacted away before the wait began was finished for every target: applied.
        EntryStatus status = outcome.statusByTarget().getOrDefault(target, EntryStatus.APPLIED);
        if (status == EntryStatus.APPLIED) {
            PendingCalls.Run run = call.latest();
            if ((run == null || !run.returned()) && (method.hasRequestId() || storedHere(method, written))) {
                // the log no longer knew the request id, but the target still held its key: the
                // entry was skipped as applied, and the first call's outcome is stored with the key;
                // or another instance of a shared log applied it and stored its outcome
                return storedOutcome(method, written, payload);
            }
            if ((run == null || !run.returned()) && method.returnKind() == ReturnKind.VOID) {
                return null; // applied, and nothing to return: by another instance of a shared log, say
            }
            if (run == null || !run.returned()) {
                throw new IllegalStateException(method.display() + ": " + entry(written) + " was applied by target '"
                        + target + "' without this repository recording a run of the DAO; is another applier "
                        + "registered for operation '" + method.operation() + "' on that target?");
            }
            return run.value();
        }
        if (!status.isTerminal()) {
            throw notYetApplied(method, written, call, "the Wal stopped while the call waited for target '" + target + "'");
        }
        Throwable thrown = call.thrown();
        if ((status == EntryStatus.DEAD || status == EntryStatus.REJECTED) && thrown != null) {
            throw thrown;
        }
        if (status == EntryStatus.REJECTED && method.outcomes() != null
                && targets.bindings().get(target).target().rejectedCall(written.idempotencyKey()) != null) {
            throw storedRejection(method, written, payload); // another instance of a shared log ran the DAO
        }
        String reason = call.lastReason();
        throw new EntryNotAppliedException(method.display() + ": " + entry(written) + " was not applied by target '"
                + target + "': " + describe(status) + (reason != null ? " (" + reason + ")" : ""), written.id(),
                written.seq(), target, status, reason, null);
    }

    /**
     * The answer to a retried request id: {@code written} is the first call's entry, {@code outcome}
     * its status; what the first call got (its stored result, the exception its DAO threw), if
     * the arguments are the same.
     */
    private Object resolveDuplicate(CriticalMethod method, WriteResult written, EntryOutcome outcome, String payload)
            throws Throwable {
        String target = method.resultTarget();
        EntryStatus status = outcome.statusByTarget().getOrDefault(target, EntryStatus.APPLIED);
        if (status == EntryStatus.APPLIED) {
            return storedOutcome(method, written, payload);
        }
        if (!status.isTerminal()) {
            throw notYetApplied(method, written, null, "the Wal stopped while the call waited for target '" + target + "'");
        }
        if (status == EntryStatus.REJECTED) {
            throw storedRejection(method, written, payload);
        }
        DeadLetter letter = status == EntryStatus.DEAD ? deadLetter(method, written.seq()) : null;
        if (letter != null) {
            requireSameArguments(method, written, CallOutcomes.argumentsHash(letter.entry().payload()), payload);
            Throwable thrown = method.outcomes().rethrown(letter.entry(), target, letter.reason());
            if (thrown != null) {
                throw thrown;
            }
        }
        String reason = letter != null ? letter.reason() : null;
        throw new EntryNotAppliedException(method.display() + ": " + entry(written) + ", the first call of request id '"
                + requestId(method, written) + "', was not applied by target '" + target + "': " + describe(status)
                + (reason != null ? " (" + reason + ")" : ""), written.id(), written.seq(), target, status, reason, null);
    }

    /**
     * What a retry of a rejected first call throws: the first call's verdict, stored by the result
     * target with the rejection, made again (the same declared type and message), or, when it cannot
     * be (no stored verdict, a type that is not one of the method's rejections by name or has no
     * public {@code (String)} constructor), an {@link EntryNotAppliedException} with status REJECTED
     * that names the verdict's type and message.
     */
    private Throwable storedRejection(CriticalMethod method, WriteResult written, String payload) {
        String target = method.resultTarget();
        String json = targets.bindings().get(target).target().rejectedCall(written.idempotencyKey());
        CallOutcomes.Rejection rejection = json == null ? null : method.outcomes().decodeRejection(json);
        String reason;
        if (rejection != null) {
            requireSameArguments(method, written, rejection.argumentsHash(), payload);
            Throwable rebuilt = CallOutcomes.rebuild(rejection, method.rejections());
            if (rebuilt != null) {
                return rebuilt;
            }
            reason = rejection.describe();
        } else {
            reason = null;
        }
        String call = method.hasRequestId() ? entry(written) + ", the first call of request id '"
                + requestId(method, written) + "'," : entry(written) + " (applied by another instance of the shared log)";
        return new EntryNotAppliedException(method.display() + ": " + call + " was not applied by target '" + target
                + "': " + describe(EntryStatus.REJECTED)
                + (reason != null ? "; its verdict " + reason + " cannot be thrown again as itself (its type is not one "
                + "of the method's rejection types by that name, or has no public (String) constructor)"
                : "; the target holds no verdict for it (it was rejected by a version that did not store verdicts, or "
                + "the verdict was purged after appliedKeysRetention)"), written.id(), written.seq(), target,
                EntryStatus.REJECTED, reason, null);
    }

    /** The first call's result, stored with its applied key on the result target. */
    private Object storedOutcome(CriticalMethod method, WriteResult written, String payload) {
        String target = method.resultTarget();
        AppliedKeyLedger.KeyRow row = targets.bindings().get(target).target().appliedKey(written.idempotencyKey());
        if (row == null || row.callOutcome() == null) {
            throw new IllegalStateException(method.display() + ": request id '" + requestId(method, written) + "' was "
                    + "applied by target '" + target + "' as " + entry(written) + ", but the target holds no outcome "
                    + "for it (" + (row == null ? "its applied key was purged after appliedKeysRetention" : "it was "
                    + "applied by a version that did not store outcomes") + "), so the first call's result is unknown; "
                    + "nothing was written");
        }
        CallOutcomes.Stored stored = method.outcomes().decode(row.callOutcome());
        requireSameArguments(method, written, stored.argumentsHash(), payload);
        return stored.value();
    }

    private static void requireSameArguments(CriticalMethod method, WriteResult written, String firstHash,
                                             String payload) {
        if (!firstHash.equals(CallOutcomes.argumentsHash(payload))) {
            throw new IllegalArgumentException(method.display() + ": request id '" + requestId(method, written) + "' was "
                    + "first used with other arguments (" + entry(written) + "); a retry must repeat the first call's "
                    + "arguments, and a new request needs a new request id; nothing was written");
        }
    }

    /** The dead letter of entry {@code seq} on the method's result target, or null if there is none (or no access). */
    private DeadLetter deadLetter(CriticalMethod method, long seq) {
        DeadLetterFilter filter = DeadLetterFilter.builder().namespace(method.namespace()).target(method.resultTarget())
                .build();
        try (Stream<DeadLetter> letters = wal.admin().deadLetters(filter)) {
            return letters.filter(d -> d.seq() == seq).findFirst().orElse(null);
        } catch (WalAccessDeniedException e) {
            return null;
        }
    }

    /** True when the result target stored an outcome with the call's key (another instance of a shared log ran it). */
    private boolean storedHere(CriticalMethod method, WriteResult written) {
        if (method.outcomes() == null) {
            return false;
        }
        AppliedKeyLedger.KeyRow row = targets.bindings().get(method.resultTarget()).target()
                .appliedKey(written.idempotencyKey());
        return row != null && row.callOutcome() != null;
    }

    private static String requestId(CriticalMethod method, WriteResult written) {
        return Names.abbreviate(RequestIds.requestId(written.idempotencyKey(), method.operation()));
    }

    /** @param call the waiting call, or null for a retried request id (whose first call is waited for) */
    private static NotYetAppliedException notYetApplied(CriticalMethod method, WriteResult written,
                                                        PendingCalls.PendingCall call, String why) {
        String reason = call == null ? null : call.lastReason();
        EntryStatus status = reason != null ? EntryStatus.RETRYING : EntryStatus.PENDING;
        return new NotYetAppliedException(method.display() + ": " + entry(written) + " is durable in the log but not "
                + "applied yet: " + why + " (status " + status + (reason != null ? "; last failure: " + reason : "")
                + "); it will still be applied, in its lane's order, but this call does not return its result"
                + (written.duplicate() ? " (it is the entry of the first call of request id '" + requestId(method, written)
                + "'; this call wrote nothing)" : ""),
                written.id(), written.seq(), method.resultTarget(), status, call == null ? null : call.thrown());
    }

    private static String waited(String target, Duration wait) {
        return "target '" + target + "' did not apply it within " + wait;
    }

    private static String entry(WriteResult written) {
        return "entry seq=" + written.seq() + " id=" + written.id();
    }

    private static String describe(EntryStatus status) {
        switch (status) {
            case DEAD:
                return "it was dead-lettered, and stays in the dead-letter queue until an operator requeues or discards it";
            case REJECTED:
                return "it was rejected (a business verdict of its DAO method), and will not be applied";
            case EXPIRED:
                return "it expired (its time to live passed) and will not be applied";
            default:
                return "an operator discarded it; it will not be applied";
        }
    }

    /** Gives the entry its id now, so that its waiting call is registered before any worker can apply it. */
    private static String assignId(WalEntry.Builder entry) {
        String id = entry.build().id();
        entry.id(id);
        return id;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
