package org.wal4j.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;
import org.wal4j.storage.kafka.KafkaLogInspector;
import org.wal4j.storage.kafka.KafkaLogSettings;
import org.wal4j.storage.kafka.KafkaWalStorage;
import org.wal4j.storage.kafka.SharedKafkaWalStorage;

/**
 * A Kafka log: its topic and companion topic must exist (a command never creates a log) and the
 * partition count is the topic's own ({@link KafkaLogSettings#existingLog()}). Snapshots by
 * {@link KafkaLogInspector}; changes through {@link KafkaWalStorage}, which writes status records to
 * the companion topic and never appends an entry.
 *
 * <p><b>No lock.</b> A Kafka log has no lock to take, so a change is made beside a running
 * application, which is safe for the log (the command issues no seq, so it cannot collide with the
 * writer's; its status records are the last word per entry and target, as any status record is)
 * but not seen by that application: it reads the companion topic only when it opens the log.
 * {@link #afterChangeNote()} says so after every change.
 *
 * <p>Immutable and thread-safe.
 *
 * @param settings the log's settings, with {@code existingLog(true)}
 */
record KafkaLogSource(KafkaLogSettings settings) implements LogSource {
    /**
     * @throws CliFailure if the log's topics are absent or do not fit a log: a problem found, one
     *                    line, not an unexpected failure
     */
    @Override
    public InspectedLog inspect() {
        try {
            return new Snapshot(KafkaLogInspector.open(settings));
        } catch (IllegalStateException e) {
            throw CliFailure.problem(e.getMessage());
        }
    }

    /**
     * @throws CliFailure if the log's topics are absent or do not fit a log
     */
    @Override
    public WalStorage openForWriting(String purpose) {
        try {
            // a shared log's statuses are written as any of its instances writes them (no group is joined)
            return SharedKafkaWalStorage.isShared(settings) ? SharedKafkaWalStorage.open(settings, "wal-cli")
                    : KafkaWalStorage.open(settings);
        } catch (IllegalStateException e) {
            throw CliFailure.problem(e.getMessage());
        }
    }

    @Override
    public String afterChangeNote() {
        if (SharedKafkaWalStorage.isShared(settings)) {
            return "the instances sharing topic '" + settings.topic() + "' read this change as they run: the owner of "
                    + "each entry's partition applies the requeued entries now";
        }
        return "a Kafka log has no lock: an application running on topic '" + settings.topic() + "' does not see "
                + "this change until it next opens the log (restart it to apply requeued entries now)";
    }

    /** A {@link KafkaLogInspector} as an {@link InspectedLog}. Thread-safe. */
    private record Snapshot(KafkaLogInspector log) implements InspectedLog {
        @Override
        public StatusReport.Location location() {
            KafkaLogSettings s = log.settings();
            return new StatusReport.KafkaLocation(s.bootstrapServers(), s.topic(), s.companionTopic(), s.partitions(),
                    log.awaitingDeletion());
        }

        @Override
        public List<String> notes() {
            return List.of();
        }

        @Override
        public long bytes() {
            return log.bytes();
        }

        @Override
        public long lastSeq() {
            return log.lastSeq();
        }

        @Override
        public long entries() {
            return log.entries();
        }

        @Override
        public long unfinished() {
            return log.unfinished();
        }

        @Override
        public long deadLetterCount() {
            return log.deadLetterCount();
        }

        @Override
        public List<String> targets() {
            return log.targets();
        }

        @Override
        public long checkpoint(String target) {
            return log.checkpoint(target);
        }

        @Override
        public long unfinished(String target) {
            return log.unfinished(target);
        }

        @Override
        public long deadLetterCount(String target) {
            return log.deadLetterCount(target);
        }

        @Override
        public long rejectedCount(String target) {
            return log.rejectedCount(target);
        }

        @Override
        public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
            return log.unfinished(target, afterSeq, limit);
        }

        @Override
        public List<TrackedEntry> deadLetters(String target, long afterSeq, int limit) {
            return log.deadLetters(target, afterSeq, limit);
        }

        @Override
        public Stream<WalEntry> scan(long fromSeq) {
            return log.scan(fromSeq);
        }

        @Override
        public Stream<WalEntry> scanCreated(long fromSeq, @Nullable Instant from, @Nullable Instant before) {
            return log.scanCreated(fromSeq, from, before);
        }

        @Override
        public Map<String, EntryStatus> statuses(WalEntry entry) {
            return log.statuses(entry);
        }

        @Override
        public void close() {
            log.close();
        }
    }
}
