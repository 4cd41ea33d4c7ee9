package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalIOException;

/**
 * Checks a whole log directory without changing it and without taking its lock, so it may run
 * while an application writes the log: every line's frame and checksum, every line's format (an
 * entry line is decoded whole, payload included, as a read decodes it), the
 * segment headers against the segment names, and the entry seqs (strictly increasing, inside their
 * segment's range, without gaps). Unlike opening the log, it does not stop at the first problem: it
 * reports every damaged line with its file and offset.
 *
 * <p>What is not a problem, as opening the log sees it (see {@code docs/format.md}): bytes after
 * the last complete line of the last segment (in flight); damage at the end of the last segment
 * with no good line after it (a torn tail, never acknowledged, cut by the next open); zeros at the
 * end of a closed segment (preallocated space); a seq gap in a closed segment at or below the
 * highest checkpoint in the log (entries compaction dropped). These become {@link VerifyReport#notes()}.
 *
 * <p>A running log moves on while it is verified: the writer appends, rotates and writes
 * checkpoints, and compaction rewrites or deletes closed segments. Each segment is read from one
 * descriptor (the file as it was when opened: a whole old version or a whole new one), and a
 * segment deleted before it was read is a note. A compaction may have dropped entries on the
 * strength of a checkpoint written after the segments holding it were read (or into a segment
 * created after the directory was listed), and the segment that was the last one when listed may
 * have been closed and compacted before it was read. So before a seq gap is called a problem, the
 * segments from the last one listed on are read again for their checkpoints, and the gap is judged
 * against the log as it is then: at or below its highest checkpoint, in a segment that is closed by
 * then, it is compaction's work.
 *
 * <p>Descriptors: each segment is read once, and at most {@value SnapshotFileSystem#MAX_OPEN_FILES}
 * are open at a time, however many segments the log has.
 *
 * <p>Thread-safe: stateless; each call reads on its own.
 */
public final class LogVerifier {
    private static final int READ_BUFFER = 1 << 20;

    private LogVerifier() {
    }

    /**
     * Verifies the log in {@code dir}.
     *
     * @throws WalIOException if {@code dir} is not a directory or a file cannot be read
     */
    public static VerifyReport verify(Path dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        if (!Files.isDirectory(dir)) {
            throw new WalIOException("Verifying the log in " + dir + " failed: no such directory", null);
        }
        try (SnapshotFileSystem fs = new SnapshotFileSystem(dir)) {
            List<Path> segments = new ArrayList<>();
            for (Path file : fs.list(dir)) {
                if (SegmentFile.isSegmentName(file.getFileName().toString())) {
                    segments.add(file);
                }
            }
            Run run = new Run(dir, fs);
            for (int i = 0; i < segments.size(); i++) {
                boolean last = i == segments.size() - 1;
                run.segment(segments.get(i), last, last ? Long.MAX_VALUE
                        : SegmentFile.seqOf(segments.get(i + 1).getFileName().toString()));
            }
            if (!segments.isEmpty() && run.hasUnexplainedGaps()) {
                run.lookAgainFrom(segments.get(segments.size() - 1));
            }
            VerifyReport report = run.report(segments.size(), fs.inFlightBytes());
            return report.withFileSetProblems(fileSetProblems(dir));
        } catch (IOException e) {
            throw new WalIOException("Verifying the log in " + dir + " failed: " + IoErrors.describe(e), e);
        }
    }

    /**
     * The segment file set against the manifest ({@link FileSetCheck}, reporting only). A log being
     * written may rotate or compact between reading the manifest and the directory: a problem counts
     * only if a second look shows it too.
     */
    private static List<VerifyReport.Problem> fileSetProblems(Path dir) throws IOException {
        List<FileSetCheck.Problem> first = FileSetCheck.run(WalFileSystem.real(), dir, FileSetCheck.Mode.REPORT)
                .problems();
        if (first.isEmpty()) {
            return List.of();
        }
        List<VerifyReport.Problem> seenTwice = new ArrayList<>();
        for (FileSetCheck.Problem p : FileSetCheck.run(WalFileSystem.real(), dir, FileSetCheck.Mode.REPORT).problems()) {
            if (first.contains(p)) {
                seenTwice.add(new VerifyReport.Problem(p.file(), -1, "file set: " + p.problem()));
            }
        }
        return seenTwice;
    }

    /** A seq range without entries, seen between two entries (or before the first). */
    private record Gap(long from, long to, Path file, long offset, boolean inLastSegment) {
    }

    /** A line that is not a good line, kept until it is known whether a good line follows. */
    private record Damage(long offset, String problem, boolean zeros, boolean checksumValid) {
    }

