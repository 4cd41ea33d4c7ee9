package org.wal4j.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageEvents;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * A log shared by several application instances, in memory, for tests of code that runs on one
 * (as {@code SharedKafkaWalStorage} is shared on Kafka), without a broker: each {@link #instance}
 * is the storage of one {@code Wal}; an entry appended or a status recorded through one is seen by
 * all, and the test plays the consumer group, giving and taking partitions
 * ({@link Instance#give}, {@link Instance#take}).
 *
 * <p>Unlike a Kafka log, all instances share one numbering (seqs are the same everywhere), which
 * only makes the test double simpler: code must not rely on it.
 *
 * <p>Thread-safe.
 */
public final class SharedInMemoryLog {
    private final InMemoryWalStorage log = InMemoryWalStorage.create();
    private final int partitions;
    private final List<Instance> instances = new CopyOnWriteArrayList<>();

    /** A shared log of {@code partitions} partitions: every {@code Wal} on it needs as many apply partitions. */
    public SharedInMemoryLog(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1 but was " + partitions);
        }
        this.partitions = partitions;
    }

    /** A new instance's view of the log; {@code name} shows in {@code toString}. */
    public Instance instance(String name) {
        Instance instance = new Instance(name);
        instances.add(instance);
        return instance;
    }

    /** {@code by} appended {@code appended}, held through {@code seq} now: every instance is told, the others of the entries. */
    private void held(Instance by, List<WalEntry> appended, long seq) {
        for (Instance i : instances) {
            StorageEvents e = i.events;
            if (e != null) {
                if (i != by) {
                    e.appendedElsewhere(appended);
                }
                e.heldThrough(seq);
            }
        }
    }

    private void recorded(Instance by, List<StatusRecord> records) {
        for (Instance i : instances) {
            StorageEvents e = i.events;
            if (i != by && e != null) {
                e.statusesChanged(records);
                if (records.stream().anyMatch(r -> !r.status().isTerminal())) {
                    // a requeue: the owner reloads (not waited for: the recorder may be a worker itself)
                    CompletableFuture<Void> unused = e.reload();
                }
            }
        }
    }

    /** One instance's storage: what its {@code Wal} is built on. */
    public final class Instance implements WalStorage {
        private final String name;
        private volatile @Nullable StorageEvents events;

        private Instance(String name) {
            this.name = name;
        }

        private StorageEvents events() {
            StorageEvents e = events;
            if (e == null) {
                throw new IllegalStateException("no Wal on instance '" + name + "' has started");
            }
            return e;
        }

        /** The group gives this instance {@code given}; completes once its targets apply them. */
        public CompletableFuture<Void> give(Set<Integer> given) {
            return events().partitionsAssigned(given);
        }

        /** The group takes {@code taken} away; completes once they are stopped and the windows reloaded. */
        public CompletableFuture<Void> take(Set<Integer> taken) {
            StorageEvents e = events();
            return e.partitionsRevoked(taken).thenCompose(v -> e.reload());
        }

        @Override
        public OptionalInt sharedPartitions() {
            return OptionalInt.of(partitions);
        }

        @Override
        public void attach(StorageEvents listener) {
            if (events != null) {
                throw new IllegalStateException("instance '" + name + "' is already attached to a Wal");
            }
            events = listener;
        }

        @Override
        public CompletableFuture<AppendResult> appendAsync(List<WalEntry> entries) {
            return log.appendAsync(entries).thenApply(r -> {
                long[] seqs = new long[r.count()];
                List<WalEntry> appended = new ArrayList<>(seqs.length);
                for (int i = 0; i < seqs.length; i++) {
                    seqs[i] = r.seq(i);
                    appended.add(entries.get(i).withSeq(seqs[i]));
                }
                held(this, appended, r.lastSeq());
                return AppendResult.of(seqs, r.durable());
            });
        }

        @Override
        public CompletableFuture<Void> appendStatusAsync(List<StatusRecord> records) {
            CompletableFuture<Void> written = log.appendStatusAsync(records);
            recorded(this, new ArrayList<>(records));
            return written;
        }

        @Override
        public CompletableFuture<Void> saveCheckpoint(String target, long seq) {
            return log.saveCheckpoint(target, seq);
        }

        @Override
        public long checkpoint(String target) {
            return log.checkpoint(target);
        }

        @Override
        public CompletableFuture<Void> sync() {
            return log.sync();
        }

        @Override
        public CompletableFuture<Void> whenDurable(long seq) {
            return log.whenDurable(seq);
        }

        @Override
        public Optional<WalEntry> read(long seq) {
            return log.read(seq);
        }

        @Override
        public List<WalEntry> read(long fromSeq, long toSeq, int limit) {
            return log.read(fromSeq, toSeq, limit);
        }

        @Override
        public Stream<WalEntry> scan(long fromSeq) {
            return log.scan(fromSeq);
        }

        @Override
        public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
            return log.unfinished(target, afterSeq, limit);
        }

        @Override
        public List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit) {
            return log.deadLetters(target, afterSeq, limit);
        }

        @Override
        public Optional<EntryStatus> status(long seq, String target) {
            return log.status(seq, target);
        }

        @Override
        public CompactionResult compact(long safePoint, Instant createdBefore) {
            return CompactionResult.NOTHING; // the shared entries outlive any one instance
        }

        @Override
        public StorageStats stats() {
            return log.stats();
        }

        @Override
        public long lastSeq() {
            return log.lastSeq();
        }

        @Override
        public int maxEntryBytes() {
            return log.maxEntryBytes();
        }

        /** Detaches this instance; the log and the other instances go on. */
        @Override
        public void close() {
            events = null;
        }

        @Override
        public String toString() {
            return "SharedInMemoryLog.Instance[" + name + "]";
        }
    }
}
