package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.wal4j.CorruptionPolicy;
import org.wal4j.EntryStatus;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.TrackedEntry;

/**
 * A read-only snapshot of a log directory, safe to take while an application has the log open
 * and keeps appending and compacting: it takes no lock, starts no writer and never creates,
 * truncates or rewrites a file. For operators and tools ({@code wal status}, {@code wal dump},
 * {@code wal dlq list}); an application opens its log with {@link FileWalStorage#open}.
 *
 * <p>Opening runs the same scan as {@link FileWalStorage#open} (every line's checksum verified,
 * the index of unfinished and dead-lettered entries, the checkpoints and the last seq rebuilt)
 * over a read-only view of the files:
 * <ul>
 *   <li>Bytes after the last complete line of the last segment are <em>in flight</em> (a group
 *       the writer is writing, or preallocated space), counted by {@link #inFlightBytes()}, not
 *       treated as a torn tail.</li>
 *   <li>A {@code *.tmp} file (a compaction in progress) and a last segment whose header is not
 *       complete yet (being created) are left out and mentioned in {@link #notes()}.</li>
 *   <li>What opening the log for writing would repair (a torn tail left by a crash, the zeros of
 *       a preallocated closed segment) is left as it is and described in {@link #notes()}.</li>
 *   <li>Corruption is reported as {@link FileWalStorage#open} reports it under
 *       {@link CorruptionPolicy#FAIL}: {@link org.wal4j.WalCorruptionException} naming file,
 *       offset and checksums.</li>
 *   <li>Each file is read as it was when first opened, so the snapshot stays consistent while
 *       the application appends; if a compaction replaced a segment during the scan, the scan
 *       runs again (at most {@value #MAX_SCANS} times). So it does when the file set does not
 *       match the {@code MANIFEST} read at the start of the scan and the manifest has changed since
 *       (the log rotated or compacted meanwhile); a mismatch found while the manifest stayed as it
 *       was is reported.</li>
 *   <li>It holds at most {@value SnapshotFileSystem#MAX_OPEN_FILES} file descriptors, however many
 *       segments the log has. The price, on a log of more segments than that: a read after
 *       {@link #open} of a segment that a compaction rewrote since the snapshot (a dead letter or
 *       an unfinished entry listed from a segment read long ago) fails with a
 *       {@link WalIOException} saying the segment was replaced; take a new snapshot.
 *       {@link #scan} goes on in a new snapshot by itself.</li>
 * </ul>
 *
 * <p>Thread-safe: the snapshot does not change after {@link #open}, and any number of threads
 * may read it. {@link #close()} releases the files; reads after it fail.
 */
public final class LogInspector implements AutoCloseable {
    /** Scans tried before giving up on a log that a compaction keeps changing. */
    static final int MAX_SCANS = 10;
    private static final long MAX_PAUSE_MILLIS = 500;

    /**
     * One segment file as the snapshot saw it.
     *
     * @param file         the segment file
     * @param firstSeq     the seq its name and header give
     * @param lastEntrySeq the highest entry seq in it, {@code firstSeq - 1} if it holds no entry
     * @param bytes        bytes of complete lines in it
     * @param createdAt    when the segment was started (its header's time)
     */
    public record Segment(Path file, long firstSeq, long lastEntrySeq, long bytes, Instant createdAt) {
    }

    private final Path dir;
    private final SnapshotFileSystem fs;
    private final SegmentSet segments;
    private final StatusIndex index;
    private final Map<String, Long> checkpoints;
    private final long lastSeq;
    private final long entries;
    private final LogReader reader;
    private final List<String> notes;
    private final long inFlightBytes;
    private final LockHolder lockHolder;

    /** @param recovered what recovery found, or null for a directory without segment files */
    private LogInspector(Path dir, SnapshotFileSystem fs, LockHolder lockHolder,
                         Recovery.@Nullable Recovered recovered, PayloadReading payloads) {
        this.dir = dir;
        this.fs = fs;
        this.lockHolder = lockHolder;
        this.segments = recovered == null ? new SegmentSet() : recovered.segments();
        this.index = recovered == null ? new StatusIndex() : recovered.index();
        this.checkpoints = recovered == null ? Map.of() : Map.copyOf(recovered.checkpoints());
        this.lastSeq = recovered == null ? 0 : recovered.lastSeq();
        this.entries = recovered == null ? 0 : recovered.entries();
        this.reader = new LogReader(segments, LogReader.maxLine(), payloads);
        this.inFlightBytes = fs.inFlightBytes();
        List<String> all = new ArrayList<>(fs.notes());
        if (recovered != null) {
            all.addAll(repairsOnNextOpen(recovered.report()));
        }
        this.notes = List.copyOf(all);
    }

