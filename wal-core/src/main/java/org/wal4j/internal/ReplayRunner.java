package org.wal4j.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.UserContext;
import org.wal4j.WalAction;
import org.wal4j.WalEntry;
import org.wal4j.spi.WalStorage;

/**
 * Replay: the entries still in the log that match a {@link ReplayQuery}, read lazily with the
 * storage's scan, each with its status per target; and re-apply, which makes the matching entries
 * PENDING again for one target (through its worker, in chunks) so that they are applied again in
 * lane order, for example after the target's database was restored from a backup. A target that
 * honours idempotency keys skips the ones it still has.
 *
 * <p>Thread-safe.
 */
final class ReplayRunner {
    private final WalStorage storage;
    private final Map<String, TargetWorker> workers;
    private final AccessGuard guard;
    private final AuditTrail audit;

    ReplayRunner(WalStorage storage, Map<String, TargetWorker> workers, AccessGuard guard, AuditTrail audit) {
        this.storage = storage;
        this.workers = workers;
        this.guard = guard;
        this.audit = audit;
    }

    Stream<ReplayRecord> replay(ReplayQuery query, UserContext user) {
        guard.checkTenantFilter(user, WalAction.REPLAY, query.tenantId(), query.namespace());
        audit.record(user, WalAction.REPLAY, true, query.namespace(), query.operation(), 0, query.target(), -1,
                query.toString());
        return matching(query, user, WalAction.REPLAY);
    }

    private Stream<ReplayRecord> matching(ReplayQuery query, UserContext user, WalAction action) {
        return storage.scanCreated(1, query.createdFrom(), query.createdBefore())
                .filter(query::matchesEntry)
                .filter(e -> guard.mayAccess(user, action, e))
                .map(this::withStatuses)
                .flatMap(Optional::stream)
                .filter(r -> query.matchesStatus(r.statusByTarget()));
    }

    private Optional<ReplayRecord> withStatuses(WalEntry e) {
        Map<String, EntryStatus> statuses = new LinkedHashMap<>();
        for (String target : e.targets()) {
            Optional<EntryStatus> status = storage.status(e.seq(), target);
            if (status.isEmpty()) {
                return Optional.empty(); // compacted while the scan ran
            }
            statuses.put(target, status.get());
        }
        return Optional.of(new ReplayRecord(e, statuses));
    }

    int reapply(ReplayQuery query, String target, UserContext user) {
        ChunkedChange.requireWorker(workers, target);
        guard.checkTenantFilter(user, WalAction.REAPPLY, query.tenantId(), query.namespace());
        ChunkedChange chunked = new ChunkedChange(workers, (w, chunk) -> w.makePending(chunk, EntryStatus::isTerminal,
                "re-apply requested by " + user.userId()));
        try (Stream<ReplayRecord> records = matching(query, user, WalAction.REAPPLY)) {
            records.filter(r -> {
                EntryStatus status = r.statusByTarget().get(target);
                return status != null && status.isTerminal();
            }).forEach(r -> chunked.add(target, r.entry()));
        }
        int count = chunked.finish();
        audit.record(user, WalAction.REAPPLY, true, query.namespace(), query.operation(), 0, target, count,
                query.toString());
        return count;
    }
}
