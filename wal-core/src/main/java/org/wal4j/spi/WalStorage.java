package org.wal4j.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.EntryTooLargeException;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.WalException;
import org.wal4j.WalUnavailableException;

/**
 * Where the log lives: the storage SPI under the {@code Wal} manager. The file implementation is
 * {@code org.wal4j.storage.file.FileWalStorage}; {@code org.wal4j.testing.InMemoryWalStorage}
 * (artifact {@code wal-testing}) is the in-memory reference for tests. An implementation proves
 * itself by passing {@code org.wal4j.testing.WalStorageContract}; {@link StatusIndex},
 * {@link AppendChecks} and {@link LatencyHistogram} are the supported building blocks for one.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Appends</b> assign consecutive sequence numbers, from 1, in the order the storage
 *       accepts them, and complete once the entries are durable per the storage's
 *       {@link SyncPolicy}. Invalid input (an entry with a sequence number already set, no target,
 *       a payload over the size limit) is rejected by throwing from the call itself, before
 *       anything is written; the returned future fails only for I/O reasons
 *       ({@link WalUnavailableException}).</li>
 *   <li><b>Status records</b> change an entry's {@link EntryStatus} for one target. They are
 *       written in order with appends but never force the disk by themselves: losing the last
 *       ones in a crash only means an entry is applied again, which the idempotency key
 *       absorbs. The storage's index reflects them as soon as the call returns.</li>
 *   <li><b>The index</b> of unfinished entries (not terminal for some target) and of dead
 *       letters is kept in memory and rebuilt on open from the log, without holding payloads.</li>
 *   <li><b>Checkpoints</b>: per target, a sequence number at or below which every entry reached a
 *       terminal status for that target. Saving one forces the disk.</li>
 *   <li><b>Compaction</b> drops entries with {@code seq <= safePoint}, created before a cut-off,
 *       whose status is {@link EntryStatus#isCompactable() compactable} for every target.</li>
 *   <li>Once a write or force has failed the storage is {@link StorageState#POISONED}: pending and
 *       later appends fail with {@link WalUnavailableException}; reads still work.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface WalStorage extends AutoCloseable {

    /**
     * Appends entries whose {@link WalEntry#seq()} is {@link WalEntry#UNASSIGNED} and whose
     * {@link WalEntry#targets()} are not empty.
     *
     * @return completes with the assigned sequence numbers once durable per the sync policy, or
     *         exceptionally with {@link WalUnavailableException} if the storage is poisoned or closed
     * @throws IllegalArgumentException  for an invalid entry or an empty list; nothing is written
     * @throws EntryTooLargeException    for a payload over the size limit; nothing is written
     * @throws WalUnavailableException   if the storage is already poisoned or closed
     */
    CompletableFuture<AppendResult> appendAsync(List<WalEntry> entries);

    /** {@link #appendAsync(List)}, waiting for the acknowledgement. */
    default AppendResult append(List<WalEntry> entries) {
        return await(appendAsync(entries));
    }

    /** Appends one entry and returns its sequence number once durable per the sync policy. */
    default long append(WalEntry entry) {
        return append(List.of(entry)).firstSeq();
    }

    /**
     * Appends status records. The index reflects them when this call returns; the returned future
     * completes when they are written (not necessarily forced).
     *
     * @throws IllegalArgumentException if a record names a sequence number never assigned, or a
     *                                  target the entry does not name
     */
    CompletableFuture<Void> appendStatusAsync(List<StatusRecord> records);

    /** {@link #appendStatusAsync(List)}, waiting until the records are written. */
    default void appendStatus(List<StatusRecord> records) {
        await(appendStatusAsync(records));
    }

    /**
     * Persists {@code target}'s checkpoint and forces it to disk. A checkpoint lower than the
     * current one is ignored: checkpoints only move forward.
     */
    CompletableFuture<Void> saveCheckpoint(String target, long seq);

    /** The target's persisted checkpoint, 0 if it has none. */
    long checkpoint(String target);

    /** Forces everything written so far; completes when it is durable. */
    CompletableFuture<Void> sync();

    /** Completes when entry {@code seq} is forced to stable storage (at once if it already is). */
    CompletableFuture<Void> whenDurable(long seq);

    /** The entry, or empty if {@code seq} was never assigned or has been compacted away. */
    Optional<WalEntry> read(long seq);

    /** The entries with {@code fromSeq <= seq <= toSeq} still held, in order, at most {@code limit}. */
    List<WalEntry> read(long fromSeq, long toSeq, int limit);

    /**
     * Every entry held with {@code seq >= fromSeq}, in order, read lazily. The stream holds file
     * handles: close it (try-with-resources).
     */
    Stream<WalEntry> scan(long fromSeq);

    /**
     * {@link #scan}, only the entries created at or after {@code from} and before {@code before}
     * (null: unbounded), in order: what a replay by time reads. A storage that knows its entries'
     * creation times without reading them (the Kafka logs keep them in memory) overrides it to
     * read only those entries.
     */
    default Stream<WalEntry> scanCreated(long fromSeq, @Nullable Instant from, @Nullable Instant before) {
        return scan(fromSeq).filter(e -> createdWithin(e.createdAt(), from, before));
    }

    /** True if {@code createdAt} is at or after {@code from} and before {@code before} (null: unbounded). */
    static boolean createdWithin(Instant createdAt, @Nullable Instant from, @Nullable Instant before) {
        return (from == null || !createdAt.isBefore(from)) && (before == null || createdAt.isBefore(before));
    }

    /**
     * Entries not yet terminal for {@code target} (PENDING or RETRYING), with {@code seq > afterSeq},
     * in order, at most {@code limit}. Served from the index; payloads are read on demand.
     */
    List<TrackedEntry> unfinished(String target, long afterSeq, int limit);

    /**
     * Dead letters: entries in status DEAD for {@code target} (every target when null), with
     * {@code seq > afterSeq}, in order, at most {@code limit}. An entry dead for two targets
     * appears twice.
     */
    List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit);

    /**
     * The entry's status for {@code target}; empty if the entry is not held or does not name
     * {@code target}.
     */
    Optional<EntryStatus> status(long seq, String target);

    /**
     * Drops every entry with {@code seq <= safePoint} created before {@code createdBefore} that is
     * {@link EntryStatus#isCompactable() compactable} for every target it names. Never touches the
     * segment being written.
     */
    CompactionResult compact(long safePoint, Instant createdBefore);

    StorageStats stats();

    /** The highest sequence number assigned so far, 0 for an empty log. */
    long lastSeq();

    /** The largest payload accepted, in bytes of UTF-8 JSON. */
    int maxEntryBytes();

    /**
     * The apply partition count this log requires of every target, when it is shared by several
     * application instances and divided among them by partition; empty (the default) for a log with
     * one writer. A {@code Wal} refuses to build when a target's {@code applyPartitions} differs.
     */
    default OptionalInt sharedPartitions() {
        return OptionalInt.empty();
    }

    /**
     * Called once by the {@code Wal} built on this storage, before it starts. A shared storage
     * ({@link #sharedPartitions()} present) keeps {@code events} to report entries appended by
     * other instances and the partitions this instance owns, and reports no partition as owned
     * before this call. The default ignores it.
     */
    default void attach(StorageEvents events) {
    }

    /**
     * Stops accepting writes, completes or fails what is queued, forces, and releases files and
     * the directory lock. Idempotent.
     */
    @Override
    void close();

    /**
     * Waits for a storage future, rethrowing a {@link WalException} or other unchecked failure as
     * itself rather than wrapped.
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalUnavailableException("Interrupted while waiting for the log; the write may or may not "
                    + "have been acknowledged", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new WalException("Storage operation failed: " + cause, cause);
        }
    }
}
