package org.wal4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.storage.file.LockHolder;
import org.wal4j.storage.file.LogInspector;

/**
 * What {@code wal status} shows, gathered from an {@link InspectedLog} snapshot of any storage.
 *
 * <p>Immutable and thread-safe.
 *
 * @param location    where the log is, and what only its storage knows
 * @param bytes       bytes the held entries take (complete lines of a file log; records of a Kafka log)
 * @param entries     entries held
 * @param lastSeq     the highest seq assigned
 * @param unfinished  entries some target still needs (pending, retrying or dead)
 * @param deadLetters dead letters, as (entry, target) pairs
 * @param targets     per target, its checkpoint and lag
 * @param notes       what the snapshot left out or found that is not corruption
 */
record StatusReport(Location location, long bytes, long entries, long lastSeq, long unfinished, long deadLetters,
                    List<Target> targets, List<String> notes) {

    /** Where a log is. */
    sealed interface Location permits FileLocation, KafkaLocation {
    }

    /**
     * A file log.
     *
     * @param dir           the log directory
     * @param writer        who holds the log
     * @param segmentFiles  the segment files
     * @param inFlightBytes bytes being written after the last complete line
     */
    record FileLocation(Path dir, LockHolder writer, List<LogInspector.Segment> segmentFiles, long inFlightBytes)
            implements Location {
    }

    /**
     * A Kafka log.
     *
     * @param bootstrapServers  Kafka's bootstrap servers
     * @param topic             the log topic
     * @param companionTopic    the compacted topic of statuses and checkpoints
     * @param partitions        the topics' partition count
     * @param awaitingDeletion  records of entries compacted away that Kafka still holds
     */
    record KafkaLocation(String bootstrapServers, String topic, String companionTopic, int partitions,
                         int awaitingDeletion) implements Location {
    }

    /**
     * One target's figures.
     *
     * @param name        the target
     * @param checkpoint  its checkpoint: every entry at or below it is terminal for it
     * @param lagEntries  entries PENDING or RETRYING for it
     * @param lagSeconds  age of the oldest of them, 0 when none
     * @param oldestSeq   seq of the oldest of them, 0 when none
     * @param deadLetters its dead letters
     * @param rejected    entries still in the log that it rejected (business verdicts, not dead letters)
     */
    record Target(String name, long checkpoint, long lagEntries, double lagSeconds, long oldestSeq, long deadLetters,
                  long rejected) {
    }

    static StatusReport of(InspectedLog log, Instant now) {
        List<Target> targets = new ArrayList<>();
        for (String name : log.targets()) {
            List<TrackedEntry> oldest = log.unfinished(name, 0, 1);
            double lag = 0;
            long oldestSeq = 0;
            if (!oldest.isEmpty()) {
                oldestSeq = oldest.get(0).entry().seq();
                lag = Math.max(0, Duration.between(oldest.get(0).entry().createdAt(), now).toMillis() / 1000.0);
            }
            targets.add(new Target(name, log.checkpoint(name), log.unfinished(name), lag, oldestSeq,
                    log.deadLetterCount(name), log.rejectedCount(name)));
        }
        return new StatusReport(log.location(), log.bytes(), log.entries(), log.lastSeq(), log.unfinished(),
                log.deadLetterCount(), targets, log.notes());
    }
}
