package org.wal4j.storage.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalEntry;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.StatusIndex;
import org.wal4j.WalIOException;
import org.wal4j.spi.PayloadReading;

/**
 * Reads records of the log and companion topics with one consumer that belongs to no group and
 * commits nothing: whole topics from the beginning when a log is opened, and entries by
 * (partition, offset) when the engine or a reader asks for payloads, which the log does not keep
 * in memory. Entries read by location are kept, least recently used out first, within a memory
 * bound ({@link KafkaLogSettings#readCacheBytes()}), so that reading them again costs no fetch: the
 * engine's window re-reads the entries it holds whenever it refills a lane. A location always holds
 * the same entry (records are immutable; a shared log's seqs are this reader's own), so what is kept
 * is never stale; a location the log has dropped is never asked for again.
 *
 * <p>Thread-safe: every method is {@code synchronized}, since a {@link KafkaConsumer} is not.
 */
final class RecordReader implements AutoCloseable {
    /** Where an entry's record is. */
    record Location(long seq, int partition, long offset) {
    }

    /**
     * Which records the log's own retention may have deleted from Kafka: a read leaves such a record
     * out when it is gone instead of failing. A shared log's owner deletes a partition's finished
     * records before the other instances forget them (at their own compaction).
     */
    @FunctionalInterface
    interface Retention {
        /** No record is deleted but by the log itself, after it forgot it: a record gone is a failure. */
        Retention NONE = (partition, offset) -> false;

        boolean mayHaveDeleted(int partition, long offset);
    }

    private static final Duration POLL = Duration.ofMillis(100);
    /** What an entry costs the cache besides its payload's characters: its other fields and the map's. */
    static final int CACHED_ENTRY_OVERHEAD = 512;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration timeout;
    private final PayloadReading payloads;
    private final Retention retention;
    private final long cacheBytes;
    /** Entries read by location lately, least recently used first. */
    private final LinkedHashMap<Location, WalEntry> cache = new LinkedHashMap<>(256, 0.75f, true);
    private long cachedBytes;
    /** Records fetched to read entries by location (not counting whole-topic reads). */
    private long recordsFetched;

    /**
     * A reader whose {@link #read} turns records' values into payloads as {@code payloads} says,
     * keeping up to {@code cacheBytes} of the entries it read (0: none).
     */
    RecordReader(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout, PayloadReading payloads,
                 long cacheBytes) {
        this(consumer, topic, timeout, payloads, Retention.NONE, cacheBytes);
    }

    /** The same, leaving out of {@link #read} the records gone that {@code retention} may have deleted. */
    RecordReader(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout, PayloadReading payloads,
                 Retention retention, long cacheBytes) {
        this.consumer = consumer;
        this.topic = topic;
        this.timeout = timeout;
        this.payloads = payloads;
        this.retention = retention;
        this.cacheBytes = cacheBytes;
    }

    /** Hands every record of {@code readTopic}'s {@code partitions} partitions to {@code sink}, each partition in offset order. */
    synchronized void readAll(String readTopic, int partitions, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        try {
            readAllOf(readTopic, partitions, sink);
        } catch (KafkaException e) {
            throw new WalIOException("Reading topic '" + readTopic + "' back failed: " + e + " (with in-sync replicas "
                    + "below min.insync.replicas Kafka may not serve a partition's end until another broker returns)", e);
        } finally {
            consumer.assign(List.of());
        }
    }