    /** The state of one verification. Not thread-safe. */
    private static final class Run {
        private final Path dir;
        private final SnapshotFileSystem fs;
        private final LineScanner scanner = new LineScanner();
        private final List<VerifyReport.Problem> problems = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final List<Gap> gaps = new ArrayList<>();
        private long lines;
        private long entries;
        private long firstSeq;
        private long previousSeq;
        private long maxCheckpoint;
        /** A damaged line since the last good entry: a seq gap after it is the damage, not a second problem. */
        private boolean damageSinceEntry;
        /** The segment last when the directory was listed had been closed by the end of the run. */
        private boolean lastListedClosed;

        Run(Path dir, SnapshotFileSystem fs) {
            this.dir = dir;
            this.fs = fs;
        }

        void segment(Path path, boolean last, long nextFirstSeq) throws IOException {
            long nameSeq = SegmentFile.seqOf(path.getFileName().toString());
            WalFileChannel ch;
            try {
                ch = fs.open(path, WalFileSystem.OpenMode.READ);
            } catch (NoSuchFileException gone) {
                notes.add(path.getFileName() + " was deleted by a compaction while the log was verified");
                return;
            }
            try (ch) {
                lines(path, ch, nameSeq, last, nextFirstSeq);
            }
        }

        private void lines(Path path, WalFileChannel ch, long nameSeq, boolean last, long nextFirstSeq)
                throws IOException {
            long size = ch.size();
            // no bigger than the file: a log of many small segments would otherwise allocate 1 MiB per segment
            LineReader r = new LineReader(ch, 0, size, (int) Math.min(READ_BUFFER, size + 1), LogReader.maxLine());
            if (!r.next()) {
                problems.add(new VerifyReport.Problem(path, 0, "empty segment file: no header line"));
                return;
            }
            lines++;
            String headerProblem = headerProblem(r, nameSeq);
            if (headerProblem != null) {
                problems.add(new VerifyReport.Problem(path, 0, headerProblem));
            }
            List<Damage> pending = new ArrayList<>();
            while (r.next()) {
                lines++;
                String problem = scanner.problemOf(r);
                boolean checksumValid = problem == null;
                if (problem == null) {
                    problem = record(path, r, nameSeq, nextFirstSeq, last);
                }
                if (problem == null) {
                    for (Damage d : pending) {
                        problems.add(new VerifyReport.Problem(path, d.offset, d.problem));
                    }
                    pending.clear();
                } else {
                    pending.add(new Damage(r.offset, problem, r.kind == LineReader.Kind.ZEROS, checksumValid));
                    damageSinceEntry = true;
                }
            }
            tail(path, last, pending);
        }

