package org.wal4j.storage.file;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link LogVerifier#verify} found: every problem with the file and offset of the line at
 * fault, and notes on what is not a problem (in-flight bytes, compacted seq ranges, a torn tail
 * the next open cuts).
 *
 * <p>Immutable and thread-safe.
 *
 * @param dir           the log directory
 * @param segments      segment files checked
 * @param lines         lines checked (headers, entries, status records, checkpoints)
 * @param entries       entry lines found
 * @param firstSeq      the lowest entry seq found, 0 if none
 * @param lastSeq       the highest entry seq found, 0 if none
 * @param inFlightBytes bytes after the last complete line of the last segment, not checked
 * @param problems      problems, in file order
 * @param notes         observations that are not problems
 */
public record VerifyReport(Path dir, int segments, long lines, long entries, long firstSeq, long lastSeq,
                           long inFlightBytes, List<Problem> problems, List<String> notes) {
    public VerifyReport {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /**
     * One problem.
     *
     * @param file        the segment file
     * @param offset      where the line at fault starts in it; -1 for a problem with the file set
     *                    (a segment missing, renamed, cut, or not a regular file)
     * @param description what is wrong, with the values found
     */
    public record Problem(Path file, long offset, String description) {
        @Override
        public String toString() {
            return offset < 0 ? file + ": " + description : file + " at offset " + offset + ": " + description;
        }
    }

    /** This report with the file-set problems first. */
    VerifyReport withFileSetProblems(List<Problem> fileSet) {
        if (fileSet.isEmpty()) {
            return this;
        }
        List<Problem> all = new java.util.ArrayList<>(fileSet);
        all.addAll(problems);
        return new VerifyReport(dir, segments, lines, entries, firstSeq, lastSeq, inFlightBytes, all, notes);
    }

    /** True if no problem was found. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
