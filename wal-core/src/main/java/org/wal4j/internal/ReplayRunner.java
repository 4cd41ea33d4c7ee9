package org.wal4j.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
    private static final int CHUNK = 1000;

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
        return storage.scan(1)
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
        TargetWorker worker = workers.get(target);
        if (worker == null) {
            throw new IllegalArgumentException("no target '" + target + "'; targets are " + workers.keySet());
        }
        guard.checkTenantFilter(user, WalAction.REAPPLY, query.tenantId(), query.namespace());
        int count = 0;
        List<WalEntry> chunk = new ArrayList<>();
        try (Stream<ReplayRecord> records = matching(query, user, WalAction.REAPPLY)) {
            for (Iterator<ReplayRecord> it = records.iterator(); it.hasNext(); ) {
                ReplayRecord r = it.next();
                EntryStatus status = r.statusByTarget().get(target);
                if (status != null && status.isTerminal()) {
                    chunk.add(r.entry());
                    if (chunk.size() == CHUNK) {
                        count += submit(worker, chunk, user);
                        chunk = new ArrayList<>();
                    }
                }
            }
        }
        if (!chunk.isEmpty()) {
            count += submit(worker, chunk, user);
        }
        audit.record(user, WalAction.REAPPLY, true, query.namespace(), query.operation(), 0, target, count,
                query.toString());
        return count;
    }

    private static int submit(TargetWorker worker, List<WalEntry> chunk, UserContext user) {
        List<WalEntry> copy = List.copyOf(chunk);
        return WalStorage.await(worker.submit(w -> w.makePending(copy, EntryStatus::isTerminal,
                "re-apply requested by " + user.userId()))).size();
    }
}
