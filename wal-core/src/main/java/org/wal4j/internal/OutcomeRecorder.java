package org.wal4j.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.event.EntryApplied;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.event.EntryExpired;
import org.wal4j.event.EntryRejected;
import org.wal4j.event.EntryRetried;
import org.wal4j.spi.StatusRecord;

/**
 * Makes what happened to held entries true everywhere, in the one order that is safe: first the
 * status records in the storage (whose index reflects them at once), then the window and the
 * lanes, then the backpressure counts, the listeners and last the waiters (so that whoever
 * waited on an entry finds the listeners already told). If the storage refuses the
 * records nothing else changes and the worker stops: the entries are then applied again after a
 * restart, which their idempotency keys absorb.
 *
 * <p>Not thread-safe: confined to the worker thread.
 */
final class OutcomeRecorder {
    enum Kind {
        /** The target applied it: APPLIED. */
        APPLIED,
        /** A charged, retryable failure: RETRYING until {@code dueAt}. */
        RETRY,
        /** Permanent failure or attempts exhausted: DEAD. */
        DEAD,
        /** The target's business verdict against the entry: REJECTED, final, not a dead letter. */
        REJECTED,
        /** Time to live passed: EXPIRED. */
        EXPIRED,
        /** A failure not charged to the entry (the target looks down): no record, just wait until {@code dueAt}. */
        DELAY,
        /** Not attempted, or rolled back with another entry: stays as it is. */
        UNCHANGED
    }

    /**
     * What to do with one held entry; {@code attempts} is the count to record. {@code reason} is
     * set for RETRY, DEAD, REJECTED and EXPIRED (null for the others); {@code dueAt} for RETRY and
     * DELAY; {@code cause} is the exception behind a REJECTED verdict, if the target gave one.
     */
    record Effect(PendingEntry entry, Kind kind, int attempts, @Nullable String reason, @Nullable Instant dueAt,
                  @Nullable Throwable cause) {
        Effect(PendingEntry entry, Kind kind, int attempts, @Nullable String reason, @Nullable Instant dueAt) {
            this(entry, kind, attempts, reason, dueAt, null);
        }

        String requireReason() {
            return Objects.requireNonNull(reason, () -> kind + " without a reason");
        }

        Instant requireDueAt() {
            return Objects.requireNonNull(dueAt, () -> kind + " without a due time");
        }
    }

    private final String target;
    private final EngineContext ctx;
    private final TargetMetrics metrics;
    private final Window window;
    private final LanePartitions partitions;

    OutcomeRecorder(String target, EngineContext ctx, TargetMetrics metrics, Window window, LanePartitions partitions) {
        this.target = target;
        this.ctx = ctx;
        this.metrics = metrics;
        this.window = window;
        this.partitions = partitions;
    }

    /** Records {@code effects} and re-files every lane they touch (releasing busy ones). */
    void record(List<Effect> effects, Instant now) {
        // what people read, at the moment "now" (the engine's monotonic timeline) stands for: so an
        // event's times keep the engine's distances (a retry's next attempt is its backoff after it)
        Instant stamp = ctx.time.toWall(now);
        writeStatuses(effects, stamp);
        List<WalEntry> finished = new ArrayList<>();
        long finishedBytes = 0;
        Set<Lane> lanes = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Effect e : effects) {
            PendingEntry p = e.entry();
            lanes.addAll(p.lanes); // every lane of an entry of several lanes moves on or is filed again
            switch (e.kind()) {
                case APPLIED:
                case DEAD:
                case REJECTED:
                case EXPIRED:
                    window.remove(p);
                    finished.add(p.entry);
                    finishedBytes += p.bytes;
                    break;
                case RETRY:
                    p.attempts = e.attempts();
                    p.status = EntryStatus.RETRYING;
                    p.dueAt = e.requireDueAt();
                    break;
                case DELAY:
                    p.dueAt = e.requireDueAt();
                    break;
                default: // UNCHANGED
                    break;
            }
        }
        for (Lane lane : lanes) {
            partitions.release(lane, now);
        }
        ctx.ownWrites.finishedHere(target, finished, finishedBytes);
        for (Effect e : effects) {
            announce(e, stamp, now);
        }
    }

    // the callback handles the write's failure; the future whenComplete returns would only repeat it
    @SuppressWarnings("FutureReturnValueIgnored")
    private void writeStatuses(List<Effect> effects, Instant now) {
        List<StatusRecord> records = new ArrayList<>(effects.size());
        for (Effect e : effects) {
            EntryStatus status = statusOf(e.kind());
            if (status != null) {
                records.add(new StatusRecord(e.entry().seq(), target, status, e.attempts(), now, e.reason()));
            }
        }
        if (records.isEmpty()) {
            return;
        }
        try {
            ctx.storage.appendStatusAsync(records).whenComplete((ok, failure) -> {
                if (failure != null) {
                    ctx.failures.storageFailed("status", failure);
                }
            });
        } catch (RuntimeException failure) {
            throw new StorageFailure("status", failure);
        }
    }

    private void announce(Effect e, Instant stamp, Instant now) {
        PendingEntry p = e.entry();
        boolean listened = !ctx.events.isEmpty();
        switch (e.kind()) {
            case APPLIED:
                metrics.applied.incrementAndGet();
                if (listened) {
                    ctx.events.publish(new EntryApplied(stamp, target, p.entry, e.attempts()));
                }
                ctx.tracker.onTerminal(p.seq(), target, EntryStatus.APPLIED);
                break;
            case DEAD:
                metrics.deadLettered.incrementAndGet();
                metrics.deadLetters.incrementAndGet();
                if (listened) {
                    ctx.events.publish(new EntryDeadLettered(stamp, target, p.entry, e.attempts(), e.requireReason()));
                }
                ctx.tracker.onTerminal(p.seq(), target, EntryStatus.DEAD);
                break;
            case REJECTED:
                metrics.rejected.incrementAndGet();
                if (listened) {
                    Throwable cause = e.cause();
                    ctx.events.publish(new EntryRejected(stamp, target, p.entry, e.attempts(), e.requireReason(),
                            cause == null ? null : cause.getClass().getName(), cause == null ? null : cause.getMessage()));
                }
                ctx.tracker.onTerminal(p.seq(), target, EntryStatus.REJECTED);
                break;
            case EXPIRED:
                metrics.expired.incrementAndGet();
                if (listened) {
                    Instant expiredAt = ctx.time.toWall(Objects.requireNonNull(p.expiresAt,
                            "an expired entry has a time to live"));
                    ctx.events.publish(new EntryExpired(stamp, target, p.entry, expiredAt, e.attempts()));
                }
                ctx.tracker.onTerminal(p.seq(), target, EntryStatus.EXPIRED);
                break;
            case RETRY:
                metrics.retried.incrementAndGet();
                if (listened) {
                    ctx.events.publish(new EntryRetried(stamp, target, p.entry, e.attempts(),
                            stamp.plus(Duration.between(now, e.requireDueAt())),
                            e.requireReason()));
                }
                break;
            default:
                break;
        }
    }

    private static @Nullable EntryStatus statusOf(Kind kind) {
        switch (kind) {
            case APPLIED:
                return EntryStatus.APPLIED;
            case RETRY:
                return EntryStatus.RETRYING;
            case DEAD:
                return EntryStatus.DEAD;
            case REJECTED:
                return EntryStatus.REJECTED;
            case EXPIRED:
                return EntryStatus.EXPIRED;
            default:
                return null;
        }
    }
}
