package org.wal4j.storage.kafka;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.EntryTooLargeException;
import org.wal4j.LaneId;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.LatencyHistogram;
import org.wal4j.spi.Names;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageState;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * A {@link WalStorage} on a replicated, partitioned Kafka topic. Open one with
 * {@link #builder()}:
 *
 * <pre>{@code
 * WalStorage log = KafkaWalStorage.builder().bootstrapServers("kafka-1:9092,kafka-2:9092,kafka-3:9092")
 *         .topic("orders-wal").partitions(12).open();
 * }</pre>
 *
 * <h2>Layout</h2>
 * One log is one topic of {@link KafkaLogSettings#partitions()} partitions, created if absent with
 * replication factor 3 and {@code min.insync.replicas} 2 by default ({@link Topics}). An entry's
 * record goes to the partition of its lane, {@link ApplyPartitions#of}{@code (lane, partitions)},
 * the function the engine's apply partitions use, so topic partition {@code p} holds exactly the
 * lanes of apply partition {@code p}; the record format is {@link EntryCodec}'s. Statuses,
 * checkpoints and compaction marks go to the compacted companion topic {@code <topic>.status}
 * ({@link CompanionCodec}), a status to the partition of its entry; both are read back when a log
 * is opened ({@link LogLoader}).
 *
 * <h2>Sequence numbers</h2>
 * The SPI asks for consecutive sequence numbers from 1 in the order appends are accepted, one
 * range per append, and the engine relies on it: a target's checkpoint is a contiguous prefix of
 * seqs, and its watermark waits for every seq below to be acknowledged. Kafka orders records only
 * within a partition, so a global order needs one place that assigns it: here, the instance that
 * writes the log. It assigns seqs under one lock and hands the records to the producer under the
 * same lock, so within every partition offset order is seq order (the idempotent producer keeps a
 * partition's order through retries, with at most 5 requests in flight). Each record carries its
 * seq; opening a log resumes after the highest seq read back (or the seq floor compaction
 * recorded). <b>One instance writes a log at a time</b>: two writers would issue the same seqs,
 * which opening detects and refuses. Sharing a log among instances (partition ownership through a
 * consumer group, fencing) is the next step; see docs/kafka.md.
 *
 * <h2>Acknowledgement</h2>
 * An append completes when Kafka acknowledged every record of it with {@code acks=all}: every
 * in-sync replica, at least {@code min.insync.replicas} brokers, holds it. {@link AppendResult#durable()}
 * is true (replicated; Kafka brokers do not fsync per write, they rely on replication). Concurrent
 * appends share the producer's batches: its batching is the group commit. A record Kafka does not
 * acknowledge within {@link KafkaLogSettings#deliveryTimeout()} fails its append with
 * {@link WalUnavailableException}, and the log is {@link StorageState#POISONED}: every pending and
 * later write is refused until the log is reopened (a timed-out record may still have been written,
 * so the log cannot know what it holds until it reads itself back).
 *
 * <p><b>Hazard:</b> records are handed to the producer under the log's lock (that is what keeps a
 * partition's offset order equal to its seq order), and {@code KafkaProducer.send} blocks while it
 * has no metadata for the topic or its buffer is full, up to the delivery timeout. With the whole
 * cluster unreachable, an append can therefore hold the lock, and every other call of this log
 * wait, for that long before it fails.
 *
 * <p>Thread-safe: one lock guards the index, the held entries and the state; Kafka's producer and
 * admin client are thread-safe and the reader synchronizes itself. Futures complete on the log's
 * own acknowledgement thread, never on the producer's network thread, so a caller's callback
 * cannot stall the producer.
 */
public final class KafkaWalStorage implements WalStorage {
    private final KafkaLogSettings settings;
    private final Producer<byte[], byte[]> producer;
    private final Admin admin;
    private final RecordReader reader;
    private final ExecutorService acks;
    /** Work handed from the producer's network thread to {@link #acks}, drained in order. */
    private final Queue<Runnable> ackWork = new ConcurrentLinkedQueue<>();
    /** True while a drain of {@link #ackWork} is scheduled or running on {@link #acks}. */
    private final AtomicBoolean ackDrainScheduled = new AtomicBoolean();
    private final LatencyHistogram appendLatency = new LatencyHistogram();

    /** The entries held, their statuses, the last seq and the state. */
    private final LogMemory memory;
    /** Guards the fields below; it is {@link #memory}'s monitor, so that a step over both is atomic. */
    private final Object lock;
    @GuardedBy("lock")
    private final Map<String, Long> checkpoints;
    /** Per partition, offset to seq of records of entries compacted away that Kafka still holds. */
    @GuardedBy("lock")
    private final Map<Integer, NavigableMap<Long, Long>> droppedAwaitingDeletion;
    /** Appends not yet acknowledged, by first seq. */
    @GuardedBy("lock")
    private final NavigableMap<Long, PendingAppend> pending = new TreeMap<>();
    /** Companion records (statuses, checkpoints, compaction marks) not yet acknowledged. */
    private final InFlight companions = new InFlight();
    @GuardedBy("lock")
    private long appendedEntries;

    /** An append waiting for its records' acknowledgements. */
    private static final class PendingAppend {
        final long firstSeq;
        final int count;
        final long startNanos;
        final CompletableFuture<AppendResult> future = new CompletableFuture<>();
        int unacknowledged;

        PendingAppend(long firstSeq, int count, long startNanos) {
            this.firstSeq = firstSeq;
            this.count = count;
            this.startNanos = startNanos;
            this.unacknowledged = count;
        }
    }

    private KafkaWalStorage(KafkaLogSettings settings, Producer<byte[], byte[]> producer, Admin admin,
                            RecordReader reader, LogLoader.Loaded loaded) {
        this.settings = settings;
        this.producer = producer;
        this.admin = admin;
        this.reader = reader;
        this.memory = new LogMemory("Kafka log '" + settings.topic() + "'", reader, loaded.held(),
                loaded.index(), loaded.lastSeq());
        this.lock = memory;
        this.checkpoints = new HashMap<>(loaded.checkpoints());
        this.droppedAwaitingDeletion = new HashMap<>(loaded.droppedAwaitingDeletion());
        this.acks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wal4j-kafka-acks-" + settings.topic());
            t.setDaemon(true);
            return t;
        });
    }

    /** Settings for a Kafka log; {@link KafkaLogSettings.Builder#open()} opens it. */
    public static KafkaLogSettings.Builder builder() {
        return new KafkaLogSettings.Builder();
    }

    /**
     * Opens a log: creates its topics if absent or checks them ({@link Topics}), reads both topics
     * back ({@link LogLoader}), and is then ready to append.
     *
     * @throws IllegalStateException  if an existing topic's partition count or retention does not fit, or a
     *                                topic of an {@link KafkaLogSettings#existingLog() existing log} is absent
     * @throws IllegalArgumentException if an existing topic's durability is weak and not allowed
     * @throws org.wal4j.WalIOException if Kafka cannot be reached or read within the open timeout, or a
     *                                record is corrupt ({@link CorruptRecordException})
     */
    public static KafkaWalStorage open(KafkaLogSettings requested) {
        Admin admin = Admin.create(adminConfig(requested));
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            KafkaLogSettings settings = Topics.resolve(admin, requested);
            consumer = new KafkaConsumer<>(consumerConfig(settings));
            RecordReader reader = new RecordReader(consumer, settings.topic(), settings.openTimeout(),
                    PayloadReading.decoding(EntryCodec.PAYLOAD_KEYS, settings.payloadCodec()), settings.readCacheBytes());
            LogLoader.Loaded loaded = LogLoader.load(reader, settings);
            if (loaded.shared()) {
                throw new IllegalStateException("the Kafka log '" + settings.topic() + "' is shared by several "
                        + "instances (its records carry no seq): open it with openShared(group), as its instances do");
            }
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(settings));
            return new KafkaWalStorage(settings, producer, admin, reader, loaded);
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1)));
            }
            admin.close(Duration.ofSeconds(1));
            throw e;
        }
    }

    /** Records fetched from Kafka to read entries' payloads so far (tests measure re-reads with it). */
    long recordsFetched() {
        return reader.recordsFetched();
    }

    /** The log topic's name: the log's name. */
    public String name() {
        return settings.topic();
    }

    public KafkaLogSettings settings() {
        return settings;
    }

    /** The topic partition of {@code lane}: {@link ApplyPartitions#of}{@code (lane, partitions)}. */
    public int partitionOf(LaneId lane) {
        return ApplyPartitions.of(lane, settings.partitions());
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(List<WalEntry> entries) {
        long start = System.nanoTime();
        AppendChecks.check(entries, settings.maxEntryBytes());
        List<byte[]> values = values(entries, settings); // encoded (encrypted) before the lock, and checked
        PendingAppend append;
        synchronized (lock) {
            memory.checkWritable();
            append = new PendingAppend(memory.lastSeq() + 1, entries.size(), start);
            pending.put(append.firstSeq, append);
            PayloadCodec codec = settings.payloadCodec();
            for (int i = 0; i < entries.size(); i++) {
                WalEntry entry = entries.get(i).withSeq(memory.lastSeq() + 1);
                int partition = partitionOf(LaneId.of(entry));
                byte[] header = EntryCodec.header(entry, codec == null ? null : codec.name());
                byte[] value = values.get(i);
                ProducerRecord<byte[], byte[]> record = entryRecord(settings.topic(), partition, entry, header, value);
                long seq = entry.seq();
                try {
                    Future<RecordMetadata> unused = producer.send(record, (metadata, failure) -> onAckThread(() -> {
                        if (failure == null) {
                            acknowledged(append, seq, metadata.offset());
                        } else {
                            poison(failure, "Kafka did not acknowledge entry " + seq + " (topic '" + settings.topic()
                                    + "' partition " + partition + ")");
                        }
                    }));
                } catch (RuntimeException e) { // the producer is closed, or refused the record at once
                    poison(e, "the producer refused entry " + seq + " (topic '" + settings.topic() + "' partition "
                            + partition + ")");
                    break;
                }
                // the record's bytes as a reopened log counts them (LogLoader.size): both headers and the value
                memory.hold(seq, new Held(partition, -1, entry.createdAt(), entry.targets(),
                        header.length + Integer.BYTES + value.length, entry));
            }
            appendedEntries += entries.size();
        }
        return append.future;
    }

    /**
     * The record values of {@code entries}: each payload's bytes, or with a payload codec its stored
     * form's, which must fit {@link KafkaLogSettings#maxEntryBytes()} too (the producer's request
     * size follows that limit).
     *
     * @throws EntryTooLargeException if a stored form is over the limit; nothing is written then
     */
    static List<byte[]> values(List<WalEntry> entries, KafkaLogSettings settings) {
        PayloadCodec codec = settings.payloadCodec();
        List<byte[]> out = new ArrayList<>(entries.size());
        for (WalEntry e : entries) {
            byte[] value = EntryCodec.value(e, codec);
            if (codec != null && value.length > settings.maxEntryBytes()) {
                throw EntryTooLargeException.encoded(e.namespace(), e.operation(), codec.name(), value.length,
                        settings.maxEntryBytes());
            }
            out.add(value);
        }
        return out;
    }

    /** The log record of {@code entry}: its key, {@code value}, its {@code header} and their checksum. */
    static ProducerRecord<byte[], byte[]> entryRecord(String topic, int partition, WalEntry entry, byte[] header,
                                                      byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EntryCodec.ENTRY_HEADER, header);
        headers.add(EntryCodec.CRC_HEADER, EntryCodec.checksum(header, value));
        return new ProducerRecord<>(topic, partition, null, EntryCodec.key(entry), value, headers);
    }

    /**
     * Runs {@code work} on the acknowledgement thread, after the work handed over before it. Called
     * from the producer's network thread once per record: the handover is coalesced (one task on
     * {@link #acks} drains whatever has queued up meanwhile), so a busy producer costs one thread
     * wake-up per batch of acknowledgements, not one per record.
     */
    private void onAckThread(Runnable work) {
        ackWork.add(work);
        if (ackDrainScheduled.compareAndSet(false, true)) {
            acks.execute(this::drainAckWork);
        }
    }

    /** On the acknowledgement thread: runs the queued work until none is left and no drain is due. */
    private void drainAckWork() {
        RuntimeException first = null;
        do {
            for (Runnable work = ackWork.poll(); work != null; work = ackWork.poll()) {
                try {
                    work.run();
                } catch (RuntimeException e) { // the rest of the queue still runs; the first failure surfaces
                    if (first == null) {
                        first = e;
                    }
                }
            }
            ackDrainScheduled.set(false);
            // work added after the poll above but before the flag was cleared found a drain still scheduled
        } while (!ackWork.isEmpty() && ackDrainScheduled.compareAndSet(false, true));
        if (first != null) {
            throw first;
        }
    }

    /** On the acknowledgement thread: one record of {@code append} is acknowledged at {@code offset}. */
    private void acknowledged(PendingAppend append, long seq, long offset) {
        boolean complete;
        synchronized (lock) {
            memory.acknowledged(seq, offset);
            complete = --append.unacknowledged == 0 && pending.remove(append.firstSeq) != null;
        }
        if (complete) {
            appendLatency.record(System.nanoTime() - append.startNanos);
            append.future.complete(new AppendResult(append.firstSeq, append.count, true));
        }
    }

    /**
     * Poisons the log after a failed write: fails every pending append at once (their records' fate
     * is unknown) and refuses writes until the log is reopened.
     */
    private void poison(Throwable failure, String what) {
        List<PendingAppend> failed;
        WalUnavailableException e;
        synchronized (lock) {
            e = memory.poison(failure, what, settings.deliveryTimeout());
            failed = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (PendingAppend append : failed) {
            append.future.completeExceptionally(e);
        }
    }

    @Override
    public CompletableFuture<Void> appendStatusAsync(List<StatusRecord> records) {
        List<CompletableFuture<Void>> sent = new ArrayList<>(records.size());
        synchronized (lock) {
            // an entry compacted away is left out: its status is ignored, as for an entry never held
            for (LogMemory.Applied a : memory.applyStatuses(records, KafkaWalStorage::checkSeq)) {
                StatusRecord record = a.record();
                sent.add(sendCompanion(a.entry().partition(), CompanionCodec.statusKey(record.seq(), record.target()),
                        CompanionCodec.status(record)));
            }
            // the future returned is sync()'s to wait for, not only its parts: done when sync() is
            return companions.track(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
        }
    }

    private static void checkSeq(StatusRecord record, long lastSeq) {
        if (record.seq() > lastSeq) {
            throw new IllegalArgumentException("status record for seq " + record.seq()
                    + " but the last seq assigned is " + lastSeq);
        }
    }

    /**
     * Sends one companion record ({@code value} null for a tombstone); a failure poisons the log.
     * Called under the lock so that records of one key leave in the order they were made.
     */
    @GuardedBy("lock")
    private CompletableFuture<Void> sendCompanion(int partition, String key, byte @Nullable [] value) {
        RecordHeaders headers = new RecordHeaders();
        if (value != null) {
            headers.add(EntryCodec.CRC_HEADER, CompanionCodec.checksum(value));
        }
        CompletableFuture<Void> done = companions.track(new CompletableFuture<>());
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(settings.companionTopic(), partition, null,
                key.getBytes(StandardCharsets.UTF_8), value, headers);
        String what = "Kafka did not acknowledge the companion record '" + key + "' (topic '"
                + settings.companionTopic() + "' partition " + partition + ")";
        try {
            Future<RecordMetadata> unused = producer.send(record, (metadata, failure) -> onAckThread(() -> {
                if (failure == null) {
                    done.complete(null);
                } else {
                    poison(failure, what);
                    done.completeExceptionally(new WalUnavailableException(what + ": " + failure, failure));
                }
            }));
        } catch (RuntimeException e) {
            onAckThread(() -> poison(e, what));
            done.completeExceptionally(new WalUnavailableException(what + ": " + e, e));
        }
        return done;
    }

    @Override
    public CompletableFuture<Void> saveCheckpoint(String target, long seq) {
        Names.requireTarget(target);
        synchronized (lock) {
            memory.checkCheckpoint(target, seq);
            if (seq <= checkpoints.getOrDefault(target, 0L)) {
                return CompletableFuture.completedFuture(null);
            }
            checkpoints.put(target, seq);
            return sendCompanion(0, CompanionCodec.checkpointKey(target), CompanionCodec.checkpoint(target, seq));
        }
    }

    @Override
    public long checkpoint(String target) {
        synchronized (lock) {
            return checkpoints.getOrDefault(target, 0L);
        }
    }

    /** Completes when every append, status and checkpoint accepted so far is acknowledged. */
    @Override
    public CompletableFuture<Void> sync() {
        synchronized (lock) {
            memory.checkWritable();
            List<CompletableFuture<?>> all = new ArrayList<>(companions.pending());
            pending.values().forEach(p -> all.add(p.future));
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }
    }

    /** An acknowledged entry is replicated, which is this log's durability: completes with its append. */
    @Override
    public CompletableFuture<Void> whenDurable(long seq) {
        synchronized (lock) {
            Map.Entry<Long, PendingAppend> e = pending.floorEntry(seq);
            if (e == null || seq >= e.getKey() + e.getValue().count) {
                return CompletableFuture.completedFuture(null);
            }
            return e.getValue().future.thenApply(r -> null);
        }
    }

    @Override
    public Optional<WalEntry> read(long seq) {
        return memory.read(seq);
    }

    @Override
    public List<WalEntry> read(long fromSeq, long toSeq, int limit) {
        return memory.read(fromSeq, toSeq, limit);
    }

    /** Reads lazily, {@value Pages#SIZE} entries per round trip; holds no resource between pages. */
    @Override
    public Stream<WalEntry> scan(long fromSeq) {
        return memory.scan(fromSeq);
    }

    /** Only the entries created within the bounds are read from Kafka: their creation times are held in memory. */
    @Override
    public Stream<WalEntry> scanCreated(long fromSeq, @Nullable Instant from, @Nullable Instant before) {
        return memory.scanCreated(fromSeq, from, before);
    }

    @Override
    public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
        return memory.unfinished(target, afterSeq, limit);
    }

    @Override
    public List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit) {
        return memory.deadLetters(target, afterSeq, limit);
    }

    @Override
    public Optional<EntryStatus> status(long seq, String target) {
        return memory.status(seq, target);
    }

    /**
     * Drops the entries the SPI allows ({@link WalStorage#compact}) in two steps. Logically at once:
     * a {@code dropped} mark per entry and tombstones for its statuses in the companion topic, and a
     * {@code seq-floor} record, all acknowledged before this returns. Physically where Kafka allows
     * it: it deletes a partition's records only as a prefix ({@code deleteRecords}), so each
     * partition's records are deleted up to its first entry still held; the rest wait for a later
     * compaction. {@link CompactionResult#bytesReclaimed()} counts the dropped records' bytes.
     * First the topics are checked again as at open: one reconfigured so that Kafka would delete
     * entries on its own, or deleted, makes the log refuse writes from then on.
     */
    @Override
    public CompactionResult compact(long safePoint, Instant createdBefore) {
        Topics.refuseWritesIfUnsafe(admin, settings, memory);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        long droppedBytes = 0;
        int dropped = 0;
        synchronized (lock) {
            memory.checkWritable();
            List<Long> drop = memory.droppable(safePoint, createdBefore);
            if (drop.isEmpty()) {
                return CompactionResult.NOTHING;
            }
            sent.add(sendCompanion(0, CompanionCodec.SEQ_FLOOR_KEY, CompanionCodec.seqOnly(memory.lastSeq())));
            for (long seq : drop) {
                Held h = Objects.requireNonNull(memory.drop(seq), "held entry to drop");
                droppedBytes += h.bytes();
                dropped++;
                droppedAwaitingDeletion.computeIfAbsent(h.partition(), p -> new TreeMap<>()).put(h.offset(), seq);
                sent.add(sendCompanion(h.partition(), CompanionCodec.droppedKey(seq), CompanionCodec.seqOnly(seq)));
                for (String target : h.targets()) {
                    sent.add(sendCompanion(h.partition(), CompanionCodec.statusKey(seq, target), null));
                }
            }
        }
        WalStorage.await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
        deleteDroppedPrefixes();
        return new CompactionResult(dropped, 0, 0, droppedBytes);
    }

    /**
     * Deletes, per partition, the records below its first entry still held, when all of them are
     * entries compacted away; then forgets their {@code dropped} marks (tombstones), no longer needed.
     */
    private void deleteDroppedPrefixes() {
        Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
        Map<Integer, NavigableMap<Long, Long>> deleted = new HashMap<>();
        synchronized (lock) {
            Map<Integer, Long> firstHeld = memory.firstOffsets();
            for (Map.Entry<Integer, NavigableMap<Long, Long>> e : droppedAwaitingDeletion.entrySet()) {
                long before = Math.min(firstHeld.getOrDefault(e.getKey(), Long.MAX_VALUE), e.getValue().lastKey() + 1);
                NavigableMap<Long, Long> below = e.getValue().headMap(before, false);
                if (!below.isEmpty()) {
                    deletions.put(new TopicPartition(settings.topic(), e.getKey()), RecordsToDelete.beforeOffset(before));
                    deleted.put(e.getKey(), new TreeMap<>(below));
                }
            }
        }
        if (deletions.isEmpty()) {
            return;
        }
        Topics.get(admin.deleteRecords(deletions).all(), settings, "deleting compacted records " + deletions);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        synchronized (lock) {
            for (Map.Entry<Integer, NavigableMap<Long, Long>> e : deleted.entrySet()) {
                NavigableMap<Long, Long> awaiting = Objects.requireNonNull(droppedAwaitingDeletion.get(e.getKey()),
                        "records awaiting deletion");
                for (Map.Entry<Long, Long> d : e.getValue().entrySet()) {
                    awaiting.remove(d.getKey());
                    sent.add(sendCompanion(e.getKey(), CompanionCodec.droppedKey(d.getValue()), null));
                }
                if (awaiting.isEmpty()) {
                    droppedAwaitingDeletion.remove(e.getKey());
                }
            }
        }
        WalStorage.await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
    }

    /**
     * Figures since open. {@code segments} is the partition count; {@code fsyncs} and
     * {@code averageGroupSize} are 0: Kafka acknowledges by replication, not by a force.
     */
    @Override
    public StorageStats stats() {
        synchronized (lock) {
            return memory.stats(settings.partitions(), checkpoints, appendedEntries, appendLatency);
        }
    }

    @Override
    public long lastSeq() {
        return memory.lastSeq();
    }

    @Override
    public int maxEntryBytes() {
        return settings.maxEntryBytes();
    }

    /**
     * Refuses writes, waits up to the delivery timeout for Kafka to acknowledge what is in flight
     * (those appends complete as usual), fails what is still pending, and closes the clients.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!memory.close()) {
            return;
        }
        try {
            producer.close(settings.deliveryTimeout());
        } finally {
            acks.shutdown();
            try {
                acks.awaitTermination(settings.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<PendingAppend> left;
            synchronized (lock) {
                left = new ArrayList<>(pending.values());
                pending.clear();
            }
            for (PendingAppend append : left) {
                append.future.completeExceptionally(new WalUnavailableException("The Kafka log '" + settings.topic()
                        + "' was closed before Kafka acknowledged entries " + append.firstSeq + ".."
                        + (append.firstSeq + append.count - 1) + "; they may or may not be in the log"));
            }
            reader.close();
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static Map<String, Object> common(KafkaLogSettings s) {
        Map<String, Object> config = new HashMap<>(s.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        return config;
    }

    static Map<String, Object> adminConfig(KafkaLogSettings s) {
        Map<String, Object> config = common(s);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) s.openTimeout().toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, s.openTimeout().toMillis()));
        return config;
    }

    static Map<String, Object> consumerConfig(KafkaLogSettings s) {
        Map<String, Object> config = common(s);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a reader must never create a topic with the broker's defaults (retention, replication)
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // the reader asks for offsets it knows are there: a long poll (500 ms by default) only delays the
        // end of a read-back and every close, which waits for the fetch in flight
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Math.max(1 << 20, s.maxEntryBytes() + KafkaLogSettings.RECORD_OVERHEAD_BYTES));
        return config;
    }

    static Map<String, Object> producerConfig(KafkaLogSettings s) {
        Map<String, Object> config = common(s);
        int delivery = (int) s.deliveryTimeout().toMillis();
        int linger = (int) s.linger().toMillis();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, linger);
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms: the append fails after linger + delivery timeout
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, delivery);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery + linger);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) delivery);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, s.maxEntryBytes() + KafkaLogSettings.RECORD_OVERHEAD_BYTES);
        return config;
    }
}
