package org.wal4j.internal;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryStatus;
import org.wal4j.UserContext;
import org.wal4j.WalAction;
import org.wal4j.WalEntry;
import org.wal4j.spi.WalStorage;

/**
 * The dead-letter queue: entries DEAD for a target, read page by page from the storage's index.
 * Listing filters by the {@link DeadLetterFilter}, tenant isolation and the access policy.
 * Requeue and discard are carried out by the target's worker between batches (so they never
 * race with its draining), in chunks; a requeued entry becomes PENDING with its attempts reset
 * and is applied in its lane's order, by seq, after the lane's entries already applied.
 *
 * <p>Thread-safe.
 */
final class DeadLetterQueue {
    private static final int PAGE = 256;

    private final WalStorage storage;
    private final Map<String, TargetWorker> workers;
    private final AccessGuard guard;
    private final AuditTrail audit;

    DeadLetterQueue(WalStorage storage, Map<String, TargetWorker> workers, AccessGuard guard, AuditTrail audit) {
        this.storage = storage;
        this.workers = workers;
        this.guard = guard;
        this.audit = audit;
    }

    Stream<DeadLetter> list(DeadLetterFilter filter, UserContext user) {
        guard.checkTenantFilter(user, WalAction.READ_DEAD_LETTERS, filter.tenantId(), filter.namespace());
        audit.record(user, WalAction.READ_DEAD_LETTERS, true, filter.namespace(), null, 0, filter.target(), -1,
                filter.toString());
        return matching(filter, user, WalAction.READ_DEAD_LETTERS);
    }

    private Stream<DeadLetter> matching(DeadLetterFilter filter, UserContext user, WalAction action) {
        return Paging.stream(after -> storage.deadLetters(filter.target(), after, PAGE), t -> t.entry().seq(), PAGE)
                .map(t -> new DeadLetter(t.entry(), t.target(), t.attempts(), t.lastChangeAt(), t.reason()))
                .filter(filter::matches)
                .filter(d -> guard.mayAccess(user, action, d.entry()));
    }

    /** Requeues one dead letter. */
    boolean requeue(long seq, String target, UserContext user) {
        return one(seq, target, user, WalAction.REQUEUE,
                (w, e) -> w.makePending(e, s -> s == EntryStatus.DEAD, "requeued by " + user.userId()));
    }

    /** Discards one dead letter. */
    boolean discard(long seq, String target, UserContext user) {
        return one(seq, target, user, WalAction.DISCARD, (w, e) -> w.discard(e, "discarded by " + user.userId()));
    }

    int requeue(DeadLetterFilter filter, UserContext user) {
        return many(filter, user, WalAction.REQUEUE,
                (w, e) -> w.makePending(e, s -> s == EntryStatus.DEAD, "requeued by " + user.userId()));
    }

    int discard(DeadLetterFilter filter, UserContext user) {
        return many(filter, user, WalAction.DISCARD, (w, e) -> w.discard(e, "discarded by " + user.userId()));
    }

    private boolean one(long seq, String target, UserContext user, WalAction action,
                        BiFunction<TargetWorker, List<WalEntry>, List<Long>> change) {
        TargetWorker worker = worker(target);
        WalEntry entry = storage.read(seq).orElseThrow(() -> new IllegalArgumentException("no entry with seq " + seq
                + " in the log (last seq " + storage.lastSeq() + ")"));
        guard.checkEntry(user, action, entry, target);
        EntryStatus status = storage.status(seq, target).orElseThrow(() -> new IllegalArgumentException("entry " + seq
                + " does not name target '" + target + "'; it names " + entry.targets()));
        if (status != EntryStatus.DEAD) {
            throw new IllegalArgumentException("entry " + seq + " is not a dead letter for target '" + target
                    + "'; its status is " + status);
        }
        List<Long> changed = WalStorage.await(worker.submit(w -> change.apply(w, List.of(entry))));
        audit.record(user, action, true, entry.namespace(), entry.operation(), seq, target, changed.size(), null);
        return !changed.isEmpty();
    }

    private int many(DeadLetterFilter filter, UserContext user, WalAction action,
                     BiFunction<TargetWorker, List<WalEntry>, List<Long>> change) {
        guard.checkTenantFilter(user, action, filter.tenantId(), filter.namespace());
        if (filter.target() != null) {
            worker(filter.target());
        }
        ChunkedChange chunked = new ChunkedChange(workers, change);
        try (Stream<DeadLetter> letters = matching(filter, user, action)) {
            letters.filter(d -> workers.containsKey(d.target())) // a target this Wal does not drain: left alone
                    .forEach(d -> chunked.add(d.target(), d.entry()));
        }
        int count = chunked.finish();
        audit.record(user, action, true, filter.namespace(), null, 0, filter.target(), count, filter.toString());
        return count;
    }

    private TargetWorker worker(String target) {
        return ChunkedChange.requireWorker(workers, target);
    }
}