        /** True if some seq gap is not explained by a checkpoint read so far. */
        boolean hasUnexplainedGaps() {
            for (Gap gap : gaps) {
                if (gap.inLastSegment || gap.to > maxCheckpoint) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Reads the checkpoints of the segments from {@code lastListed} on as they are now (the log
         * may have moved on since they were read), and notes whether {@code lastListed} is closed by
         * now. Only checksum-valid checkpoint lines count; nothing else in them is judged here.
         */
        void lookAgainFrom(Path lastListed) throws IOException {
            String lastName = lastListed.getFileName().toString();
            for (Path file : WalFileSystem.real().list(dir)) {
                String name = file.getFileName().toString();
                if (!SegmentFile.isSegmentName(name) || name.compareTo(lastName) < 0) {
                    continue;
                }
                lastListedClosed |= name.compareTo(lastName) > 0;
                try (WalFileChannel ch = WalFileSystem.real().open(file, WalFileSystem.OpenMode.READ)) {
                    long size = ch.size();
                    LineReader r = new LineReader(ch, 0, size, (int) Math.min(READ_BUFFER, size + 1),
                            LogReader.maxLine());
                    while (r.next()) {
                        if (scanner.problemOf(r) == null && isCheckpoint()) {
                            maxCheckpoint = Math.max(maxCheckpoint, scanner.seq);
                        }
                    }
                } catch (NoSuchFileException gone) {
                    // compacted away meanwhile: its checkpoints were superseded by later ones
                }
            }
        }

        private boolean isCheckpoint() {
            try {
                scanner.parse();
                return scanner.type == LineScanner.CHECKPOINT;
            } catch (LineScanner.Malformed e) {
                return false;
            }
        }

        private @Nullable String headerProblem(LineReader r, long nameSeq) {
            String problem = scanner.problemOf(r);
            if (problem != null) {
                return "segment header: " + problem;
            }
            try {
                scanner.parse();
            } catch (LineScanner.Malformed e) {
                return "segment header: " + e.getMessage();
            }
            if (scanner.type != LineScanner.HEADER) {
                return "the first line is not a segment header";
            }
            if (scanner.firstSeq != nameSeq) {
                return "the header's firstSeq " + scanner.firstSeq + " does not match the file name (" + nameSeq + ")";
            }
            return null;
        }

        /** Damage nothing good follows: a torn tail or preallocated zeros, as opening the log judges it. */
        private void tail(Path path, boolean last, List<Damage> pending) {
            if (pending.isEmpty()) {
                return;
            }
            boolean zerosOnly = pending.stream().allMatch(Damage::zeros);
            boolean anyChecksumValid = pending.stream().anyMatch(Damage::checksumValid);
            Damage first = pending.get(0);
            if (last && !anyChecksumValid) {
                notes.add("torn tail at offset " + first.offset + " of " + path.getFileName() + " (" + first.problem
                        + "): never acknowledged; the next open for writing cuts it");
            } else if (!last && zerosOnly) {
                notes.add("preallocated zeros at offset " + first.offset + " of closed segment " + path.getFileName()
                        + "; the next open for writing cuts them");
            } else {
                for (Damage d : pending) {
                    problems.add(new VerifyReport.Problem(path, d.offset, d.problem));
                }
            }
        }

        /** Checks a checksum-valid line's format and seq; null if it is good. */
        private @Nullable String record(Path path, LineReader r, long segmentFirstSeq, long nextFirstSeq,
                                        boolean last) {
            try {
                scanner.parse();
            } catch (LineScanner.Malformed e) {
                return "malformed line: " + e.getMessage();
            }
            switch (scanner.type) {
                case LineScanner.ENTRY:
                    // the whole entry, payload included, as a read would decode it: verify must not pass
                    // a line that every read of it fails
                    String unreadable = EntryDecoder.problemOf(r.buf(), r.start, r.end);
                    return unreadable != null ? unreadable : entry(path, r.offset, segmentFirstSeq, nextFirstSeq, last);
                case LineScanner.CHECKPOINT:
                    maxCheckpoint = Math.max(maxCheckpoint, scanner.seq);
                    return null;
                case LineScanner.STATUS:
                    return null;
                default:
                    return "a header line after the start of the segment";
            }
        }

        private @Nullable String entry(Path path, long offset, long segmentFirstSeq, long nextFirstSeq,
                                       boolean last) {
            long seq = scanner.seq;
            if (seq <= previousSeq) {
                return "entry seq " + seq + " is not above the previous entry's seq " + previousSeq;
            }
            if (seq < segmentFirstSeq || seq >= nextFirstSeq) {
                return "entry seq " + seq + " is outside this segment's range " + segmentFirstSeq + ".."
                        + (nextFirstSeq == Long.MAX_VALUE ? "" : String.valueOf(nextFirstSeq - 1));
            }
            if (seq > previousSeq + 1 && !damageSinceEntry) {
                gaps.add(new Gap(previousSeq + 1, seq - 1, path, offset, last && previousSeq + 1 >= segmentFirstSeq));
            }
            if (firstSeq == 0) {
                firstSeq = seq;
            }
            previousSeq = seq;
            damageSinceEntry = false;
            entries++;
            return null;
        }

        VerifyReport report(int segmentCount, long inFlightBytes) {
            long compactedSeqs = 0;
            int compactedRanges = 0;
            for (Gap gap : gaps) {
                String range = gap.from == gap.to ? "seq " + gap.from : "seqs " + gap.from + ".." + gap.to;
                if ((!gap.inLastSegment || lastListedClosed) && gap.to <= maxCheckpoint) {
                    compactedSeqs += gap.to - gap.from + 1;
                    compactedRanges++;
                } else {
                    problems.add(new VerifyReport.Problem(gap.file, gap.offset, range + " missing before this entry"
                            + (gap.inLastSegment ? " (in the segment being written, which compaction never touches)"
                            : " (above every checkpoint, so not compacted)")));
                }
            }
            if (compactedRanges > 0) {
                notes.add(compactedSeqs + " seqs in " + compactedRanges + (compactedRanges == 1 ? " range" : " ranges")
                        + " compacted away (all at or below the highest checkpoint, " + maxCheckpoint + ")");
            }
            problems.sort(Comparator.comparing((VerifyReport.Problem p) -> p.file().getFileName().toString())
                    .thenComparingLong(VerifyReport.Problem::offset));
            notes.addAll(0, fs.notes());
            if (inFlightBytes > 0) {
                notes.add(inFlightBytes + " bytes after the last complete line of the last segment not checked: "
                        + "being written (or preallocated space)");
            }
            return new VerifyReport(dir, segmentCount, lines, entries, firstSeq, previousSeq, inFlightBytes, problems,
                    notes);
        }
    }
}
