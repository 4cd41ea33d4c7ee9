package org.wal4j.storage.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StatusRecord;

/**
 * Rebuilds a log's state when it is opened, from its two topics:
 *
 * <ol>
 *   <li>the companion topic, every partition to its end: per key the last record wins and a
 *       tombstone deletes, as Kafka's compaction will; what is left gives the statuses, the
 *       checkpoints, the entries compacted away and the seq floor;</li>
 *   <li>the log topic, every partition to its end: each record checksummed and decoded; an entry
 *       compacted away is skipped (its record awaits deletion); two records with one seq mean two
 *       writers and refuse the open;</li>
 *   <li>the entries in seq order into a new {@link StatusIndex}, then each entry's last status
 *       per target.</li>
 * </ol>
 *
 * The last seq is the highest seq read or the seq floor, whichever is higher, so a seq whose record
 * was deleted is never issued again.
 *
 * <p>Not thread-safe: used once, by the opening thread.
 */
final class LogLoader {
    /** What was read back. */
    record Loaded(NavigableMap<Long, Held> held, StatusIndex index, Map<String, Long> checkpoints, long lastSeq,
                  Map<Integer, NavigableMap<Long, Long>> droppedAwaitingDeletion, boolean shared) {
    }

    private LogLoader() {
    }

    static Loaded load(RecordReader reader, KafkaLogSettings s) {
        Map<String, CompanionCodec.Fact> facts = new LinkedHashMap<>();
        reader.readAll(s.companionTopic(), s.partitions(), r -> {
            CompanionCodec.Fact fact = CompanionCodec.decode(r.key(), r.value(),
                    RecordReader.header(r, EntryCodec.CRC_HEADER), RecordReader.where(r));
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (fact instanceof CompanionCodec.Tombstone) {
                facts.remove(key);
            } else {
                facts.put(key, fact);
            }
        });
        Set<Long> dropped = new HashSet<>();
        Map<String, Long> checkpoints = new HashMap<>();
        // a shared log's checkpoints are per partition, by offset (key checkpoint/<target>/<p>)
        Map<String, Map<Integer, Long>> sharedCheckpoints = new HashMap<>();
        List<StatusRecord> statuses = new ArrayList<>();
        // a shared log's statuses name their entry by partition and offset (key status/<p>:<offset>/<target>)
        Map<String, StatusRecord> sharedStatuses = new HashMap<>();
        long seqFloor = 0;
        for (Map.Entry<String, CompanionCodec.Fact> named : facts.entrySet()) {
            CompanionCodec.Fact fact = named.getValue();
            String key = named.getKey();
            if (fact instanceof CompanionCodec.Status && key.indexOf(':') > 0) {
                sharedStatuses.put(key, ((CompanionCodec.Status) fact).record());
            } else if (fact instanceof CompanionCodec.Status) {
                statuses.add(((CompanionCodec.Status) fact).record());
            } else if (fact instanceof CompanionCodec.Checkpoint c && key.chars().filter(ch -> ch == '/').count() == 2) {
                sharedCheckpoints.computeIfAbsent(c.target(), t -> new HashMap<>())
                        .put(Integer.parseInt(key.substring(key.lastIndexOf('/') + 1)), c.seq());
            } else if (fact instanceof CompanionCodec.Checkpoint c) {
                checkpoints.merge(c.target(), c.seq(), Math::max);
            } else if (fact instanceof CompanionCodec.Dropped) {
                dropped.add(((CompanionCodec.Dropped) fact).seq());
            } else if (fact instanceof CompanionCodec.SeqFloor) {
                seqFloor = Math.max(seqFloor, ((CompanionCodec.SeqFloor) fact).seq());
            }
        }

        TreeMap<Long, Held> held = new TreeMap<>();
        Map<Long, String> seen = new HashMap<>();
        Map<Integer, NavigableMap<Long, Long>> awaitingDeletion = new HashMap<>();
        long[] lastSeq = {seqFloor};
        Map<String, Long> sharedSeqs = new HashMap<>();
        boolean[] formats = new boolean[2]; // [one writer, shared]
        reader.readAll(s.topic(), s.partitions(), r -> {
            boolean shared = RecordReader.isShared(r);
            formats[shared ? 1 : 0] = true;
            if (formats[0] && formats[1]) {
                throw new CorruptRecordException("the " + RecordReader.where(r) + " was written by a "
                        + (shared ? "shared log" : "log with one writer") + " but the topic also holds records of the "
                        + "other kind: a log is opened either shared by every instance or by one writer");
            }
            // a shared log's records are numbered in the order read: each partition in offset order
            WalEntry entry = shared ? RecordReader.decode(r, PayloadReading.asStored(), lastSeq[0] + 1)
                    : RecordReader.decode(r, PayloadReading.asStored()); // no payload needed here
            long seq = entry.seq();
            if (shared) {
                sharedSeqs.put(r.partition() + ":" + r.offset(), seq);
            }
            String where = RecordReader.where(r);
            String other = seen.put(seq, where);
            if (other != null) {
                throw new CorruptRecordException("seq " + seq + " is held twice, by the " + other + " and the " + where
                        + ": two instances have written this log, which a log written by one instance at a time "
                        + "never holds");
            }
            lastSeq[0] = Math.max(lastSeq[0], seq);
            if (dropped.contains(seq)) {
                awaitingDeletion.computeIfAbsent(r.partition(), p -> new TreeMap<>()).put(r.offset(), seq);
            } else {
                held.put(seq, new Held(r.partition(), r.offset(), entry.createdAt(), entry.targets(), size(r), null));
            }
        });

        sharedStatuses.forEach((key, status) -> {
            String entryKey = key.substring("status/".length(), key.lastIndexOf('/'));
            Long seq = sharedSeqs.get(entryKey);
            if (seq != null) {
                statuses.add(new StatusRecord(seq, status.target(), status.status(), status.attempts(), status.at(),
                        status.reason()));
            }
        });
        if (!sharedCheckpoints.isEmpty()) {
            Map<Integer, NavigableMap<Long, Long>> seqAt = new HashMap<>();
            held.forEach((seq, h) -> seqAt.computeIfAbsent(h.partition(), p -> new TreeMap<>()).put(h.offset(), seq));
            sharedCheckpoints.forEach((target, offsets) -> checkpoints.put(target, seqCheckpoint(offsets, seqAt,
                    lastSeq[0])));
        }
        StatusIndex index = new StatusIndex();
        held.forEach((seq, h) -> index.add(seq, seq, h.targets()));
        for (StatusRecord status : statuses) {
            Held h = held.get(status.seq());
            if (h == null) {
                continue; // compacted away
            }
            if (!h.targets().contains(status.target())) {
                throw new CorruptRecordException("the companion topic '" + s.companionTopic() + "' holds a status for "
                        + "target '" + status.target() + "' of entry " + status.seq() + ", which names only "
                        + h.targets());
            }
            LogMemory.apply(index, status, h.targets());
        }
        return new Loaded(held, index, checkpoints, lastSeq[0], awaitingDeletion, formats[1]);
    }