    /**
     * Takes a snapshot of the log in {@code dir}. A directory without segment files gives an
     * empty snapshot.
     *
     * @throws WalIOException                    if {@code dir} is not a directory or cannot be read
     * @throws org.wal4j.WalCorruptionException  if the log is corrupt (as {@link CorruptionPolicy#FAIL} reports it)
     */
    public static LogInspector open(Path dir) {
        return open(dir, PayloadReading.asStored());
    }

    /**
     * {@link #open(Path)}, reading payloads with {@code codec}: encrypted payloads are returned as
     * the application wrote them; one that {@code codec} cannot decrypt (a key id it lacks, a key
     * that does not verify) fails the read with {@link org.wal4j.WalPayloadException} naming the
     * entry and the key id. Without a codec ({@link #open(Path)}) every payload is returned as
     * stored: an encrypted one as its ciphertext form {@code {"kid":…,"iv":…,"ct":…}}.
     *
     * @throws WalIOException                    if {@code dir} is not a directory or cannot be read
     * @throws org.wal4j.WalCorruptionException  if the log is corrupt (as {@link CorruptionPolicy#FAIL} reports it)
     */
    public static LogInspector open(Path dir, PayloadCodec codec) {
        Objects.requireNonNull(codec, "codec must not be null");
        return open(dir, PayloadReading.decoding(LogReader.PAYLOAD_KEYS, codec));
    }

    private static LogInspector open(Path dir, PayloadReading payloads) {
        Objects.requireNonNull(dir, "dir must not be null");
        if (!Files.isDirectory(dir)) {
            throw new WalIOException("Inspecting the log in " + dir + " failed: no such directory", null);
        }
        for (int scan = 1; ; scan++) {
            SnapshotFileSystem fs = new SnapshotFileSystem(dir);
            long manifestBefore = manifestGeneration(dir);
            try {
                LockHolder holder = LockHolder.read(dir);
                Recovery.Recovered recovered = hasSegments(fs, dir) ? Recovery.run(config(fs, dir)) : null;
                if (fs.changedSincePinned()) {
                    closeQuietly(fs, recovered);
                    if (scan == MAX_SCANS) {
                        throw new WalIOException("Inspecting the log in " + dir + " failed: a compaction replaced "
                                + "segments while they were read, " + MAX_SCANS + " times in a row; try again", null);
                    }
                    pauseBeforeScan(dir, scan);
                    continue;
                }
                return new LogInspector(dir, fs, holder, recovered, payloads);
            } catch (NoSuchFileException | SnapshotFileSystem.ReplacedException e) {
                // a compaction deleted a segment between listing and reading it, or replaced one the
                // scan had read and must read again
                closeQuietly(fs, null);
                if (scan == MAX_SCANS) {
                    throw new WalIOException("Inspecting the log in " + dir + " failed: " + IoErrors.describe(e), e);
                }
                pauseBeforeScan(dir, scan);
            } catch (IOException e) {
                closeQuietly(fs, null);
                throw new WalIOException("Inspecting the log in " + dir + " failed: " + IoErrors.describe(e), e);
            } catch (WalCorruptionException e) {
                closeQuietly(fs, null);
                // The file set is checked against the manifest as read at the start of the scan. A live
                // log that rotated or compacted after that read (each updates the manifest before a line
                // goes into a new segment, before a delete, before a rename) shows a segment the read
                // manifest does not list, or lacks one it does: not damage, if the manifest changed
                // meanwhile. Damage found while the manifest stayed as it was is real.
                if (e.offset() >= 0 || scan == MAX_SCANS || manifestGeneration(dir) == manifestBefore) {
                    throw e;
                }
                pauseBeforeScan(dir, scan);
            } catch (RuntimeException | Error e) {
                closeQuietly(fs, null);
                throw e;
            }
        }
    }

