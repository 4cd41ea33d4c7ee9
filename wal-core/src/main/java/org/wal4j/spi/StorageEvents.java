package org.wal4j.spi;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.wal4j.WalEntry;

/**
 * What a storage shared by several application instances tells the engine running on it
 * ({@link WalStorage#attach}). A storage with one writer never calls it: the engine learns
 * everything from its own appends and outcomes.
 *
 * <p>A shared log is divided into the engine's apply partitions ({@link WalStorage#sharedPartitions}),
 * each applied by one instance at a time: the storage decides which ({@link #partitionsAssigned},
 * {@link #partitionsRevoked}). Its {@link WalStorage#unfinished} lists every partition's entries
 * (read-your-writes needs them all); the engine applies those of the partitions it was given.
 *
 * <p>Thread-safe: the storage calls it from its own threads.
 */
public interface StorageEvents {

    /**
     * Every sequence number up to {@code seq} is held now, some appended by other instances: the
     * workers load what is unfinished for the partitions owned here.
     */
    void heldThrough(long seq);

    /**
     * Entries other instances appended, numbered with this instance's seqs, told before
     * {@link #heldThrough} covers them: the engine remembers their idempotency keys, so that the
     * retry of such a write on this instance (a client that timed out and tried another instance)
     * returns the original's result instead of appending the call a second time. Two instances
     * writing one key at the same moment still append it twice (the target's idempotency absorbs
     * the second). Their payloads may be in their stored form (encrypted): only the other fields
     * are read. The default ignores them.
     */
    default void appendedElsewhere(List<WalEntry> entries) {
    }

    /**
     * Another instance, or an operator, changed these entries' statuses; the storage's index
     * already shows them. Waiters on those entries ({@code awaitApplied}) are answered.
     */
    void statusesChanged(List<StatusRecord> records);

    /**
     * This instance now owns {@code partitions} as well. The engine claims them at each target
     * ({@link SyncTarget#claimPartition}), reloads its windows and starts applying them.
     *
     * @return completes once every target applies them
     */
    CompletableFuture<Void> partitionsAssigned(Set<Integer> partitions);

    /**
     * This instance loses {@code partitions}. The engine stops applying them; a call in flight
     * completes and is recorded first.
     *
     * @return completes once no call of these partitions is in flight and none will start; the
     *         storage then calls {@link #reload()}
     */
    CompletableFuture<Void> partitionsRevoked(Set<Integer> partitions);

    /** The storage's index changed under the engine's windows (ownership moved): reload them. */
    CompletableFuture<Void> reload();
}
