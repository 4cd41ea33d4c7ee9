package org.wal4j.storage.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What opening a {@link FileWalStorage} found and did: how much it recovered, which torn tails it
 * cut, which damaged bytes it quarantined, which leftovers of an interrupted compaction it removed.
 * A clean shutdown followed by a reopen gives a report with no cuts, quarantines or removals.
 *
 * <p>Immutable and thread-safe.
 *
 * @param segments          segment files open after recovery
 * @param entries           entries held
 * @param unfinished        entries some target still needs (pending, retrying or dead)
 * @param lastSeq           the highest seq assigned before the reopen
 * @param cuts              bytes cut off the end of a segment: a torn tail (never acknowledged) or
 *                          the zeros of a preallocated closed segment
 * @param quarantined       damaged bytes copied aside and dropped from the log (only under
 *                          {@code CorruptionPolicy.QUARANTINE})
 * @param deletedSegments   segments deleted: a torn new segment without a complete header, or
 *                          a segment whose every byte was quarantined
 * @param removedTempFiles  temp files of an interrupted compaction or quarantine, deleted
 * @param fileSetProblems   what was wrong with the set of segment files (one missing, renamed, cut at
 *                          a line end, a directory, fifo or symbolic link in a segment's place, a
 *                          file the manifest does not list) and what was done, under
 *                          {@code CorruptionPolicy.QUARANTINE}: "file: problem (action)"
 * @param took              how long recovery took
 */
public record RecoveryReport(int segments, long entries, long unfinished, long lastSeq, List<Cut> cuts,
                             List<Quarantined> quarantined, List<Path> deletedSegments, List<Path> removedTempFiles,
                             List<String> fileSetProblems, Duration took) {
    public RecoveryReport {
        cuts = List.copyOf(cuts);
        quarantined = List.copyOf(quarantined);
        deletedSegments = List.copyOf(deletedSegments);
        removedTempFiles = List.copyOf(removedTempFiles);
        fileSetProblems = List.copyOf(fileSetProblems);
    }

    /**
     * Bytes cut from the end of a file.
     *
     * @param file   the segment
     * @param offset where the cut starts: the file's new length
     * @param bytes  how many bytes were cut
     * @param reason why, such as "torn tail: partial line"
     */
    public record Cut(Path file, long offset, long bytes, String reason) {
    }

    /**
     * Damaged bytes set aside.
     *
     * @param file            the segment they were in
     * @param offset          where they started in it
     * @param bytes           how many
     * @param quarantineFile  where a copy of them is
     * @param problem         what was wrong with the first damaged line
     */
    public record Quarantined(Path file, long offset, long bytes, Path quarantineFile, String problem) {
    }

    /** True if recovery found nothing to cut, quarantine, delete or remove, and the file set as the log wrote it. */
    public boolean clean() {
        return cuts.isEmpty() && quarantined.isEmpty() && deletedSegments.isEmpty() && removedTempFiles.isEmpty()
                && fileSetProblems.isEmpty();
    }
}
