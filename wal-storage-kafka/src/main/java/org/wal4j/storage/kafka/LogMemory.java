package org.wal4j.storage.kafka;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.LatencyHistogram;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageState;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * What a Kafka log keeps in memory, and the reads it answers from there: its state (open, poisoned,
 * closed), the last seq it gave, the entries it holds by seq ({@link Held}: where each record is,
 * or the entry itself until Kafka acknowledges it) with their bytes, and their statuses
 * ({@link StatusIndex}); payloads are read from Kafka ({@link RecordReader}). Both
 * {@link KafkaWalStorage} and {@link SharedKafkaWalStorage} keep theirs in one; what they do
 * differently (how seqs are given, where statuses, checkpoints and compaction marks are written,
 * which entries compaction may drop) stays with them.
 *
 * <p>Invariants: every held seq is at most {@link #lastSeq()}, and seqs are held in increasing
 * order, each one above the last; {@code bytes} is the sum of the held entries' bytes; the status
 * index tracks held entries only (a dropped entry is forgotten).
 *
 * <p>Thread-safe: every method is synchronized on this object, which is also the lock of the log
 * that owns it. The log holds that lock around a sequence of calls and its own fields (monitors
 * are reentrant), which makes the sequence one atomic step: an append that gives seqs and hands
 * the records to the producer, statuses applied and sent, a compaction. The reads copy what they
 * need under the lock and read Kafka outside it, so a slow read does not hold up writes.
 */
final class LogMemory {
    /** The log in messages: {@code Kafka log 'orders-wal'}. */
    private final String label;
    private final RecordReader reader;
    @GuardedBy("this")
    private final NavigableMap<Long, Held> held;
    @GuardedBy("this")
    private final StatusIndex index;
    @GuardedBy("this")
    private long lastSeq;
    @GuardedBy("this")
    private long bytes;
    @GuardedBy("this")
    private StorageState state = StorageState.OPEN;
    @GuardedBy("this")
    private @Nullable Throwable poisonCause;

    /**
     * @param label   the log as messages name it, as {@code shared Kafka log 'orders-wal'}
     * @param held    the entries held, by seq, each tracked in {@code index}; taken over, not copied
     * @param lastSeq the last seq given, at least the highest held
     */
    LogMemory(String label, RecordReader reader, NavigableMap<Long, Held> held, StatusIndex index, long lastSeq) {
        this.label = label;
        this.reader = reader;
        this.held = held;
        this.index = index;
        this.lastSeq = lastSeq;
        for (Held h : held.values()) {
            bytes += h.bytes();
        }
    }

    // ---- state ----

    /** @throws WalUnavailableException if the log is closed, or poisoned by an earlier failed write */
    synchronized void checkWritable() {
        checkOpen();
        Throwable cause = poisonCause;
        if (cause != null) {
            throw new WalUnavailableException("The " + label + " refuses writes since an earlier failure, "
                    + "until it is reopened: " + cause, cause);
        }
    }

    /**
     * @throws WalUnavailableException  as {@link #checkWritable()}
     * @throws IllegalArgumentException if {@code seq} is not between 0 and the last seq
     */
    synchronized void checkCheckpoint(String target, long seq) {
        checkWritable();
        if (seq < 0 || seq > lastSeq) {
            throw new IllegalArgumentException("checkpoint for '" + target + "' must be between 0 and the last seq "
                    + lastSeq + " but was " + seq);
        }
    }

    @GuardedBy("this")
    private void checkOpen() {
        if (state == StorageState.CLOSED) {
            throw new WalUnavailableException("The " + label + " is closed");
        }
    }

    /** Refuses writes from now on, {@code failure} the cause (a closed or already poisoned log stays as it is). */
    synchronized void poison(Throwable failure) {
        if (state == StorageState.OPEN) {
            state = StorageState.POISONED;
            poisonCause = failure;
        }
    }

    /**
     * {@link #poison(Throwable)}, and returns the exception that fails the appends pending,
     * {@code what} naming the write that failed and {@code deliveryTimeout} the time Kafka had to
     * acknowledge it.
     */
    synchronized WalUnavailableException poison(Throwable failure, String what, Duration deliveryTimeout) {
        poison(failure);
        return new WalUnavailableException(what + " within the delivery timeout of " + deliveryTimeout + ": " + failure
                + ". The append is not acknowledged (its records may or may not be in the log); the log refuses "
                + "writes until it is reopened", failure);
    }

    /** Marks the log closed; false if it already was. */
    synchronized boolean close() {
        if (state == StorageState.CLOSED) {
            return false;
        }
        state = StorageState.CLOSED;
        return true;
    }

    // ---- entries ----

    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Holds the entry numbered {@code seq}, the seq after the last, and tracks it for its targets. */
    synchronized void hold(long seq, Held entry) {
        assert seq == lastSeq + 1 : "seq " + seq + " held after the last seq " + lastSeq;
        lastSeq = seq;
        held.put(seq, entry);
        index.add(seq, seq, entry.targets());
        bytes += entry.bytes();
    }

    synchronized @Nullable Held get(long seq) {
        return held.get(seq);
    }

    /** The entry {@code seq}, if still held, is acknowledged at {@code offset}: reads go to Kafka from now on. */
    synchronized void acknowledged(long seq, long offset) {
        held.computeIfPresent(seq, (s, h) -> h.acknowledged(offset));
    }

    /** Drops the entry {@code seq} and its statuses; returns it, or null if it was not held. */
    synchronized @Nullable Held drop(long seq) {
        Held h = held.remove(seq);
        if (h != null) {
            index.forget(seq);
            bytes -= h.bytes();
        }
        return h;
    }

    /**
     * The seqs at or below {@code safePoint} that compaction may drop: acknowledged, created before
     * {@code createdBefore}, and finished for every target (not tracked).
     */
    synchronized List<Long> droppable(long safePoint, Instant createdBefore) {
        List<Long> drop = new ArrayList<>();
        for (Map.Entry<Long, Held> e : held.headMap(safePoint, true).entrySet()) {
            Held h = e.getValue();
            if (h.offset() >= 0 && h.createdAt().isBefore(createdBefore) && !index.isTracked(e.getKey())) {
                drop.add(e.getKey());
            }
        }
        return drop;
    }

    /** Per partition with entries held, the lowest offset held ({@link Long#MAX_VALUE} while one is unacknowledged). */
    synchronized Map<Integer, Long> firstOffsets() {
        Map<Integer, Long> first = new HashMap<>();
        for (Held h : held.values()) {
            first.merge(h.partition(), h.offset() < 0 ? Long.MAX_VALUE : h.offset(), Math::min);
        }
        return first;
    }

    // ---- statuses ----

    /** A status record applied, and its entry. */
    record Applied(StatusRecord record, Held entry) {
    }

    /**
     * Checks {@code records}, then applies each to its entry (the SPI's {@code appendStatus}): all or
     * none. A record of an entry not held is ignored, as for an entry never held.
     *
     * @param checkSeq checks a record's seq against the last seq, the second argument
     * @return the records applied with their entries, in order
     * @throws WalUnavailableException  as {@link #checkWritable()}
     * @throws IllegalArgumentException if an entry held does not name its record's target, or as {@code checkSeq}
     */
    synchronized List<Applied> applyStatuses(List<StatusRecord> records, ObjLongConsumer<StatusRecord> checkSeq) {
        checkWritable();
        for (StatusRecord record : records) {
            checkSeq.accept(record, lastSeq);
            Held h = held.get(record.seq());
            if (h != null && !h.targets().contains(record.target())) {
                throw new IllegalArgumentException("entry " + record.seq() + " does not name target '"
                        + record.target() + "'; it names " + h.targets());
            }
        }
        List<Applied> applied = new ArrayList<>(records.size());
        for (StatusRecord record : records) {
            Held h = apply(record);
            if (h != null) {
                applied.add(new Applied(record, h));
            }
        }
        return applied;
    }

    /** Applies {@code record} to its entry; returns the entry, or null (nothing applied) if it is not held. */
    synchronized @Nullable Held apply(StatusRecord record) {
        Held h = held.get(record.seq());
        if (h != null) {
            apply(index, record, h.targets());
        }
        return h;
    }

    /**
     * Applies {@code record} to {@code index} as {@link StatusIndex} says: a record that makes an
     * untracked entry unfinished or dead again tracks it again.
     */
    static void apply(StatusIndex index, StatusRecord record, List<String> targets) {
        if (!index.apply(record) && (!record.status().isTerminal() || record.status() == EntryStatus.DEAD)) {
            index.retrack(record.seq(), record.seq(), targets, record);
        }
    }

    /** The targets the held entries name. */
    synchronized List<String> targets() {
        return index.targets();
    }

    // ---- reads (the SPI's) ----

    /** Empty if the entry is not held or does not name {@code target}. */
    synchronized Optional<EntryStatus> status(long seq, String target) {
        Held h = held.get(seq);
        if (h == null || !h.targets().contains(target)) {
            return Optional.empty();
        }
        return Optional.of(index.trackedStatus(seq, target).orElseGet(() -> index.untrackedStatus(seq, target)));
    }

    Optional<WalEntry> read(long seq) {
        List<WalEntry> one = read(seq, seq, 1);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /**
     * Up to {@code limit} held entries from {@code fromSeq} to {@code toSeq}, in seq order.
     *
     * @throws WalUnavailableException if the log is closed (and the range is not empty)
     */
    List<WalEntry> read(long fromSeq, long toSeq, int limit) {
        return read(fromSeq, toSeq, limit, h -> true);
    }

    /** {@link #read(long, long, int)} of the held entries {@code which} accepts: the others are not read. */
    private List<WalEntry> read(long fromSeq, long toSeq, int limit, Predicate<Held> which) {
        if (fromSeq > toSeq || limit < 1) {
            return List.of();
        }
        Map<Long, Held> wanted = new LinkedHashMap<>();
        synchronized (this) {
            checkOpen();
            for (Map.Entry<Long, Held> e : held.subMap(fromSeq, true, toSeq, true).entrySet()) {
                if (wanted.size() == limit) {
                    break;
                }
                if (which.test(e.getValue())) {
                    wanted.put(e.getKey(), e.getValue());
                }
            }
        }
        return reader.entries(wanted);
    }

    Stream<WalEntry> scan(long fromSeq) {
        return Pages.stream(fromSeq, (from, limit) -> read(from, Long.MAX_VALUE, limit));
    }

    /** {@link WalStorage#scanCreated}: the creation times held in memory choose which entries are read from Kafka. */
    Stream<WalEntry> scanCreated(long fromSeq, @Nullable Instant from, @Nullable Instant before) {
        return Pages.stream(fromSeq, (start, limit) -> read(start, Long.MAX_VALUE, limit,
                h -> WalStorage.createdWithin(h.createdAt(), from, before)));
    }

    List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
        return tracked(statuses -> statuses.unfinished(target, afterSeq, limit));
    }

    List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit) {
        return tracked(statuses -> statuses.deadLetters(target, afterSeq, limit));
    }

    /**
     * The states {@code query} finds in the index, with their entries: the states and where their
     * entries are taken under the lock, the entries read after it; a state whose entry is gone is left out.
     */
    private List<TrackedEntry> tracked(Function<StatusIndex, List<StatusIndex.State>> query) {
        List<StatusIndex.State> states;
        Map<Long, Held> wanted = new LinkedHashMap<>();
        synchronized (this) {
            states = query.apply(index);
            for (StatusIndex.State s : states) {
                Held h = held.get(s.seq());
                if (h != null) {
                    wanted.put(s.seq(), h);
                }
            }
        }
        return reader.tracked(states, wanted);
    }

    /** Figures since open; {@code segments} is the partition count, and nothing was fsynced. */
    synchronized StorageStats stats(int partitions, Map<String, Long> checkpoints, long appendedEntries,
                                    LatencyHistogram appendLatency) {
        return new StorageStats(state, lastSeq, held.size(), bytes, partitions, index.unfinishedCount(),
                index.pendingByTarget(), index.deadLetterCount(), checkpoints, 0, appendedEntries, 0,
                appendLatency.percentile(0.5) / 1000, appendLatency.percentile(0.99) / 1000,
                appendLatency.percentile(0.999) / 1000);
    }
}
