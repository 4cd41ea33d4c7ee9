package org.wal4j.testing;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.LatencyHistogram;
import org.wal4j.spi.Names;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageState;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * A {@link WalStorage} in memory, for tests of the layers above the storage: a {@code Wal} built
 * with {@code Wal.builder(InMemoryWalStorage.create())} runs its whole engine without a disk. It
 * keeps its records (entries, status records, checkpoints) in append order like a log, so that
 * {@link #reopen()} rebuilds a new instance's index from them exactly as opening a file log does;
 * nothing survives the JVM. Every append is durable at once. {@link #poison(Throwable)} makes it
 * fail like a file log after a failed fsync.
 *
 * <p>It is also the reference a storage is measured against: it passes
 * {@link WalStorageContract}, and it is written against {@code org.wal4j.spi} alone
 * ({@link StatusIndex} for the per-target statuses, {@link AppendChecks} for the append checks).
 *
 * <p>Thread-safe: one lock guards everything.
 */
public final class InMemoryWalStorage implements WalStorage {
    /** Default largest payload, in bytes: 1 MiB, as for the file log. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 1 << 20;

    private record Checkpoint(String target, long seq) {
    }

    private final Object lock = new Object();
    private final int maxEntryBytes;
    @GuardedBy("lock")
    private final List<Object> records;
    @GuardedBy("lock")
    private final NavigableMap<Long, WalEntry> entries = new TreeMap<>();
    @GuardedBy("lock")
    private final Map<String, Long> checkpoints = new HashMap<>();
    @GuardedBy("lock")
    private final StatusIndex index = new StatusIndex();
    @GuardedBy("lock")
    private long lastSeq;
    @GuardedBy("lock")
    private long appendedEntries;
    @GuardedBy("lock")
    private long payloadBytes;
    @GuardedBy("lock")
    private StorageState state = StorageState.OPEN;
    /** What {@link #poison} was given, set together with state POISONED; null if never poisoned. */
    @GuardedBy("lock")
    private @Nullable Throwable poisonCause;
    @GuardedBy("lock")
    private final LatencyHistogram appendLatency = new LatencyHistogram();

    private InMemoryWalStorage(int maxEntryBytes) {
        this(maxEntryBytes, new ArrayList<>());
    }

    /** An empty storage accepting payloads up to {@link #DEFAULT_MAX_ENTRY_BYTES}. */
    public static InMemoryWalStorage create() {
        return new InMemoryWalStorage(DEFAULT_MAX_ENTRY_BYTES);
    }

    private InMemoryWalStorage(int maxEntryBytes, List<Object> records) {
        this.maxEntryBytes = maxEntryBytes;
        this.records = records;
        for (Object record : records) {
            if (record instanceof WalEntry) {
                WalEntry entry = (WalEntry) record;
                entries.put(entry.seq(), entry);
                index.add(entry.seq(), entry.seq(), entry.targets());
                lastSeq = entry.seq();
                payloadBytes += AppendChecks.utf8Length(entry.payload());
            } else if (record instanceof StatusRecord) {
                applyStatus((StatusRecord) record);
            } else {
                Checkpoint checkpoint = (Checkpoint) record;
                checkpoints.merge(checkpoint.target(), checkpoint.seq(), Math::max);
            }
        }
    }

    /** A storage with a smaller or larger payload limit than {@link #DEFAULT_MAX_ENTRY_BYTES}. */
    public static InMemoryWalStorage withMaxEntryBytes(int maxEntryBytes) {
        if (maxEntryBytes < 1) {
            throw new IllegalArgumentException("maxEntryBytes must be at least 1 but was " + maxEntryBytes);
        }
        return new InMemoryWalStorage(maxEntryBytes);
    }

    /**
     * Simulates a process restart: closes this storage if it is open and returns a new one whose
     * state is rebuilt from the records this one wrote.
     */
    public InMemoryWalStorage reopen() {
        synchronized (lock) {
            state = StorageState.CLOSED;
            return new InMemoryWalStorage(maxEntryBytes, records);
        }
    }

    /** Makes every later write fail, as a file log does after a failed write or fsync. */
    public void poison(Throwable cause) {
        synchronized (lock) {
            if (state == StorageState.OPEN) {
                state = StorageState.POISONED;
                poisonCause = cause;
            }
        }
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(List<WalEntry> batch) {
        long start = System.nanoTime();
        AppendChecks.check(batch, maxEntryBytes);
        synchronized (lock) {
            checkWritable();
            long first = lastSeq + 1;
            for (WalEntry draft : batch) {
                WalEntry entry = draft.withSeq(++lastSeq);
                records.add(entry);
                entries.put(entry.seq(), entry);
                index.add(entry.seq(), entry.seq(), entry.targets());
                payloadBytes += AppendChecks.utf8Length(entry.payload());
            }
            appendedEntries += batch.size();
            appendLatency.record(System.nanoTime() - start);
            return CompletableFuture.completedFuture(new AppendResult(first, batch.size(), true));
        }
    }

    @Override
    public CompletableFuture<Void> appendStatusAsync(List<StatusRecord> batch) {
        synchronized (lock) {
            checkWritable();
            for (StatusRecord record : batch) {
                checkStatus(record);
            }
            for (StatusRecord record : batch) {
                if (entries.containsKey(record.seq())) {
                    records.add(record);
                    applyStatus(record);
                }
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @GuardedBy("lock")
    private void checkStatus(StatusRecord record) {
        if (record.seq() > lastSeq) {
            throw new IllegalArgumentException("status record for seq " + record.seq()
                    + " but the last seq assigned is " + lastSeq);
        }
        WalEntry entry = entries.get(record.seq());
        if (entry != null && !entry.targets().contains(record.target())) {
            throw new IllegalArgumentException("entry " + record.seq() + " does not name target '"
                    + record.target() + "'; it names " + entry.targets());
        }
    }

    @GuardedBy("lock")
    private void applyStatus(StatusRecord record) {
        WalEntry entry = entries.get(record.seq());
        if (entry == null) {
            return; // compacted away
        }
        if (!index.apply(record) && (!record.status().isTerminal() || record.status() == EntryStatus.DEAD)) {
            index.retrack(entry.seq(), entry.seq(), entry.targets(), record);
        }
    }

    @Override
    public CompletableFuture<Void> saveCheckpoint(String target, long seq) {
        Names.requireTarget(target);
        synchronized (lock) {
            checkWritable();
            if (seq < 0 || seq > lastSeq) {
                throw new IllegalArgumentException("checkpoint for '" + target + "' must be between 0 and the last seq "
                        + lastSeq + " but was " + seq);
            }
            if (seq > checkpoints.getOrDefault(target, 0L)) {
                checkpoints.put(target, seq);
                records.add(new Checkpoint(target, seq));
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public long checkpoint(String target) {
        synchronized (lock) {
            return checkpoints.getOrDefault(target, 0L);
        }
    }

    @Override
    public CompletableFuture<Void> sync() {
        synchronized (lock) {
            checkWritable();
            return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletableFuture<Void> whenDurable(long seq) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<WalEntry> read(long seq) {
        synchronized (lock) {
            return Optional.ofNullable(entries.get(seq));
        }
    }

    @Override
    public List<WalEntry> read(long fromSeq, long toSeq, int limit) {
        synchronized (lock) {
            if (fromSeq > toSeq) {
                return List.of();
            }
            return entries.subMap(fromSeq, true, toSeq, true).values().stream().limit(limit).toList();
        }
    }

    @Override
    public Stream<WalEntry> scan(long fromSeq) {
        synchronized (lock) {
            return List.copyOf(entries.tailMap(fromSeq, true).values()).stream();
        }
    }

    @Override
    public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
        synchronized (lock) {
            return tracked(index.unfinished(target, afterSeq, limit));
        }
    }

    @Override
    public List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit) {
        synchronized (lock) {
            return tracked(index.deadLetters(target, afterSeq, limit));
        }
    }

    @GuardedBy("lock")
    private List<TrackedEntry> tracked(List<StatusIndex.State> states) {
        List<TrackedEntry> out = new ArrayList<>(states.size());
        for (StatusIndex.State s : states) {
            WalEntry entry = entries.get(s.locator());
            if (entry == null) {
                throw new IllegalStateException("The index tracks seq " + s.seq() + " for " + s.target()
                        + " but the in-memory log does not hold it");
            }
            out.add(new TrackedEntry(entry, s.target(), s.status(), s.attempts(), s.lastChangeAt(), s.reason()));
        }
        return out;
    }

    @Override
    public Optional<EntryStatus> status(long seq, String target) {
        synchronized (lock) {
            WalEntry entry = entries.get(seq);
            if (entry == null || !entry.targets().contains(target)) {
                return Optional.empty();
            }
            return Optional.of(index.trackedStatus(seq, target).orElseGet(() -> index.untrackedStatus(seq, target)));
        }
    }

    @Override
    public CompactionResult compact(long safePoint, Instant createdBefore) {
        synchronized (lock) {
            checkWritable();
            List<WalEntry> dropped = new ArrayList<>();
            for (WalEntry entry : entries.headMap(safePoint, true).values()) {
                if (entry.createdAt().isBefore(createdBefore) && !index.isTracked(entry.seq())) {
                    dropped.add(entry);
                }
            }
            if (dropped.isEmpty()) {
                return CompactionResult.NOTHING;
            }
            long bytesBefore = payloadBytes;
            for (WalEntry entry : dropped) {
                entries.remove(entry.seq());
                payloadBytes -= AppendChecks.utf8Length(entry.payload());
                index.forget(entry.seq());
            }
            NavigableMap<Long, WalEntry> kept = entries; // read under the lock, used by the filter below
            records.removeIf(r -> r instanceof WalEntry ? !kept.containsKey(((WalEntry) r).seq())
                    : r instanceof StatusRecord && !kept.containsKey(((StatusRecord) r).seq()));
            return new CompactionResult(dropped.size(), 0, 0, bytesBefore - payloadBytes);
        }
    }

    @Override
    public StorageStats stats() {
        synchronized (lock) {
            return new StorageStats(state, lastSeq, entries.size(), payloadBytes, 1, index.unfinishedCount(),
                    index.pendingByTarget(), index.deadLetterCount(), checkpoints, 0, appendedEntries, 0,
                    appendLatency.percentile(0.5) / 1000, appendLatency.percentile(0.99) / 1000,
                    appendLatency.percentile(0.999) / 1000);
        }
    }

    @Override
    public long lastSeq() {
        synchronized (lock) {
            return lastSeq;
        }
    }

    @Override
    public int maxEntryBytes() {
        return maxEntryBytes;
    }

    @Override
    public void close() {
        synchronized (lock) {
            state = StorageState.CLOSED;
        }
    }

    @GuardedBy("lock")
    private void checkWritable() {
        if (state == StorageState.CLOSED) {
            throw new WalUnavailableException("The in-memory log is closed");
        }
        Throwable cause = poisonCause; // non-null exactly when the state is POISONED
        if (cause != null) {
            throw new WalUnavailableException("The in-memory log is poisoned by an earlier failure and refuses "
                    + "writes until reopened: " + cause, cause);
        }
    }
}
