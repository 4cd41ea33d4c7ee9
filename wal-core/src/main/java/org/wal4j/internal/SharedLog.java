package org.wal4j.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.WalEntry;
import org.wal4j.WriteResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageEvents;

/**
 * The engine's side of a log shared by several application instances ({@code WalStorage.attach}):
 * entries other instances appended become loadable, their outcomes answer this instance's
 * waiters, and partitions are claimed at every target before they are applied here and released
 * after.
 *
 * <h2>Ownership</h2>
 * A partition given to this instance is claimed at each target ({@code SyncTarget.claimPartition},
 * which fences the previous owner), then started and the target's window reloaded (it passed over
 * the partition's entries while another instance owned it). A claim that fails (the database is down, an earlier owner's batch still holds it) is
 * tried again every {@link #CLAIM_RETRY} for as long as the partition stays given. A partition
 * taken away is stopped at every target (its call in flight completes and is recorded first), then
 * released. Claims and releases run in order on one thread of their own, never on a worker's or
 * the storage's thread.
 *
 * <p>Thread-safe.
 */
final class SharedLog implements StorageEvents {
    static final Duration CLAIM_RETRY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(SharedLog.class);

    private final EngineContext ctx;
    private final Collection<TargetWorker> workers;
    private final int partitions;
    private final ScheduledExecutorService claims;
    /** The idempotency keys written: those of other instances' entries too, as they are read. */
    private final IdempotencyRegistry keys;
    /** The partitions the storage gave this instance and did not take back. */
    private final Set<Integer> given = ConcurrentHashMap.newKeySet();

    SharedLog(EngineContext ctx, Collection<TargetWorker> workers, int partitions, IdempotencyRegistry keys) {
        this.ctx = ctx;
        this.keys = keys;
        this.workers = workers;
        this.partitions = partitions;
        this.claims = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wal4j-partition-claims");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void heldThrough(long seq) {
        ctx.watermark.acked(1, seq);
        ctx.timeline.appended(seq);
        workers.forEach(TargetWorker::signal);
    }

    @Override
    public void appendedElsewhere(List<WalEntry> entries) {
        for (WalEntry e : entries) {
            if (!e.idempotencyKey().equals(e.id())) { // as the scan at start restores them
                keys.restore(e.idempotencyKey(), new WriteResult(e.seq(), e.id(), e.idempotencyKey(), e.createdAt(),
                        true, Map.of(), false), e.tenantId());
            }
        }
    }

    @Override
    public void statusesChanged(List<StatusRecord> records) {
        ctx.ownWrites.finishedElsewhere(records);
        for (StatusRecord r : records) {
            if (r.status().isTerminal()) {
                ctx.tracker.onTerminal(r.seq(), r.target(), r.status());
            }
        }
    }

    @Override
    public CompletableFuture<Void> partitionsAssigned(Set<Integer> assigned) {
        given.addAll(assigned);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (TargetWorker worker : workers) {
            for (int p : assigned) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                started.add(done);
                claims.execute(() -> claim(worker, p, done));
            }
        }
        return CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0]));
    }

    // the retry and the start hand their outcome to done; the futures schedule and whenComplete return add nothing
    @SuppressWarnings("FutureReturnValueIgnored")
    private void claim(TargetWorker worker, int partition, CompletableFuture<Void> done) {
        if (!given.contains(partition)) {
            done.complete(null); // taken back before it could be claimed
            return;
        }
        try {
            worker.target().claimPartition(partition, partitions);
        } catch (RuntimeException e) {
            LOG.warn("Target '{}' could not claim partition {} of the shared log; trying again in {}", worker.name(),
                    partition, CLAIM_RETRY, e);
            claims.schedule(() -> claim(worker, partition, done), CLAIM_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (!given.contains(partition)) {
            done.complete(null);
            return;
        }
        worker.adopt(partition).whenComplete((v, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(null);
            }
        });
    }

    @Override
    public CompletableFuture<Void> partitionsRevoked(Set<Integer> revoked) {
        given.removeAll(revoked);
        if (claims.isShutdown()) {
            return CompletableFuture.completedFuture(null); // the engine stopped: its workers apply nothing more
        }
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (TargetWorker worker : workers) {
            for (int p : revoked) {
                stopped.add(worker.stopPartition(p).thenRunAsync(() -> release(worker, p), claims));
            }
        }
        return CompletableFuture.allOf(stopped.toArray(new CompletableFuture<?>[0]));
    }

    private static void release(TargetWorker worker, int partition) {
        try {
            worker.target().releasePartition(partition);
        } catch (RuntimeException e) {
            LOG.warn("Target '{}' failed to release partition {} of the shared log", worker.name(), partition, e);
        }
    }

    @Override
    public CompletableFuture<Void> reload() {
        if (claims.isShutdown()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> reloaded = new ArrayList<>();
        for (TargetWorker worker : workers) {
            reloaded.add(worker.reload());
        }
        return CompletableFuture.allOf(reloaded.toArray(new CompletableFuture<?>[0]));
    }

    /** Stops claiming; called when the engine stops. */
    void close() {
        claims.shutdownNow();
    }
}
