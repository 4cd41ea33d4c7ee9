package org.wal4j.storage.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.wal4j.WalIOException;
import org.wal4j.spi.PayloadReading;

/**
 * Reads records of the log and companion topics with one consumer that belongs to no group and
 * commits nothing: whole topics from the beginning when a log is opened, and entries by
 * (partition, offset) when the engine or a reader asks for payloads, which the log does not keep
 * in memory.
 *
 * <p>Thread-safe: every method is {@code synchronized}, since a {@link KafkaConsumer} is not.
 */
final class RecordReader implements AutoCloseable {
    /** Where an entry's record is. */
    record Location(long seq, int partition, long offset) {
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration timeout;
    private final PayloadReading payloads;

    /** A reader whose {@link #read} turns records' values into payloads as {@code payloads} says. */
    RecordReader(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout, PayloadReading payloads) {
        this.consumer = consumer;
        this.topic = topic;
        this.timeout = timeout;
        this.payloads = payloads;
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
     * The entries at {@code wanted}, by seq. Reads each partition once, from the lowest offset wanted
     * to the highest.
     *
     * @throws WalIOException         if a record is not there within the timeout (deleted underneath the log)
     * @throws CorruptRecordException if a record is not the entry the log expects there
     * @throws org.wal4j.WalPayloadException if a record's payload is stored encoded and cannot be decoded
     */
    synchronized Map<Long, WalEntry> read(List<Location> wanted) {
        Map<Integer, Map<Long, Location>> byPartition = new TreeMap<>();
        for (Location l : wanted) {
            byPartition.computeIfAbsent(l.partition(), p -> new HashMap<>()).put(l.offset(), l);
        }
        Map<Long, WalEntry> out = new HashMap<>();
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
                    Location l = wanted.get(r.offset());
                    if (l != null) {
                        // a shared log's records carry no seq: the one the reading instance gave it is asked for
                        WalEntry entry = isShared(r) ? decode(r, payloads, l.seq()) : decode(r, payloads);
                        if (entry.seq() != l.seq()) {
                            throw new CorruptRecordException(where(r) + " holds seq " + entry.seq() + " where the "
                                    + "log's index expects seq " + l.seq());
                        }
                        out.put(l.seq(), entry);
                        found++;
                    }
                }
                if (consumer.position(tp, timeout) > last && found < wanted.size()) {
                    throw new WalIOException("Topic '" + topic + "' partition " + partition + " no longer holds "
                            + (wanted.size() - found) + " of the entries at offsets " + first + ".." + last
                            + ": were records deleted underneath the log?", null);
                }
            }
        } finally {
            consumer.assign(List.of());
        }
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

    @Override
    public synchronized void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
