package org.wal4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.LogInspector;

/**
 * A file log in a directory: snapshots by {@link LogInspector}, writing through
 * {@link Logs#openForWriting} with the directory lock (refused while the application holds it).
 *
 * <p>Immutable and thread-safe.
 *
 * @param dir   the log directory, holding segment files
 * @param codec the payload codec of {@code --payload-key-file}, or null
 */
record FileLogSource(Path dir, @Nullable PayloadCodec codec) implements LogSource {
    @Override
    public InspectedLog inspect() {
        return new Snapshot(codec == null ? LogInspector.open(dir) : LogInspector.open(dir, codec));
    }

    @Override
    public WalStorage openForWriting(String purpose) {
        return Logs.openForWriting(config(), purpose);
    }

    /** The library's default settings for the log, with the key file's codec if given. */
    FileStorageConfig config() {
        FileStorageConfig.Builder b = FileStorageConfig.builder(dir);
        if (codec != null) {
            b.payloadCodec(codec);
        }
        return b.build();
    }

    @Override
    public String afterChangeNote() {
        return null; // the change needed the log to itself: the application sees it when it opens the log
    }

    /** A {@link LogInspector} as an {@link InspectedLog}. Thread-safe. */
    private record Snapshot(LogInspector log) implements InspectedLog {
        @Override
        public StatusReport.Location location() {
            return new StatusReport.FileLocation(log.dir(), log.lockHolder(), log.segments(), log.inFlightBytes());
        }

        @Override
        public List<String> notes() {
            return log.notes();
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
        public Map<String, EntryStatus> statuses(WalEntry entry) {
            return log.statuses(entry);
        }

        @Override
        public void close() {
            log.close();
        }
    }
}
