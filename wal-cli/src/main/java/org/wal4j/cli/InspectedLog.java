package org.wal4j.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.jspecify.annotations.Nullable;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * A read-only snapshot of a log, whatever holds it: what {@code status}, {@code dump} and
 * {@code dlq list} read, so that each command is written once for every storage. A file log's
 * snapshot is a {@code LogInspector}, a Kafka log's a {@code KafkaLogInspector}; neither takes a
 * lock or writes anything.
 *
 * <p>Thread-safety is the snapshot's: both are thread-safe.
 */
interface InspectedLog extends AutoCloseable {
    /** Where the log is and what only that storage knows (the writer, the segments; the partitions). */
    StatusReport.Location location();

    /** Things the snapshot left out or found that are not corruption, one sentence each. */
    List<String> notes();

    /** Bytes the held entries take in the storage's own format. */
    long bytes();

    /** The highest seq assigned, 0 for an empty log. */
    long lastSeq();

    /** Entries held. */
    long entries();

    /** Entries some target still needs. */
    long unfinished();

    /** Dead letters, as (entry, target) pairs. */
    long deadLetterCount();

    /** Every target the log names, in the order first seen. */
    List<String> targets();

    long checkpoint(String target);

    /** Entries PENDING or RETRYING for {@code target}. */
    long unfinished(String target);

    long deadLetterCount(String target);

    long rejectedCount(String target);

    List<TrackedEntry> unfinished(String target, long afterSeq, int limit);

    List<TrackedEntry> deadLetters(String target, long afterSeq, int limit);

    /** Entries from {@code fromSeq} on, in seq order, read lazily: close the stream. */
    Stream<WalEntry> scan(long fromSeq);

    /** {@link #scan}, only the entries created at or after {@code from} and before {@code before} (null: unbounded). */
    default Stream<WalEntry> scanCreated(long fromSeq, @Nullable Instant from, @Nullable Instant before) {
        return scan(fromSeq).filter(e -> WalStorage.createdWithin(e.createdAt(), from, before));
    }

    /** The entry's status for each target it names, in its order. */
    Map<String, EntryStatus> statuses(WalEntry entry);

    @Override
    void close();
}