    /**
     * A shared log's checkpoint of a target as a seq of one reader: every entry at or below it is
     * finished by the target's checkpoints per partition ({@code offsets}, the offset at or below
     * which each partition is finished). It is one below the first entry past its partition's
     * checkpoint (a partition without one: past -1), or {@code lastSeq} if there is none.
     *
     * @param seqAt per partition, the entries held: offset to the reader's seq
     */
    static long seqCheckpoint(Map<Integer, Long> offsets, Map<Integer, ? extends NavigableMap<Long, Long>> seqAt,
                              long lastSeq) {
        long checkpoint = lastSeq;
        for (Map.Entry<Integer, ? extends NavigableMap<Long, Long>> partition : seqAt.entrySet()) {
            Map.Entry<Long, Long> firstPast = partition.getValue().higherEntry(offsets.getOrDefault(partition.getKey(),
                    -1L));
            if (firstPast != null) {
                checkpoint = Math.min(checkpoint, firstPast.getValue() - 1);
            }
        }
        return checkpoint;
    }

    /** A log record's bytes as the log counts them: its headers' values and its value. */
    static int size(ConsumerRecord<byte[], byte[]> r) {
        int bytes = r.value() == null ? 0 : r.value().length;
        for (org.apache.kafka.common.header.Header h : r.headers()) {
            bytes += h.value() == null ? 0 : h.value().length;
        }
        return bytes;
    }
}
