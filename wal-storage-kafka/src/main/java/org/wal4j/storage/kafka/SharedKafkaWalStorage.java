package org.wal4j.storage.kafka;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.LatencyHistogram;
import org.wal4j.spi.Names;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageEvents;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * A Kafka log shared by several application instances: any instance appends entries of any lane,
 * and each topic partition is applied by one instance at a time, the one Kafka's consumer group
 * {@code group} gives it to.
 *
 * <h2>Sequence numbers are this instance's</h2>
 * Writers on several machines cannot share a counter without a serialization point, and Kafka
 * orders records only within a partition. So every instance reads the whole log topic, as it is
 * written, and numbers the records in the order it reads them: consecutive from 1, each partition
 * in offset order. A lane lives in one partition, so a lane's order is its partition's offset
 * order, the order the brokers acknowledged, on every instance alike. An append completes when
 * this instance has read its records back (they are then on every in-sync replica: a consumer
 * reads only below the high watermark), with the seqs it gave them ({@link AppendResult#of}); the
 * seqs of another instance's entries differ, so seqs never leave the instance: statuses and
 * checkpoints in the companion topic name an entry by partition and offset.
 *
 * <h2>Ownership</h2>
 * A consumer of group {@code group} subscribes to the log topic, fetching nothing (every assigned
 * partition is paused); its assignment is this instance's share. Kafka's cooperative-sticky
 * assignor moves only the partitions that must move. A partition given is reported to the engine
 * ({@link StorageEvents#partitionsAssigned}), which claims it at its targets (fencing the previous
 * owner) and applies it, passing over the entries of the partitions it was not given. A partition
 * taken away (a rebalance, or this instance's session expired) is stopped in the engine, its call
 * in flight completed and recorded, before the rebalance goes on.
 *
 * <h2>What every instance sees</h2>
 * Every status record (in the companion topic, keyed {@code status/<partition>:<offset>/<target>})
 * is read by every instance: dead letters, lag and {@code awaitApplied} work for any entry on any
 * instance, and a requeue by any instance reaches the owner, which reloads.
 *
 * <p>Thread-safe.
 */
public final class SharedKafkaWalStorage implements WalStorage {
    private static final Logger LOG = LoggerFactory.getLogger(SharedKafkaWalStorage.class);
    /** Header naming the instance that wrote a companion record: an instance skips its own. */
    static final String INSTANCE_HEADER = "wal4j.instance";
    private static final Duration POLL = Duration.ofMillis(100);
    /** The follower needs only the entry's fields: it leaves payloads as stored (never decrypts them). */
    private static final PayloadReading STORED = PayloadReading.asStored();

    private final KafkaLogSettings settings;
    private final String group;
    private final String instance = UUID.randomUUID().toString();
    private final byte[] instanceBytes = instance.getBytes(StandardCharsets.UTF_8);
    private final Producer<byte[], byte[]> producer;
    private final Admin admin;
    private final RecordReader reader;
    private final PayloadReading payloads;
    private final KafkaConsumer<byte[], byte[]> tail;
    private final Thread tailThread;
    private final LatencyHistogram appendLatency = new LatencyHistogram();
    /** Companion records (statuses, checkpoints, the group) not yet acknowledged: {@link #sync} waits for them. */
    private final InFlight companions = new InFlight();

    /** The entries held, their statuses, the last seq and the state. */
    private final LogMemory memory;
    /** Guards the fields below; it is {@link #memory}'s monitor, so that a step over both is atomic. */
    private final Object lock;
    /** Per partition, offset to this instance's seq. */
    @GuardedBy("lock")
    private final Map<Integer, NavigableMap<Long, Long>> seqAt = new HashMap<>();
    /** Per target and partition, the offset at or below which every entry is finished for the target. */
    @GuardedBy("lock")
    private final Map<String, Map<Integer, Long>> checkpoints = new HashMap<>();
    /** Per partition, the offset below which compaction dropped every entry from memory. */
    @GuardedBy("lock")
    private final Map<Integer, Long> droppedBelow = new HashMap<>();
    /** Statuses read before their entry (the two topics are read side by side), by partition and offset. */
    @GuardedBy("lock")
    private final Map<Integer, Map<Long, List<StatusRecord>>> early = new HashMap<>();
    /** This instance's appends not read back yet, by entry id. */
    @GuardedBy("lock")
    private final Map<String, Slot> ownPending = new HashMap<>();
    @GuardedBy("lock")
    private final Set<Integer> owned = new TreeSet<>();
    /** The groups recorded in companion partition 0 (not deleted), each at the offset of its first record. */
    @GuardedBy("lock")
    private final Map<String, Long> groups = new HashMap<>();
    /** Per companion partition, the offset after the last record taken in. */
    @GuardedBy("lock")
    private final Map<Integer, Long> companionRead = new HashMap<>();
    @GuardedBy("lock")
    private long appendedEntries;
    @GuardedBy("lock")
    private @Nullable GroupMembership membership;
    private volatile @Nullable StorageEvents events;
    private volatile boolean closing;

    /** One entry of an append: its append and its place in it. */
    private record Slot(PendingAppend append, int index) {
    }

    /** An append waiting for its records to be read back. */
    private static final class PendingAppend {
        final long[] seqs;
        final long startNanos;
        final CompletableFuture<AppendResult> future = new CompletableFuture<>();
        int unread;

        PendingAppend(int count, long startNanos) {
            this.seqs = new long[count];
            this.startNanos = startNanos;
            this.unread = count;
        }
    }

    private SharedKafkaWalStorage(KafkaLogSettings settings, String group, Admin admin) {
        this.settings = settings;
        this.group = group;
        this.admin = admin;
        this.payloads = PayloadReading.decoding(EntryCodec.PAYLOAD_KEYS, settings.payloadCodec());
        // a partition's owner deletes finished records before this instance forgets them: reads leave those out
        this.reader = new RecordReader(new KafkaConsumer<>(KafkaWalStorage.consumerConfig(settings)), settings.topic(),
                settings.openTimeout(), payloads, (partition, offset) -> offset <= finishedThrough(partition),
                settings.readCacheBytes());
        this.memory = new LogMemory("shared Kafka log '" + settings.topic() + "'", reader, new TreeMap<>(),
                new StatusIndex(), 0);
        this.lock = memory;
        this.tail = new KafkaConsumer<>(KafkaWalStorage.consumerConfig(settings));
        this.producer = new KafkaProducer<>(KafkaWalStorage.producerConfig(settings));
        this.tailThread = new Thread(this::tailLoop, "wal4j-kafka-tail-" + settings.topic());
        this.tailThread.setDaemon(true);
    }

    /**
     * Opens the log shared by the instances of consumer group {@code group}: creates its topics if
     * absent or checks them (as {@link KafkaWalStorage#open} does), reads both topics to their end,
     * then follows them. No partition is owned before a {@code Wal} is built on it and started.
     *
     * @throws IllegalArgumentException if {@code group} is blank
     * @throws org.wal4j.WalIOException if Kafka cannot be reached or read within the open timeout, or a
     *                                record is corrupt
     */
    public static SharedKafkaWalStorage open(KafkaLogSettings requested, String group) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("a shared log needs a consumer group name, shared by its instances, but "
                    + "was " + (group == null ? "null" : "'" + group + "'"));
        }
        Admin admin = Admin.create(KafkaWalStorage.adminConfig(requested));
        SharedKafkaWalStorage log = null;
        try {
            KafkaLogSettings settings = Topics.resolve(admin, requested);
            log = new SharedKafkaWalStorage(settings, group, admin);
            log.readToEnd();
            log.tailThread.start();
            return log;
        } catch (RuntimeException e) {
            if (log != null) {
                log.close();
            } else {
                admin.close(Duration.ofSeconds(1));
            }
            throw e;
        }
    }

    /**
     * True when the log topic's records were written by a shared log (they carry no seq); false for
     * a log with one writer, or one that holds no record yet. Reads one record; writes nothing.
     *
     * @throws WalIOException if Kafka does not answer within the open timeout
     */
    public static boolean isShared(KafkaLogSettings settings) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaWalStorage.consumerConfig(settings))) {
            List<TopicPartition> all = new ArrayList<>();
            // the topic's own partitions: an operator's settings may not know how many it has
            consumer.partitionsFor(settings.topic(), settings.openTimeout())
                    .forEach(info -> all.add(new TopicPartition(info.topic(), info.partition())));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(all, settings.openTimeout());
            Map<TopicPartition, Long> end = consumer.endOffsets(all, settings.openTimeout());
            List<TopicPartition> filled = all.stream()
                    .filter(tp -> begin.getOrDefault(tp, 0L) < end.getOrDefault(tp, 0L)).toList();
            if (filled.isEmpty()) {
                return false;
            }
            consumer.assign(filled);
            filled.forEach(tp -> consumer.seek(tp, begin.getOrDefault(tp, 0L)));
            long deadline = System.nanoTime() + settings.openTimeout().toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    return RecordReader.isShared(r);
                }
            }
            throw new WalIOException("No record of the Kafka log '" + settings.topic() + "' could be read within "
                    + settings.openTimeout(), null);
        } catch (KafkaException e) {
            throw new WalIOException("Reading the Kafka log '" + settings.topic() + "' failed: " + e, e);
        }
    }

    public KafkaLogSettings settings() {
        return settings;
    }

    /** The consumer group whose members share this log. */
    public String group() {
        return group;
    }

    /** The topic partitions this instance applies now. */
    public Set<Integer> ownedPartitions() {
        synchronized (lock) {
            return Set.copyOf(owned);
        }
    }

    @Override
    public OptionalInt sharedPartitions() {
        return OptionalInt.of(settings.partitions());
    }

    @Override
    public String toString() {
        return "SharedKafkaWalStorage[topic '" + settings.topic() + "', group '" + group + "']";
    }

    // ---- reading the topics ----

    private List<TopicPartition> allPartitions() {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < settings.partitions(); p++) {
            all.add(new TopicPartition(settings.topic(), p));
            all.add(new TopicPartition(settings.companionTopic(), p));
        }
        return all;
    }

    /** Reads both topics up to their ends as of now, before the log is used. */
    private void readToEnd() {
        List<TopicPartition> all = allPartitions();
        try {
            tail.assign(all);
            tail.seekToBeginning(all);
            Map<TopicPartition, Long> end = tail.endOffsets(all, settings.openTimeout());
            long deadline = System.nanoTime() + settings.openTimeout().toNanos();
            while (!reached(end)) {
                if (System.nanoTime() > deadline) {
                    throw new WalIOException("Reading the shared log '" + settings.topic() + "' back took longer than "
                            + settings.openTimeout(), null);
                }
                process(tail.poll(POLL));
            }
        } catch (KafkaException e) {
            throw new WalIOException("Reading the shared log '" + settings.topic() + "' back failed: " + e, e);
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (tail.position(e.getKey(), settings.openTimeout()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void tailLoop() {
        try {
            while (!closing) {
                process(tail.poll(POLL));
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("Following the shared log '{}' failed; it refuses writes until reopened", settings.topic(), e);
            poison(e, new WalUnavailableException("Following the shared log '" + settings.topic() + "' failed: " + e
                    + ". Appends not read back yet are not acknowledged (their records may or may not be in the log); "
                    + "the log refuses writes until it is reopened", e));
        } finally {
            tail.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    /**
     * Takes in what a poll read: numbers the log's records, applies the companion's statuses, then
     * tells the engine (held entries first) and answers the appends read back.
     */
    private void process(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        List<PendingAppend> readBack = new ArrayList<>();
        List<WalEntry> elsewhere = new ArrayList<>();
        List<StatusRecord> foreign = new ArrayList<>();
        boolean reloadOwned = false;
        long heldThrough;
        synchronized (lock) {
            long before = memory.lastSeq();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.topic().equals(settings.topic())) {
                    PendingAppend done = take(r, elsewhere);
                    if (done != null) {
                        readBack.add(done);
                    }
                } else {
                    companionRead.put(r.partition(), r.offset() + 1);
                    StatusRecord status = companion(r);
                    if (status != null && !isOwn(r)) {
                        foreign.add(status);
                        reloadOwned |= !status.status().isTerminal() && owned.contains(r.partition());
                    }
                }
            }
            long after = memory.lastSeq();
            heldThrough = after > before ? after : 0;
            lock.notifyAll();
        }
        StorageEvents listener = events;
        if (listener != null) {
            if (!elsewhere.isEmpty()) {
                listener.appendedElsewhere(elsewhere);
            }
            if (heldThrough > 0) {
                listener.heldThrough(heldThrough);
            }
            if (!foreign.isEmpty()) {
                listener.statusesChanged(foreign);
            }
            if (reloadOwned) {
                whenFailedLog(listener.reload(), "reloading after a requeue by another instance");
            }
        }
        for (PendingAppend append : readBack) {
            appendLatency.record(System.nanoTime() - append.startNanos);
            append.future.complete(AppendResult.of(append.seqs, true));
        }
    }

    /**
     * Numbers one log record; returns its append when that was this instance's last unread record.
     * An entry another instance appended goes to {@code elsewhere}.
     */
    @GuardedBy("lock")
    private @Nullable PendingAppend take(ConsumerRecord<byte[], byte[]> r, List<WalEntry> elsewhere) {
        long seq = memory.lastSeq() + 1;
        WalEntry entry = EntryCodec.decode(RecordReader.header(r, EntryCodec.ENTRY_HEADER),
                RecordReader.header(r, EntryCodec.CRC_HEADER), r.value(), RecordReader.where(r), STORED,
                seq);
        memory.hold(seq, new Held(r.partition(), r.offset(), entry.createdAt(), entry.targets(), LogLoader.size(r),
                null));
        seqAt.computeIfAbsent(r.partition(), p -> new TreeMap<>()).put(r.offset(), seq);
        Map<Long, List<StatusRecord>> waiting = early.get(r.partition());
        List<StatusRecord> statuses = waiting == null ? null : waiting.remove(r.offset());
        if (statuses != null) {
            statuses.forEach(s -> memory.apply(withSeq(s, seq)));
        }
        Slot slot = ownPending.remove(entry.id());
        if (slot == null) {
            elsewhere.add(entry);
            return null;
        }
        slot.append.seqs[slot.index] = seq;
        return --slot.append.unread == 0 ? slot.append : null;
    }

    /** Applies one companion record; returns the status it carried, numbered with this instance's seq. */
    @GuardedBy("lock")
    private @Nullable StatusRecord companion(ConsumerRecord<byte[], byte[]> r) {
        CompanionCodec.Fact fact = CompanionCodec.decode(r.key(), r.value(),
                RecordReader.header(r, EntryCodec.CRC_HEADER), RecordReader.where(r));
        if (fact instanceof CompanionCodec.Checkpoint c) {
            checkpoints.computeIfAbsent(c.target(), t -> new HashMap<>()).merge(r.partition(), c.seq(), Math::max);
            return null;
        }
        if (fact instanceof CompanionCodec.Group g) {
            if (r.partition() == 0) {
                groups.putIfAbsent(g.group(), r.offset());
            }
            return null;
        }
        if (fact instanceof CompanionCodec.Tombstone t && t.key().startsWith(CompanionCodec.GROUP_PREFIX)) {
            if (r.partition() == 0) {
                groups.remove(t.key().substring(CompanionCodec.GROUP_PREFIX.length()));
            }
            return null;
        }
        if (!(fact instanceof CompanionCodec.Status s)) {
            return null; // a tombstone: what it replaced is already applied
        }
        long offset = s.record().seq() - 1;
        if (offset < droppedBelow.getOrDefault(r.partition(), 0L)) {
            return null; // a late status of an entry compaction dropped: finished for every target
        }
        Long seq = seqAt.getOrDefault(r.partition(), new TreeMap<>()).get(offset);
        if (seq == null) {
            early.computeIfAbsent(r.partition(), p -> new HashMap<>()).computeIfAbsent(offset, o -> new ArrayList<>())
                    .add(s.record());
            return null;
        }
        StatusRecord local = withSeq(s.record(), seq);
        // not held: dropped from memory, finished for every target
        return memory.apply(local) == null ? null : local;
    }

    private boolean isOwn(ConsumerRecord<byte[], byte[]> r) {
        byte[] writer = RecordReader.header(r, INSTANCE_HEADER);
        return writer != null && java.util.Arrays.equals(writer, instanceBytes);
    }

    private static StatusRecord withSeq(StatusRecord r, long seq) {
        return new StatusRecord(seq, r.target(), r.status(), r.attempts(), r.at(), r.reason());
    }

    // ---- ownership ----

    /**
     * Called once by the engine: joins the consumer group, from which this instance gets partitions.
     * The log's group is recorded in its companion topic by the first instance that attaches; an
     * instance of another group is refused, since two groups would each apply every partition.
     *
     * @throws IllegalStateException if the log is recorded for another consumer group
     * @throws WalIOException        if the group cannot be recorded and read back within the open timeout
     */
    @Override
    public void attach(StorageEvents listener) {
        synchronized (lock) {
            checkAttachable();
        }
        String recorded = recordGroup();
        if (!group.equals(recorded)) {
            throw new IllegalStateException("The shared log '" + settings.topic() + "' belongs to consumer group '"
                    + recorded + "' (recorded in topic '" + settings.companionTopic() + "' by its first instance), but "
                    + "this instance joins group '" + group + "': every instance of a shared log must name the same "
                    + "group, openShared(\"" + recorded + "\"); two groups would each apply every partition. To move "
                    + "the log to another group, stop every instance and delete the record with key '"
                    + CompanionCodec.GROUP_PREFIX + recorded + "' (a tombstone) from partition 0 of that topic");
        }
        synchronized (lock) {
            checkAttachable();
            events = listener;
            membership = GroupMembership.join(settings, group, admin, listener, new Share());
        }
    }

    @GuardedBy("lock")
    private void checkAttachable() {
        if (events != null) {
            throw new IllegalStateException("the shared log '" + settings.topic() + "' is already attached to a Wal");
        }
        memory.checkWritable();
    }

    /**
     * The log's consumer group: the first recorded in companion partition 0, this instance's if none
     * was (written, then read back, so that of two instances recording at once both see the first).
     */
    private String recordGroup() {
        CompletableFuture<Void> sent = null;
        synchronized (lock) {
            if (groups.isEmpty()) {
                sent = sendCompanion(0, CompanionCodec.GROUP_PREFIX + group,
                        CompanionCodec.group(group, instance, Instant.now()));
            }
        }
        long deadline = System.nanoTime() + settings.openTimeout().toNanos();
        if (sent != null) {
            try {
                sent.get(settings.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WalIOException("Interrupted while recording the group of the shared log '"
                        + settings.topic() + "'", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new WalIOException("Recording group '" + group + "' in the shared log '" + settings.topic()
                        + "' failed: " + e, e);
            }
        }
        synchronized (lock) {
            while (sent != null && !groups.containsKey(group)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || closing) {
                    throw new WalIOException("Group '" + group + "', recorded in the shared log '" + settings.topic()
                            + "', was not read back within " + settings.openTimeout(), null);
                }
                try {
                    lock.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new WalIOException("Interrupted while recording the group of the shared log '"
                            + settings.topic() + "'", e);
                }
            }
            return groups.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(group);
        }
    }

    /** What the group membership asks of this storage. */
    private final class Share implements GroupMembership.Share {
        /**
         * Waits until the statuses the previous owner recorded (up to {@code end}) are taken in, so
         * that this instance does not apply again what it finished. Bounded by the open timeout: past
         * it the partition starts anyway, and the targets' idempotency absorbs what is applied twice.
         */
        @Override
        public void awaitStatusesRead(Map<TopicPartition, Long> end) {
            long deadline = System.nanoTime() + settings.openTimeout().toNanos();
            synchronized (lock) {
                for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                    while (companionRead.getOrDefault(e.getKey().partition(), 0L) < e.getValue() && !closing) {
                        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                        if (left <= 0) {
                            LOG.warn("The statuses of partition {} of the shared log '{}' were not read within {}; it "
                                    + "starts anyway", e.getKey().partition(), settings.topic(), settings.openTimeout());
                            return;
                        }
                        try {
                            lock.wait(Math.min(left, 100));
                        } catch (InterruptedException x) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }

        @Override
        public void own(Set<Integer> partitions) {
            synchronized (lock) {
                owned.addAll(partitions);
            }
        }

        @Override
        public void disown(Set<Integer> partitions) {
            synchronized (lock) {
                owned.removeAll(partitions);
            }
        }

        @Override
        public void flushStatuses() {
            try {
                producer.flush(); // the statuses the stop recorded reach Kafka before the next owner reads them
            } catch (RuntimeException e) {
                LOG.warn("Flushing the statuses of the shared log '{}' failed: {}", settings.topic(), e.toString());
            }
        }

        @Override
        public void logFailure(CompletableFuture<Void> future, String what) {
            whenFailedLog(future, what);
        }
    }

    // the failure is logged in the callback: nothing else waits for it
    @SuppressWarnings("FutureReturnValueIgnored")
    private void whenFailedLog(CompletableFuture<Void> future, String what) {
        future.whenComplete((ok, failure) -> {
            if (failure != null && !closing) {
                LOG.warn("{} on the shared log '{}' failed: {}", what, settings.topic(), failure.toString());
            }
        });
    }

    // ---- appends and statuses ----

    /** The topic partition of {@code lane}: {@link ApplyPartitions#of}{@code (lane, partitions)}. */
    public int partitionOf(LaneId lane) {
        return ApplyPartitions.of(lane, settings.partitions());
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(List<WalEntry> entries) {
        long start = System.nanoTime();
        AppendChecks.check(entries, settings.maxEntryBytes());
        PayloadCodec codec = settings.payloadCodec();
        List<byte[]> values = KafkaWalStorage.values(entries, settings);
        PendingAppend append = new PendingAppend(entries.size(), start);
        synchronized (lock) {
            memory.checkWritable();
            Set<String> ids = new HashSet<>();
            for (WalEntry e : entries) {
                if (ownPending.containsKey(e.id()) || !ids.add(e.id())) {
                    throw new IllegalArgumentException("entry id '" + e.id() + "' is already being appended; every "
                            + "entry needs an id of its own");
                }
            }
            for (int i = 0; i < entries.size(); i++) {
                WalEntry entry = entries.get(i);
                int partition = partitionOf(LaneId.of(entry));
                byte[] header = EntryCodec.header(entry, codec == null ? null : codec.name());
                ownPending.put(entry.id(), new Slot(append, i));
                ProducerRecord<byte[], byte[]> record = KafkaWalStorage.entryRecord(settings.topic(), partition, entry,
                        header, values.get(i));
                String what = "Kafka did not acknowledge entry " + entry.id() + " (topic '" + settings.topic()
                        + "' partition " + partition + ")";
                try {
                    Future<RecordMetadata> unused = producer.send(record, (metadata, failure) -> {
                        if (failure != null) {
                            poison(failure, what);
                        }
                    });
                } catch (RuntimeException e) {
                    poisonLocked(e, what);
                    break;
                }
            }
            appendedEntries += entries.size();
        }
        return append.future;
    }

    /** A record Kafka did not acknowledge: the log refuses writes, and the appends not read back fail. */
    private void poison(Throwable failure, String what) {
        poison(failure, memory.poison(failure, what, settings.deliveryTimeout()));
    }

    private void poison(Throwable failure, WalUnavailableException reported) {
        List<PendingAppend> failed;
        synchronized (lock) {
            memory.poison(failure);
            failed = takePending();
        }
        failed.forEach(a -> a.future.completeExceptionally(reported)); // outside the lock: callers' callbacks run here
    }

    /** {@link #poison} for a send that threw under the lock: the appends fail there too. */
    @GuardedBy("lock")
    private WalUnavailableException poisonLocked(Throwable failure, String what) {
        WalUnavailableException e = memory.poison(failure, what, settings.deliveryTimeout());
        for (PendingAppend a : takePending()) {
            a.future.completeExceptionally(e);
        }
        return e;
    }

    @GuardedBy("lock")
    private List<PendingAppend> takePending() {
        List<PendingAppend> out = new ArrayList<>();
        for (Slot s : ownPending.values()) {
            if (!out.contains(s.append)) {
                out.add(s.append);
            }
        }
        ownPending.clear();
        return out;
    }

    @Override
    public CompletableFuture<Void> appendStatusAsync(List<StatusRecord> records) {
        List<CompletableFuture<Void>> sent = new ArrayList<>(records.size());
        synchronized (lock) {
            // an entry dropped is left out: its status is ignored, as for an entry never held
            for (LogMemory.Applied a : memory.applyStatuses(records, SharedKafkaWalStorage::checkSeq)) {
                Held h = a.entry();
                StatusRecord stored = withSeq(a.record(), h.offset() + 1); // a record's value names it by offset + 1
                sent.add(sendCompanion(h.partition(), "status/" + h.partition() + ":" + h.offset() + "/"
                        + a.record().target(), CompanionCodec.status(stored)));
            }
        }
        return companions.track(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
    }

    private static void checkSeq(StatusRecord record, long lastSeq) {
        if (record.seq() > lastSeq) {
            throw new IllegalArgumentException("status record for seq " + record.seq() + " but the last seq is " + lastSeq);
        }
    }

    @GuardedBy("lock")
    private CompletableFuture<Void> sendCompanion(int partition, String key, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EntryCodec.CRC_HEADER, CompanionCodec.checksum(value));
        headers.add(INSTANCE_HEADER, instanceBytes);
        CompletableFuture<Void> done = companions.track(new CompletableFuture<>());
        String what = "Kafka did not acknowledge the companion record '" + key + "' (topic '"
                + settings.companionTopic() + "' partition " + partition + ")";
        try {
            Future<RecordMetadata> unused = producer.send(new ProducerRecord<>(settings.companionTopic(), partition,
                    null, key.getBytes(StandardCharsets.UTF_8), value, headers), (metadata, failure) -> {
                        if (failure == null) {
                            done.complete(null);
                        } else {
                            poison(failure, what);
                            done.completeExceptionally(new WalUnavailableException(what + ": " + failure, failure));
                        }
                    });
        } catch (RuntimeException e) {
            done.completeExceptionally(poisonLocked(e, what));
        }
        return done;
    }

    /**
     * Saves, for every partition this instance owns, the offset at or below which every entry is
     * finished for {@code target}: the offset of the last record numbered at or below {@code seq}
     * (the engine's checkpoint covers every entry it was shown, which is every entry of those
     * partitions).
     */
    @Override
    public CompletableFuture<Void> saveCheckpoint(String target, long seq) {
        Names.requireTarget(target);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        synchronized (lock) {
            memory.checkCheckpoint(target, seq);
            Map<Integer, Long> byPartition = checkpoints.computeIfAbsent(target, t -> new HashMap<>());
            for (int p : owned) {
                Long offset = offsetAtOrBelow(p, seq);
                if (offset != null && offset > byPartition.getOrDefault(p, -1L)) {
                    byPartition.put(p, offset);
                    sent.add(sendCompanion(p, "checkpoint/" + target + "/" + p, CompanionCodec.checkpoint(target, offset)));
                }
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    @GuardedBy("lock")
    private @Nullable Long offsetAtOrBelow(int partition, long seq) {
        NavigableMap<Long, Long> offsets = seqAt.get(partition);
        if (offsets == null) {
            return null;
        }
        Long best = null;
        for (Map.Entry<Long, Long> e : offsets.descendingMap().entrySet()) {
            if (e.getValue() <= seq) {
                best = e.getKey();
                break;
            }
        }
        return best;
    }

    /**
     * The seq (this instance's) at or below which every entry is finished for {@code target} by its
     * checkpoints per partition ({@link #checkpoints()}, saved by each partition's owner): one below
     * the first entry held past its partition's checkpoint; 0 if the target saved none.
     */
    @Override
    public long checkpoint(String target) {
        synchronized (lock) {
            Map<Integer, Long> offsets = checkpoints.get(target);
            return offsets == null ? 0 : LogLoader.seqCheckpoint(offsets, seqAt, memory.lastSeq());
        }
    }

    /** Per target, per partition, the offset at or below which every entry is finished; from every instance. */
    public Map<String, Map<Integer, Long>> checkpoints() {
        synchronized (lock) {
            Map<String, Map<Integer, Long>> copy = new TreeMap<>();
            checkpoints.forEach((t, m) -> copy.put(t, Map.copyOf(m)));
            return copy;
        }
    }

    @Override
    public CompletableFuture<Void> sync() {
        List<CompletableFuture<?>> waiting = new ArrayList<>(companions.pending());
        synchronized (lock) {
            ownPending.values().forEach(s -> waiting.add(s.append.future));
        }
        return CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).exceptionally(e -> null);
    }

    /** At once: an entry has a seq only once it was read back from the in-sync replicas. */
    @Override
    public CompletableFuture<Void> whenDurable(long seq) {
        return CompletableFuture.completedFuture(null);
    }

    // ---- reads ----

    @Override
    public Optional<WalEntry> read(long seq) {
        return memory.read(seq);
    }

    @Override
    public List<WalEntry> read(long fromSeq, long toSeq, int limit) {
        return memory.read(fromSeq, toSeq, limit);
    }

    @Override
    public Stream<WalEntry> scan(long fromSeq) {
        return memory.scan(fromSeq);
    }

    /** Only the entries created within the bounds are read from Kafka: their creation times are held in memory. */
    @Override
    public Stream<WalEntry> scanCreated(long fromSeq, @Nullable Instant from, @Nullable Instant before) {
        return memory.scanCreated(fromSeq, from, before);
    }

    /**
     * The unfinished entries of every partition: the engine applies only those of the partitions it
     * started (the ones this instance owns), and reads the others' to answer read-your-writes.
     */
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

    // ---- retention ----

    /** The offset of {@code partition} at or below which every target's checkpoint finishes every entry; -1 if none. */
    private long finishedThrough(int partition) {
        synchronized (lock) {
            List<String> targets = memory.targets();
            long cut = targets.isEmpty() ? -1 : Long.MAX_VALUE;
            for (String target : targets) {
                cut = Math.min(cut, checkpoints.getOrDefault(target, Map.of()).getOrDefault(partition, -1L));
            }
            return cut;
        }
    }

    /**
     * For each partition, drops the prefix of entries at or below every target's checkpoint of that
     * partition and created before {@code createdBefore} from this instance's memory; the owner of
     * the partition also deletes those records from Kafka ({@code deleteRecords}). {@code safePoint}
     * (a seq of this instance) is not used: each partition's checkpoints bound it instead. First
     * the topics are checked again as at open: one reconfigured so that Kafka would delete entries
     * on its own, or deleted, makes the log refuse writes from then on.
     */
    @Override
    public CompactionResult compact(long safePoint, Instant createdBefore) {
        Topics.refuseWritesIfUnsafe(admin, settings, memory);
        Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
        long dropped = 0;
        long reclaimed = 0;
        synchronized (lock) {
            memory.checkWritable();
            for (int p = 0; p < settings.partitions(); p++) {
                long cut = finishedThrough(p);
                NavigableMap<Long, Long> offsets = seqAt.get(p);
                if (cut < 0 || offsets == null) {
                    continue;
                }
                long deleteBelow = -1;
                for (Map.Entry<Long, Long> e = offsets.firstEntry(); e != null && e.getKey() <= cut;
                     e = offsets.firstEntry()) {
                    Held h = memory.get(e.getValue());
                    if (h != null && !h.createdAt().isBefore(createdBefore)) {
                        break;
                    }
                    offsets.pollFirstEntry();
                    if (h != null) {
                        memory.drop(e.getValue());
                        reclaimed += h.bytes();
                        dropped++;
                    }
                    deleteBelow = e.getKey() + 1;
                }
                if (deleteBelow > 0) {
                    droppedBelow.put(p, deleteBelow);
                }
                if (deleteBelow > 0 && owned.contains(p)) {
                    deletions.put(new TopicPartition(settings.topic(), p), RecordsToDelete.beforeOffset(deleteBelow));
                }
            }
        }
        if (!deletions.isEmpty()) {
            try {
                admin.deleteRecords(deletions).all().get(settings.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Deleting records of the shared log '{}' failed; a later compaction tries again: {}",
                        settings.topic(), e.toString());
            }
        }
        return new CompactionResult(dropped, 0, 0, reclaimed);
    }

    @Override
    public StorageStats stats() {
        synchronized (lock) {
            return memory.stats(settings.partitions(), Map.of(), appendedEntries, appendLatency);
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
     * Leaves the consumer group (its partitions go to the other instances), stops following the
     * topics, fails the appends not read back yet, and closes the clients. Idempotent.
     */
    @Override
    public void close() {
        GroupMembership member;
        synchronized (lock) {
            if (!memory.close()) {
                return;
            }
            member = membership;
        }
        closing = true;
        if (member != null) {
            member.close();
        }
        if (tailThread.isAlive()) {
            tail.wakeup();
            join(tailThread);
        } else if (tailThread.getState() == Thread.State.NEW) {
            tail.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
        producer.close(settings.deliveryTimeout());
        List<PendingAppend> left;
        synchronized (lock) {
            left = takePending();
        }
        left.forEach(a -> a.future.completeExceptionally(new WalUnavailableException("The shared Kafka log '"
                + settings.topic() + "' was closed before its entries were read back; they may or may not be in the log")));
        reader.close();
        admin.close(Duration.ofSeconds(5));
    }

    private static void join(@Nullable Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
