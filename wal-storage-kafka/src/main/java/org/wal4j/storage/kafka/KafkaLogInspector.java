package org.wal4j.storage.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * A read-only snapshot of a Kafka log, for operators and tools ({@code wal status},
 * {@code wal dump}, {@code wal dlq list}); an application opens its log with
 * {@link KafkaWalStorage#open}. Opening reads both topics back as {@link KafkaWalStorage#open}
 * does ({@link LogLoader}: every record checksummed, the statuses, checkpoints and last seq
 * rebuilt) up to their end offsets at that moment, and then changes no more; payloads are read
 * from Kafka when asked for.
 *
 * <p>It writes nothing, creates no topic (the settings are taken as
 * {@link KafkaLogSettings#existingLog()}: an absent topic is refused, the partition count is the
 * topic's own), and uses a consumer of no group that commits nothing, so it is safe beside the
 * application that writes the log. What it shows is the log as Kafka held it when it was opened.
 *
 * <p>Thread-safe: the snapshot does not change after {@link #open}; reads of payloads go through
 * one synchronized reader. {@link #close()} releases the consumer; payload reads after it fail.
 */
public final class KafkaLogInspector implements AutoCloseable {
    private final KafkaLogSettings settings;
    private final RecordReader reader;
    private final NavigableMap<Long, Held> held;
    private final StatusIndex index;
    private final Map<String, Long> checkpoints;
    private final long lastSeq;
    private final long bytes;
    private final int awaitingDeletion;
    private final boolean shared;

    private KafkaLogInspector(KafkaLogSettings settings, RecordReader reader, LogLoader.Loaded loaded) {
        this.settings = settings;
        this.reader = reader;
        this.held = Collections.unmodifiableNavigableMap(loaded.held());
        this.index = loaded.index();
        this.checkpoints = Map.copyOf(loaded.checkpoints());
        this.lastSeq = loaded.lastSeq();
        long total = 0;
        for (Held h : held.values()) {
            total += h.bytes();
        }
        this.bytes = total;
        this.awaitingDeletion = loaded.droppedAwaitingDeletion().values().stream().mapToInt(Map::size).sum();
        this.shared = loaded.shared();
    }

    /**
     * True for a log shared by several instances ({@link SharedKafkaWalStorage}): its seqs are this
     * snapshot's own (the records numbered in the order read, each partition in offset order), and
     * {@link #checkpoint} is the seq at or below which its checkpoints per partition say every entry
     * is finished.
     */
    public boolean shared() {
        return shared;
    }

    /**
     * Takes a snapshot of the log {@code settings} name, as an {@link KafkaLogSettings#existingLog()
     * existing log} whatever the settings say. With a {@link KafkaLogSettings#payloadCodec()} the
     * entries read show their payloads decoded (a record it cannot decode fails the read with
     * {@link org.wal4j.WalPayloadException}); without one, every payload as stored, an encrypted one as
     * its ciphertext form.
     *
     * @throws IllegalStateException     if a topic of the log is absent, or does not fit a log
     * @throws org.wal4j.WalIOException  if Kafka cannot be reached or read within the open timeout, or a
     *                                   record is corrupt ({@link CorruptRecordException})
     */
    public static KafkaLogInspector open(KafkaLogSettings settings) {
        KafkaLogSettings existing = settings.existingLog() ? settings : settings.asExistingLog();
        KafkaConsumer<byte[], byte[]> consumer = null;
        try (Admin admin = Admin.create(KafkaWalStorage.adminConfig(existing))) {
            KafkaLogSettings resolved = Topics.resolve(admin, existing);
            consumer = new KafkaConsumer<>(KafkaWalStorage.consumerConfig(resolved));
            PayloadCodec codec = resolved.payloadCodec();
            RecordReader reader = new RecordReader(consumer, resolved.topic(), resolved.openTimeout(),
                    codec == null ? PayloadReading.asStored() : PayloadReading.decoding(EntryCodec.PAYLOAD_KEYS, codec),
                    0); // an inspector reads each entry once
            return new KafkaLogInspector(resolved, reader, LogLoader.load(reader, resolved));
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
            }
            throw e;
        }
    }

    /** The settings the snapshot was taken with, the partition count being the topic's own. */
    public KafkaLogSettings settings() {
        return settings;
    }

    /** The highest seq assigned, 0 for an empty log. */
    public long lastSeq() {
        return lastSeq;
    }

    /** Entries held (appended and not compacted away). */
    public long entries() {
        return held.size();
    }

    /** The held entries' record bytes (headers and values), as {@link KafkaWalStorage#stats()} counts them. */
    public long bytes() {
        return bytes;
    }

    /** Records of entries compacted away that Kafka still holds (behind an entry still needed in their partition). */
    public int awaitingDeletion() {
        return awaitingDeletion;
    }

    /** Entries some target still needs: PENDING or RETRYING for it, or dead-lettered. */
    public long unfinished() {
        return index.unfinishedCount();
    }

    /** Every target the log names in an unfinished entry or a checkpoint, in the order first seen. */
    public List<String> targets() {
        List<String> out = new ArrayList<>(index.targets());
        for (String target : new TreeMap<>(checkpoints).keySet()) {
            if (!out.contains(target)) {
                out.add(target);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Per target, its latest checkpoint. */
    public Map<String, Long> checkpoints() {
        return checkpoints;
    }

    /** The checkpoint of {@code target}, 0 if it saved none. */
    public long checkpoint(String target) {
        return checkpoints.getOrDefault(target, 0L);
    }

    /** Entries PENDING or RETRYING for {@code target}: its lag in entries. */
    public long unfinished(String target) {
        return index.pendingByTarget().getOrDefault(target, 0L);
    }

    /** Dead letters, as (entry, target) pairs. */
    public long deadLetterCount() {
        return index.deadLetterCount();
    }

    /** Dead letters of {@code target}. */
    public long deadLetterCount(String target) {
        return index.deadLetters(target, 0, Integer.MAX_VALUE).size();
    }

    /** Entries held that {@code target} rejected (status REJECTED: business verdicts, not dead letters). */
    public long rejectedCount(String target) {
        return index.untrackedCount(target, EntryStatus.REJECTED);
    }

    /** Up to {@code limit} entries PENDING or RETRYING for {@code target} with seq above {@code afterSeq}, in order. */
    public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
        return tracked(index.unfinished(target, afterSeq, limit));
    }

    /**
     * Up to {@code limit} dead letters of {@code target} (of every target when null) with seq
     * above {@code afterSeq}, in seq order.
     */
    public List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit) {
        return tracked(index.deadLetters(target, afterSeq, limit));
    }

    private List<TrackedEntry> tracked(List<StatusIndex.State> states) {
        Map<Long, Held> wanted = new LinkedHashMap<>();
        for (StatusIndex.State s : states) {
            Held h = held.get(s.seq());
            if (h != null) {
                wanted.put(s.seq(), h);
            }
        }
        return reader.tracked(states, wanted);
    }

    /** The entry {@code seq}, or empty if it was never assigned or was compacted away. */
    public Optional<WalEntry> read(long seq) {
        List<WalEntry> one = read(seq, 1);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /** Up to {@code limit} entries held with seq at or above {@code fromSeq}, in seq order. */
    private List<WalEntry> read(long fromSeq, int limit) {
        return read(fromSeq, limit, h -> true);
    }

    /** {@link #read(long, int)} of the held entries {@code which} accepts: the others are not read. */
    private List<WalEntry> read(long fromSeq, int limit, Predicate<Held> which) {
        List<RecordReader.Location> wanted = new ArrayList<>();
        for (Map.Entry<Long, Held> e : held.tailMap(fromSeq, true).entrySet()) {
            if (wanted.size() == limit) {
                break;
            }
            if (which.test(e.getValue())) {
                wanted.add(e.getValue().location(e.getKey()));
            }
        }
        if (wanted.isEmpty()) {
            return List.of();
        }
        Map<Long, WalEntry> read = reader.read(wanted);
        List<WalEntry> out = new ArrayList<>(wanted.size());
        for (RecordReader.Location l : wanted) {
            out.add(read.get(l.seq()));
        }
        return out;
    }

    /**
     * The entries held from {@code fromSeq} on, in seq order, read lazily a page at a time (as
     * {@link KafkaWalStorage#scan} does); holds no resource between pages.
     */
    public Stream<WalEntry> scan(long fromSeq) {
        return Pages.stream(fromSeq, this::read);
    }

    /**
     * {@link #scan}, only the entries created at or after {@code from} and before {@code before}
     * (null: unbounded): the creation times are held, so only those entries are read from Kafka.
     */
    public Stream<WalEntry> scanCreated(long fromSeq, @Nullable Instant from, @Nullable Instant before) {
        return Pages.stream(fromSeq, (start, limit) -> read(start, limit,
                h -> WalStorage.createdWithin(h.createdAt(), from, before)));
    }

    /** The status of {@code entry} for each target it names, in its order, as this snapshot holds it. */
    public Map<String, EntryStatus> statuses(WalEntry entry) {
        Map<String, EntryStatus> out = new LinkedHashMap<>();
        for (String target : entry.targets()) {
            out.put(target, index.trackedStatus(entry.seq(), target)
                    .orElseGet(() -> index.untrackedStatus(entry.seq(), target)));
        }
        return out;
    }

    /** Releases the consumer. Idempotent. */
    @Override
    public void close() {
        reader.close();
    }

    @Override
    public String toString() {
        return "KafkaLogInspector{topic=" + settings.topic() + ", lastSeq=" + lastSeq + ", entries=" + held.size() + '}';
    }
}
