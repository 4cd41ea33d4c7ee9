package org.wal4j.storage.kafka;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalEntry;

/**
 * What the log keeps in memory about an entry it holds: where its record is, what compaction and
 * status checks need, and, until Kafka acknowledges it, the entry itself (its offset is unknown
 * until then, so reads are answered from memory).
 *
 * <p>Immutable and thread-safe.
 *
 * @param partition the log topic partition (its lane's {@code ApplyPartitions.of})
 * @param offset    the record's offset, or -1 while it is not acknowledged
 * @param createdAt the entry's creation time (compaction's cut-off)
 * @param targets   the targets the entry names
 * @param bytes     the record's header and value bytes
 * @param unacked   the entry while not acknowledged, else null
 */
record Held(int partition, long offset, Instant createdAt, List<String> targets, int bytes,
            @Nullable WalEntry unacked) {

    /** The same entry, acknowledged at {@code at}. */
    Held acknowledged(long at) {
        return new Held(partition, at, createdAt, targets, bytes, null);
    }

    RecordReader.Location location(long seq) {
        return new RecordReader.Location(seq, partition, offset);
    }
}