    /**
     * Waits a little longer after each scan a compaction spoiled: one compaction deletes or
     * rewrites segment after segment, each with a directory fsync, and scans of a small log are
     * quicker than that; about 2 s in all over {@value #MAX_SCANS} scans.
     */
    private static void pauseBeforeScan(Path dir, int scansDone) {
        try {
            Thread.sleep(Math.min(MAX_PAUSE_MILLIS, 5L << scansDone));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalIOException("Inspecting the log in " + dir + " was interrupted", e);
        }
    }

    /**
     * The generation of {@code dir}'s manifest as it is now: 0 if there is none, -1 if it cannot be
     * read (it then counts as unchanged only if it still cannot).
     */
    private static long manifestGeneration(Path dir) {
        try {
            ManifestFile.Stored stored = ManifestFile.read(WalFileSystem.real(), dir);
            return stored == null ? 0 : stored.generation();
        } catch (IOException | WalCorruptionException e) {
            return -1;
        }
    }

    private static boolean hasSegments(SnapshotFileSystem fs, Path dir) throws IOException {
        for (Path file : fs.list(dir)) {
            if (SegmentFile.isSegmentName(file.getFileName().toString())) {
                return true;
            }
        }
        return false;
    }

    private static FileStorageConfig config(SnapshotFileSystem fs, Path dir) {
        return FileStorageConfig.builder(dir).fileSystem(fs).corruptionPolicy(CorruptionPolicy.FAIL).preallocate(false)
                .build();
    }

    private static List<String> repairsOnNextOpen(RecoveryReport report) {
        List<String> out = new ArrayList<>();
        for (RecoveryReport.Cut cut : report.cuts()) {
            out.add("the next open for writing cuts " + cut.bytes() + " bytes at offset " + cut.offset() + " of "
                    + cut.file().getFileName() + " (" + cut.reason() + ")");
        }
        for (Path deleted : report.deletedSegments()) {
            out.add("the next open for writing deletes " + deleted.getFileName() + " (no valid header and no entry)");
        }
        return out;
    }

    private static void closeQuietly(SnapshotFileSystem fs, Recovery.@Nullable Recovered recovered) {
        if (recovered != null) {
            recovered.segments().retireAll();
        }
        try {
            fs.close();
        } catch (IOException e) {
            // read-only channels: nothing can be lost
        }
    }

    public Path dir() {
        return dir;
    }

    /** Who holds the log, read from its {@code LOCK} file when the snapshot was taken. */
    public LockHolder lockHolder() {
        return lockHolder;
    }

    /** The segment files in seq order. */
    public List<Segment> segments() {
        List<Segment> out = new ArrayList<>();
        for (SegmentFile s : segments.all()) {
            out.add(new Segment(s.path, s.firstSeq, s.lastEntrySeq(), s.end(), s.createdAt));
        }
        return out;
    }

    /** Bytes of complete lines in all segments. */
    public long bytes() {
        return segments.bytes();
    }

    /** The highest seq assigned, 0 for an empty log. */
    public long lastSeq() {
        return lastSeq;
    }

    /** Entries held (appended and not compacted away). */
    public long entries() {
        return entries;
    }

    /** Entries some target still needs: PENDING or RETRYING for it, or dead-lettered. */
    public long unfinished() {
        return index.unfinishedCount();
    }

    /** Bytes after the last complete line of the last segment: being written, or preallocated space. */
    public long inFlightBytes() {
        return inFlightBytes;
    }

    /** Things the snapshot left out or found that are not corruption, one sentence each. */
    public List<String> notes() {
        return notes;
    }

