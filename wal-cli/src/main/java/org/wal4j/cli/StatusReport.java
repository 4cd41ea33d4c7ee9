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
 * What {@code wal status} shows, gathered from a {@link LogInspector} snapshot.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dir           the log directory
 * @param writer        who holds the log
 * @param segments      segment files
 * @param bytes         bytes of complete lines
 * @param entries       entries held
 * @param lastSeq       the highest seq assigned
 * @param unfinished    entries some target still needs (pending, retrying or dead)
 * @param deadLetters   dead letters, as (entry, target) pairs
 * @param inFlightBytes bytes being written after the last complete line
 * @param targets       per target, its checkpoint and lag
 * @param segmentFiles  the segment files
 * @param notes         what the snapshot left out or found that is not corruption
 */
record StatusReport(Path dir, LockHolder writer, int segments, long bytes, long entries, long lastSeq, long unfinished,
                    long deadLetters, long inFlightBytes, List<Target> targets, List<LogInspector.Segment> segmentFiles,
                    List<String> notes) {

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

    static StatusReport of(LogInspector log, Instant now) {
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
        List<LogInspector.Segment> files = log.segments();
        return new StatusReport(log.dir(), log.lockHolder(), files.size(), log.bytes(), log.entries(), log.lastSeq(),
                log.unfinished(), log.deadLetterCount(), log.inFlightBytes(), targets, files, log.notes());
    }
}
