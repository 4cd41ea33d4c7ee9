package org.wal4j.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StorageState;

/**
 * Periodic upkeep on the timer thread: compaction and the pruning of idempotency keys.
 *
 * <p>Compaction asks the storage to drop entries at or below the lowest checkpoint of the
 * configured targets and created before the retention cut-off. The lowest checkpoint is what
 * keeps a lagging target's entries; the storage additionally checks every entry's status, so an
 * entry made pending again below a checkpoint (requeue, re-apply) or still dead-lettered is never
 * dropped.
 *
 * <p>Thread-safe.
 */
final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final EngineContext ctx;
    private final Collection<String> targets;
    private final IdempotencyRegistry registry;
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    Maintenance(EngineContext ctx, Collection<String> targets, IdempotencyRegistry registry) {
        this.ctx = ctx;
        this.targets = targets;
        this.registry = registry;
    }

    /**
     * Compacts once. A failure that poisoned the storage stops the Wal; one that left it writable
     * (a compaction that could not write its temp file on a full disk, say) is logged and only
     * rethrown: a failed compaction is not a failed append. Either way the caller gets it.
     */
    synchronized CompactionResult compact() {
        long safePoint = Long.MAX_VALUE;
        for (String target : targets) {
            safePoint = Math.min(safePoint, ctx.storage.checkpoint(target));
        }
        Instant cutoff = ctx.time.wallNow().minus(ctx.config.retention());
        try {
            CompactionResult result = ctx.storage.compact(safePoint, cutoff);
            compactions.incrementAndGet();
            dropped.addAndGet(result.entriesDropped());
            if (result.entriesDropped() > 0) {
                LOG.info("Compaction up to seq {} before {} dropped {} entries and reclaimed {} bytes", safePoint,
                        cutoff, result.entriesDropped(), result.bytesReclaimed());
            }
            return result;
        } catch (RuntimeException e) {
            if (ctx.storage.stats().state() == StorageState.OPEN) {
                LOG.warn("Compaction failed; the log still accepts writes and the next compaction tries again: {}",
                        e.toString());
            } else {
                ctx.failures.storageFailed("compaction", e);
            }
            throw e;
        }
    }

    /** The periodic task: compaction failures are already reported, so they end here. */
    void compactQuietly() {
        try {
            compact();
        } catch (RuntimeException e) {
            LOG.debug("Periodic compaction failed", e);
        }
    }

    void pruneKeys() {
        registry.prune(ctx.time.wallNow().minus(ctx.config.retention()));
    }
}
