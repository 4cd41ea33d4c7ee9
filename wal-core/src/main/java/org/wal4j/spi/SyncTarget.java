package org.wal4j.spi;

import java.util.List;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;

/**
 * Where entries are applied: a database, a replica, a remote service. The SPI the sync engine
 * drives, through the target's apply partitions.
 *
 * <h2>Contract of {@link #apply(List)}</h2>
 * <ul>
 *   <li>The batch holds entries in sequence order; entries of the same (namespace, key) lane
 *       appear in their write order. Apply them in that order.</li>
 *   <li>Stop at the first entry that fails: nothing after it may be applied. Report it with
 *       {@link ApplyResult#failed}; say whether the entries before it stayed applied (a target
 *       that applies entries one by one) or were rolled back with it (a transactional target).</li>
 *   <li>An entry may arrive more than once (after a crash, a lost status record, a requeue or a
 *       replay). A target that wants an exactly-once effect records each entry's
 *       {@link WalEntry#idempotencyKey()} in the same transaction as its effect and skips keys it
 *       has already seen, reporting them as applied.</li>
 *   <li>Throwing is allowed and means "the whole batch failed, retryable, nothing applied": the
 *       engine then splits the batch to find the entry at fault.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * The engine drains a target through {@code applyPartitions} apply partitions; every entry of a
 * lane belongs to the partition {@link ApplyPartitions#of} gives it, and one batch holds entries
 * of one partition only. {@link #apply} is called concurrently for distinct partitions (at most
 * one call per partition at a time, each on a thread of its own), so a target applies each call
 * in a transaction and on a connection of its own, and keeps any state it shares between calls
 * thread-safe. A target that cannot do that returns false from {@link #concurrentApply()}: it
 * then gets one call at a time, whatever the partition count. {@link #probe()} may be called
 * from yet another thread, concurrently with {@code apply}.
 */
public interface SyncTarget {

    /**
     * The target's name, matching {@value Names#TARGET_RULE}: the {@code Wal} files this target's
     * statuses, checkpoint and figures under it, so it must stay the same across restarts. Given
     * once, to the target (as Resilience4j's {@code CircuitBreaker.getName()}), and read by
     * {@code Wal.Builder.target(SyncTarget)}: nothing else names the target again.
     */
    String name();

    /**
     * Applies {@code batch} in order.
     *
     * @param batch one or more entries, never empty
     * @return one outcome per entry; {@link ApplyResult#applied(int)} when all were applied
     */
    ApplyResult apply(List<WalEntry> batch);

    /**
     * Called once by the {@code Wal} this target is added to, when the {@code Wal} is built and
     * before any {@link #apply} or {@link #probe}, with the {@code Wal}'s configuration. A
     * target that keeps something as long as the log keeps entries (a JDBC target's applied
     * idempotency keys) follows {@link WalConfig#retention()} unless told otherwise. The default
     * does nothing.
     */
    default void attach(WalConfig walConfig) {
    }

    /**
     * Offered once, when the {@code Wal} this target is added to is built (after {@link #attach}),
     * the {@code Wal}'s instrumentation. A target that applies entries one at a time keeps it,
     * opens {@link Instrumentation#applyEntry} around each entry it applies (and
     * {@link Instrumentation#applyBatch} around work it does for several entries at once), and
     * returns true: the engine then leaves its calls unwrapped. The default returns false: the
     * engine wraps each {@link #apply} call in {@link Instrumentation#applyBatch}.
     */
    default boolean observeEntries(Instrumentation instrumentation) {
        return false;
    }

    /**
     * Whether {@link #apply} may be called concurrently for distinct apply partitions (see the
     * class comment). The default, true, lets a target drain at the speed of its partitions; a
     * target that is not thread-safe returns false and gets one call at a time.
     */
    default boolean concurrentApply() {
        return true;
    }

    /**
     * A log shared by several instances only: this instance is about to apply {@code partition}
     * (of {@code partitions}) for this target, taking it over from the instance that applied it
     * before. A target that can fence records the claim where its apply transactions check it, so
     * that from now on a batch of that partition from an instance that claimed it earlier is
     * refused with {@link org.wal4j.PartitionFencedException} and changes nothing (the
     * {@code JdbcSyncTarget} keeps an epoch per partition in its database). It may block while an
     * earlier owner's batch is still open; throwing means "not claimed yet", and the engine tries
     * again later without applying the partition meanwhile. The default does nothing: without
     * fencing, an instance that lost a partition while paused may still apply a batch it held, and
     * the target's idempotency keys are what keeps that effect once.
     */
    default void claimPartition(int partition, int partitions) {
    }

    /**
     * A log shared by several instances only: this instance stopped applying {@code partition}
     * (its call in flight completed). The default does nothing.
     */
    default void releasePartition(int partition) {
    }

    /** A cheap health check (for example {@code SELECT 1}); the default does not know. */
    default TargetHealth probe() {
        return TargetHealth.unknown();
    }
}