    private void readAllOf(String readTopic, int partitions, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(readTopic, p));
        }
        consumer.assign(all);
        consumer.seekToBeginning(all);
        Map<TopicPartition, Long> end = consumer.endOffsets(all, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new WalIOException("Reading topic '" + readTopic + "' back took longer than " + timeout
                        + ": at " + positions(all) + " of end offsets " + end, null);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                sink.accept(r);
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Map<Integer, Long> positions(List<TopicPartition> all) {
        Map<Integer, Long> out = new TreeMap<>();
        for (TopicPartition tp : all) {
            out.put(tp.partition(), consumer.position(tp, timeout));
        }
        return out;
    }

    /**
     * The entries at {@code wanted}, by seq: those kept from an earlier read from memory, the rest
     * read from Kafka, each partition once, from the lowest offset wanted to the highest. A record
     * gone that the log's {@link Retention} may have deleted is left out.
     *
     * @throws WalIOException         if a record is not there within the timeout, or gone though the
     *                                log's retention did not delete it (deleted underneath the log)
     * @throws CorruptRecordException if a record is not the entry the log expects there
     * @throws org.wal4j.WalPayloadException if a record's payload is stored encoded and cannot be decoded
     */
    synchronized Map<Long, WalEntry> read(List<Location> wanted) {
        Map<Integer, Map<Long, Location>> byPartition = new TreeMap<>();
        Map<Long, WalEntry> out = new HashMap<>();
        for (Location l : wanted) {
            WalEntry kept = cache.get(l);
            if (kept != null) {
                out.put(l.seq(), kept);
            } else {
                byPartition.computeIfAbsent(l.partition(), p -> new HashMap<>()).put(l.offset(), l);
            }
        }
        for (Map.Entry<Integer, Map<Long, Location>> e : byPartition.entrySet()) {
            try {
                readPartition(e.getKey(), e.getValue(), out);
            } catch (KafkaException failure) {
                throw new WalIOException("Reading entries of topic '" + topic + "' partition " + e.getKey()
                        + " failed: " + failure, failure);
            }
        }
        return out;
    }

    private void readPartition(int partition, Map<Long, Location> wanted, Map<Long, WalEntry> out) {
        TopicPartition tp = new TopicPartition(topic, partition);
        long first = wanted.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = wanted.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        consumer.assign(List.of(tp));
        consumer.seek(tp, first);
        int found = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (found < wanted.size()) {
                if (System.nanoTime() > deadline) {
                    throw new WalIOException("Reading entries of topic '" + topic + "' partition " + partition
                            + " at offsets " + first + ".." + last + " took longer than " + timeout + "; found "
                            + found + " of " + wanted.size() + " (position " + consumer.position(tp, timeout)
                            + "): were records deleted underneath the log?", null);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    recordsFetched++;
                    Location l = wanted.get(r.offset());
                    if (l != null) {
                        // a shared log's records carry no seq: the one the reading instance gave it is asked for
                        WalEntry entry = isShared(r) ? decode(r, payloads, l.seq()) : decode(r, payloads);
                        if (entry.seq() != l.seq()) {
                            throw new CorruptRecordException(where(r) + " holds seq " + entry.seq() + " where the "
                                    + "log's index expects seq " + l.seq());
                        }
                        out.put(l.seq(), entry);
                        keep(l, entry);
                        found++;
                    }
                }
                if (consumer.position(tp, timeout) > last && found < wanted.size()) {
                    List<Long> gone = new ArrayList<>();
                    wanted.forEach((offset, l) -> {
                        if (!out.containsKey(l.seq()) && !retention.mayHaveDeleted(partition, offset)) {
                            gone.add(offset);
                        }
                    });
                    if (gone.isEmpty()) {
                        return; // the rest was deleted by the log's retention, finished for every target
                    }
                    throw new WalIOException("Topic '" + topic + "' partition " + partition + " no longer holds "
                            + gone.size() + " of the entries at offsets " + first + ".." + last + " (the first at "
                            + gone.stream().mapToLong(Long::longValue).min().orElseThrow() + ") that the log's retention "
                            + "did not delete: were records deleted underneath the log?", null);
                }
            }
        } finally {
            consumer.assign(List.of());
        }
    }

    /**
     * The entries of {@code wanted} (by seq, in its order): those not acknowledged yet from memory,
     * the rest read from Kafka; an entry no longer found is left out.
     */
    List<WalEntry> entries(Map<Long, Held> wanted) {
        List<Location> fromKafka = new ArrayList<>();
        wanted.forEach((seq, h) -> {
            if (h.unacked() == null) {
                fromKafka.add(h.location(seq));
            }
        });
        Map<Long, WalEntry> read = fromKafka.isEmpty() ? Map.of() : read(fromKafka);
        List<WalEntry> out = new ArrayList<>(wanted.size());
        wanted.forEach((seq, h) -> {
            WalEntry entry = h.unacked() != null ? h.unacked() : read.get(seq);
            if (entry != null) {
                out.add(entry);
            }
        });
        return out;
    }

    /** {@code states} with their entries ({@code held} holds theirs), in order; a state whose entry is gone is left out. */
    List<TrackedEntry> tracked(List<StatusIndex.State> states, Map<Long, Held> held) {
        Map<Long, WalEntry> bySeq = new HashMap<>();
        for (WalEntry e : entries(held)) {
            bySeq.put(e.seq(), e);
        }
        List<TrackedEntry> out = new ArrayList<>(states.size());
        for (StatusIndex.State s : states) {
            WalEntry entry = bySeq.get(s.seq());
            if (entry != null) {
                out.add(new TrackedEntry(entry, s.target(), s.status(), s.attempts(), s.lastChangeAt(), s.reason()));
            }
        }
        return out;
    }

    /** The entry a log record holds, its payload as {@code payloads} turns the value into one; see {@link EntryCodec}. */
    static WalEntry decode(ConsumerRecord<byte[], byte[]> r, PayloadReading payloads) {
        return EntryCodec.decode(header(r, EntryCodec.ENTRY_HEADER), header(r, EntryCodec.CRC_HEADER), r.value(),
                where(r), payloads);
    }

    /** True for a record a shared log wrote: its header carries no seq ({@link SharedKafkaWalStorage}). */
    static boolean isShared(ConsumerRecord<byte[], byte[]> r) {
        byte[] header = header(r, EntryCodec.ENTRY_HEADER);
        return header != null && EntryCodec.seqOf(header) == 0;
    }

    /** The entry a shared log's record holds, numbered {@code seq} by the reading instance. */
    static WalEntry decode(ConsumerRecord<byte[], byte[]> r, PayloadReading payloads, long seq) {
        return EntryCodec.decode(header(r, EntryCodec.ENTRY_HEADER), header(r, EntryCodec.CRC_HEADER), r.value(),
                where(r), payloads, seq);
    }

    static byte @Nullable [] header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : h.value();
    }

    static String where(ConsumerRecord<?, ?> r) {
        return "record at topic '" + r.topic() + "' partition " + r.partition() + " offset " + r.offset();
    }

    private void keep(Location l, WalEntry entry) {
        if (cacheBytes == 0) {
            return;
        }
        WalEntry before = cache.put(l, entry);
        cachedBytes += cost(entry) - (before == null ? 0 : cost(before));
        Iterator<WalEntry> oldest = cache.values().iterator();
        while (cachedBytes > cacheBytes && oldest.hasNext()) {
            cachedBytes -= cost(oldest.next());
            oldest.remove();
        }
    }

    private static long cost(WalEntry entry) {
        return (long) CACHED_ENTRY_OVERHEAD + entry.payload().length();
    }

    /** Records fetched from Kafka so far to read entries by location: what reading payloads costs the brokers. */
    synchronized long recordsFetched() {
        return recordsFetched;
    }

    @Override
    public synchronized void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