    /** Every target the log names in an unfinished entry or a checkpoint, in the order first seen. */
    public List<String> targets() {
        List<String> out = new ArrayList<>(index.targets());
        for (String target : new TreeMap<>(checkpoints).keySet()) {
            if (!out.contains(target)) {
                out.add(target);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Per target, its latest checkpoint: every entry at or below it is terminal for the target. */
    public Map<String, Long> checkpoints() {
        return checkpoints;
    }

    /** The checkpoint of {@code target}, 0 if it saved none. */
    public long checkpoint(String target) {
        return checkpoints.getOrDefault(target, 0L);
    }

    /** Entries PENDING or RETRYING for {@code target}: its lag in entries. */
    public long unfinished(String target) {
        return index.pendingByTarget().getOrDefault(target, 0L);
    }

    /** Dead letters, as (entry, target) pairs. */
    public long deadLetterCount() {
        return index.deadLetterCount();
    }

    /** Entries held in the log that {@code target} rejected (status REJECTED: business verdicts, not dead letters). */
    public long rejectedCount(String target) {
        return index.untrackedCount(target, EntryStatus.REJECTED);
    }

    /** Dead letters of {@code target}. */
    public long deadLetterCount(String target) {
        return index.deadLetters(target, 0, Integer.MAX_VALUE).size();
    }

    /** Up to {@code limit} entries PENDING or RETRYING for {@code target} with seq above {@code afterSeq}, in order. */
    public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
        return tracked(index.unfinished(target, afterSeq, limit));
    }

    /**
     * Up to {@code limit} dead letters of {@code target} (of every target when null) with seq
     * above {@code afterSeq}, in seq order.
     */
    public List<TrackedEntry> deadLetters(String target, long afterSeq, int limit) {
        return tracked(index.deadLetters(target, afterSeq, limit));
    }

    private List<TrackedEntry> tracked(List<StatusIndex.State> states) {
        return reader.tracked(states);
    }

    /** The entry {@code seq}, or empty if it was never assigned or was compacted away. */
    public Optional<WalEntry> read(long seq) {
        if (seq < 1 || seq > lastSeq) {
            return Optional.empty();
        }
        return reader.read(seq);
    }

    /**
     * The entries from {@code fromSeq} up to {@link #lastSeq()}, in seq order, read lazily: close
     * the stream. On a log of more segments than the snapshot keeps open, a segment a compaction
     * rewrote since the snapshot was taken cannot be read at the snapshot's offsets any more: the
     * scan then goes on from the next seq in a new snapshot (at most {@value #MAX_SCANS} times), so
     * entries compacted away meanwhile are left out; every entry returned is whole and in order.
     */
    public Stream<WalEntry> scan(long fromSeq) {
        ResumingCursor cursor = new ResumingCursor(Math.max(1, fromSeq));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(cursor,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false).onClose(cursor::close);
    }

    /** A cursor over this snapshot that moves to a new one when a segment it needs was replaced. Not thread-safe. */
    private final class ResumingCursor implements Iterator<WalEntry> {
        private LogInspector source = LogInspector.this;
        private LogReader.Cursor cursor;
        private long nextSeq;
        private int resumes;

        ResumingCursor(long fromSeq) {
            this.nextSeq = fromSeq;
            this.cursor = reader.cursor(fromSeq, lastSeq);
        }

        @Override
        public boolean hasNext() {
            while (true) {
                try {
                    return cursor.hasNext();
                } catch (WalIOException e) {
                    if (!(e.getCause() instanceof SnapshotFileSystem.ReplacedException) || ++resumes > MAX_SCANS) {
                        throw e;
                    }
                    closeSource();
                    source = LogInspector.open(dir);
                    cursor = source.reader.cursor(nextSeq, lastSeq);
                }
            }
        }

        @Override
        public WalEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            WalEntry entry = cursor.next();
            nextSeq = entry.seq() + 1;
            return entry;
        }

        void close() {
            cursor.close();
            closeSource();
        }

        private void closeSource() {
            if (source != LogInspector.this) {
                source.close();
                source = LogInspector.this;
            }
        }
    }

    /** The status of {@code entry} (as read from this snapshot) for each target it names, in its order. */
    public Map<String, EntryStatus> statuses(WalEntry entry) {
        Map<String, EntryStatus> out = new LinkedHashMap<>();
        boolean tracked = index.isTracked(entry.seq());
        for (String target : entry.targets()) {
            out.put(target, tracked ? index.trackedStatus(entry.seq(), target).orElseThrow()
                    : index.untrackedStatus(entry.seq(), target));
        }
        return out;
    }

    /** Releases the files. Idempotent. */
    @Override
    public void close() {
        segments.retireAll();
        try {
            fs.close();
        } catch (IOException e) {
            // read-only channels: nothing can be lost
        }
    }

    @Override
    public String toString() {
        return "LogInspector{dir=" + dir + ", lastSeq=" + lastSeq + ", entries=" + entries + '}';
    }
}
