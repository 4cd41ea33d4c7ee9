package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.CorruptionPolicy;
import org.wal4j.EntryStatus;
import org.wal4j.WalCorruptionException;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StatusRecord;

/**
 * Opens a log directory: removes leftover temp files, scans every segment in order verifying
 * every line's checksum, and rebuilds the index of unfinished entries, the checkpoints, each
 * segment's sparse index and the last seq, without parsing payloads ({@link LineScanner}).
 *
 * <p>Before reading a line it checks the set of segment files against the {@code MANIFEST}
 * ({@link FileSetCheck}: missing, extra, renamed, non-regular or symlinked segments), after the scan
 * each closed segment's length against its manifest line, and at the end it writes the manifest.
 * The next seq is above every seq the manifest or a set-aside file shows was issued.
 *
 * <p>What it does with damage (see {@link org.wal4j.CorruptionPolicy}):
 * <ul>
 *   <li>After the last good line of the <em>last</em> segment, bytes that hold no checksum-valid
 *       line (a partial line, zeros, garbage) were never acknowledged: they are cut off (truncate,
 *       force) and reported. A last segment without a complete header is deleted. Zeros after the
 *       last line are kept when preallocation is on: they are the preallocated space.</li>
 *   <li>Zeros at the end of a closed segment are the unused preallocated space of a segment whose
 *       truncation at rotation did not reach the disk: cut and reported, not corruption.</li>
 *   <li>Anything else that is not a good line (damage followed by a good line, garbage at the end
 *       of a closed segment, a checksum-valid line that breaks the format or the seq order) is
 *       corruption: {@code FAIL} throws {@link WalCorruptionException} naming file, offset and
 *       checksums; {@code QUARANTINE} copies the bytes to {@code <segment>.<offset>.quarantine},
 *       rewrites the segment without them and goes on.</li>
 * </ul>
 *
 * <p>Not thread-safe: runs once, on the opening thread, before the writer starts.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int SCAN_BUFFER = 1 << 20;

    /** What recovery hands to the storage. */
    record Recovered(SegmentSet segments, ActiveSegment active, StatusIndex index, Map<String, Long> checkpoints,
                     long lastSeq, long entries, RecoveryReport report, Manifest manifest) {
    }

    /** A run of bytes that are not good lines. */
    private static final class Region {
        final long start;
        long end;
        final String problem;
        final long storedCrc;
        final long computedCrc;
        boolean zerosOnly = true;
        boolean checksumValid;

        Region(long start, String problem, long storedCrc, long computedCrc) {
            this.start = start;
            this.problem = problem;
            this.storedCrc = storedCrc;
            this.computedCrc = computedCrc;
        }
    }

    private final FileStorageConfig config;
    private final WalFileSystem fs;
    private final Path dir;
    private final SegmentSet segments = new SegmentSet();
    private final StatusIndex index = new StatusIndex();
    private final Map<String, Long> checkpoints = new ConcurrentHashMap<>();
    private final LineScanner scanner = new LineScanner();
    private final LogReader reader;
    private final List<RecoveryReport.Cut> cuts = new ArrayList<>();
    private final List<RecoveryReport.Quarantined> quarantined = new ArrayList<>();
    private final List<Path> deletedSegments = new ArrayList<>();
    private final List<Path> removedTempFiles = new ArrayList<>();
    private final List<String> fileSetProblems = new ArrayList<>();
    private long entries;
    private long lastEntrySeq;
    /** What the first line of the segment being scanned is, if not a valid header. */
    private @Nullable Region headerDamage;
    /** Channel of the last segment, kept open to become the writer's. */
    private @Nullable WalFileChannel lastChannel;

    private Recovery(FileStorageConfig config) {
        this.config = config;
        this.fs = config.fileSystem();
        this.dir = config.dir();
        this.reader = new LogReader(segments, LogReader.maxLine(), PayloadReading.asStored()); // locates only
    }

    static Recovered run(FileStorageConfig config) throws IOException {
        Recovery recovery = new Recovery(config);
        try {
            return recovery.recover();
        } catch (IOException | RuntimeException | Error e) {
            recovery.closeAll(e);
            throw e;
        }
    }

    private Recovered recover() throws IOException {
        long started = System.nanoTime();
        List<Path> temps = new ArrayList<>();
        for (Path file : fs.list(dir)) {
            String name = file.getFileName().toString();
            if (name.endsWith(SegmentRewrite.TEMP_SUFFIX)) {
                temps.add(file);
            }
        }
        removeTempFiles(temps);
        FileSetCheck.Result fileSet = FileSetCheck.run(fs, dir, FileSetCheck.modeFor(config.corruptionPolicy()));
        deletedSegments.addAll(fileSet.deleted());
        List<SegmentFile.Id> ids = fileSet.segments();
        for (int i = 0; i < ids.size(); i++) {
            boolean last = i == ids.size() - 1;
            scanSegment(dir.resolve(SegmentFile.fileName(ids.get(i))), ids.get(i), last,
                    last ? Long.MAX_VALUE : ids.get(i + 1).firstSeq());
        }
        Manifest manifest = new Manifest(fs, dir, fileSet.seqFloor(), fileSet.manifest());
        ActiveSegment active = openActive(manifest);
        // never issue again a seq the log is known to have held: the manifest's, or one in a file set aside
        long lastSeq = Math.max(Math.max(lastEntrySeq, active.file.firstSeq - 1), fileSet.seqFloor());
        checkClosedLengths(fileSet.listed());
        if (!readOnly()) {
            manifest.write(segments);
        }
        fileSet.problems().forEach(p -> fileSetProblems.add(p.toString()));
        if (!fileSet.hadManifest()) {
            LOG.info("Log {} had no manifest (format version 1): wrote one listing its {} segments", dir,
                    segments.count());
        }
        RecoveryReport report = new RecoveryReport(segments.count(), entries, index.unfinishedCount(), lastSeq,
                cuts, quarantined, deletedSegments, removedTempFiles, fileSetProblems,
                Duration.ofNanos(System.nanoTime() - started));
        LOG.info("Opened log {}: {} segments, {} entries, {} unfinished, last seq {}, in {} ms{}", dir,
                report.segments(), entries, report.unfinished(), lastSeq, report.took().toMillis(),
                report.clean() ? "" : "; recovery: " + report);
        return new Recovered(segments, active, index, checkpoints, lastSeq, entries, report, manifest);
    }

    /** {@link LogInspector}'s snapshot: recovery reports what it would do, and writes nothing. */
    private boolean readOnly() {
        return fs instanceof SnapshotFileSystem;
    }

    /**
     * A closed segment must have a length its manifest line allows: a shorter one was cut at a line
     * end (no line-level check sees that). Segments whose damage recovery already cut or
     * quarantined are reported there.
     */
    private void checkClosedLengths(Map<SegmentFile.Id, Manifest.Listed> listed) {
        for (SegmentFile seg : segments.closed()) {
            Manifest.Listed line = listed.get(seg.id);
            boolean repaired = cuts.stream().anyMatch(c -> c.file().equals(seg.path))
                    || quarantined.stream().anyMatch(q -> q.file().equals(seg.path));
            if (line == null || line.isActive() || repaired || line.allowsLength(seg.end())) {
                continue;
            }
            String problem = "is " + seg.end() + " bytes (entries up to seq " + seg.lastEntrySeq()
                    + ") but the MANIFEST lists it closed at " + line.length() + " bytes up to seq " + line.lastSeq()
                    + ": cut or changed since it was closed";
            if (config.corruptionPolicy() == CorruptionPolicy.FAIL) {
                throw WalCorruptionException.ofFileSet(seg.path, problem);
            }
            fileSetProblems.add(seg.path.getFileName() + ": " + problem + " (kept as it is; seqs up to "
                    + line.lastSeq() + " are not issued again)");
            LOG.error("Log {}: {}: {}", dir, seg.path.getFileName(), problem);
        }
    }

    private void removeTempFiles(List<Path> temps) throws IOException {
        for (Path temp : temps) {
            fs.delete(temp);
            removedTempFiles.add(temp);
            LOG.warn("Removed {}, left over from an interrupted compaction or quarantine", temp);
        }
        if (!temps.isEmpty()) {
            fs.syncDirectory(dir);
        }
    }

    /**
     * The last segment becomes the writer's, forced once so that what a crashed process wrote but
     * never forced is durable before anything is appended after it; an empty directory gets its
     * first segment.
     */
    private ActiveSegment openActive(Manifest manifest) throws IOException {
        SegmentFile last = segments.last();
        if (last == null) {
            if (!readOnly()) {
                // an empty list first: a crash before the first segment's listing leaves it unlisted
                // and header-only (deleted on the next open), never a log of version 2 without a manifest
                manifest.write(segments);
            }
            ActiveSegment created = ActiveSegment.create(fs, dir, new SegmentFile.Id(lastEntrySeq + 1, 0),
                    config.clock().instant(),
                    config.preallocate() ? config.segmentBytes() : 0);
            segments.add(created.file);
            return created;
        }
        // the last segment's channel from the scan, or, if the scanned last segment was a torn new
        // segment and got deleted, a channel on the one before it, which becomes the active one again
        WalFileChannel channel = lastChannel != null ? lastChannel
                : fs.open(last.path, WalFileSystem.OpenMode.READ_WRITE);
        lastChannel = null;
        channel.force();
        return new ActiveSegment(last, channel, last.end());
    }

    private void scanSegment(Path path, SegmentFile.Id id, boolean isLast, long nextFirstSeq) throws IOException {
        WalFileChannel ch = fs.open(path, WalFileSystem.OpenMode.READ_WRITE);
        boolean keepOpen = false;
        try {
            long size = ch.size();
            // no bigger than the file: a log of many small segments would otherwise allocate 1 MiB per segment
            LineReader r = new LineReader(ch, 0, size, (int) Math.min(SCAN_BUFFER, size + 1), LogReader.maxLine());
            Instant headerTime = readHeader(r, id);
            boolean headerOk = headerTime != null;
            Instant createdAt = headerTime != null ? headerTime : config.clock().instant();
            long dataStart = headerOk ? r.nextOffset() : 0;
            SegmentFile seg = new SegmentFile(fs, path, id, createdAt, dataStart, dataStart, new SparseIndex(),
                    null);
            segments.add(seg);
            List<Region> middle = new ArrayList<>();
            Region open = headerOk ? null : headerDamage;
            long goodEnd = dataStart;
            boolean anyGood = false;
            while (r.next()) {
                String problem = scanner.problemOf(r);
                boolean checksumValid = problem == null;
                if (problem == null) {
                    problem = apply(seg, r.offset, nextFirstSeq);
                }
                if (problem == null) {
                    if (open != null) {
                        open.end = r.offset;
                        middle.add(open);
                        if (config.corruptionPolicy() == CorruptionPolicy.FAIL) {
                            throw corruption(path, open);
                        }
                        open = null;
                    }
                    anyGood = true;
                    goodEnd = r.nextOffset();
                    seg.setEnd(goodEnd);
                    continue;
                }
                if (open == null) {
                    // checksums only of a whole line whose checksum failed; the scanner's are stale otherwise
                    boolean crcRead = r.kind == LineReader.Kind.LINE && !checksumValid;
                    open = new Region(r.offset, problem, crcRead ? scanner.storedCrc : -1,
                            crcRead ? scanner.computedCrc : -1);
                }
                open.zerosOnly &= r.kind == LineReader.Kind.ZEROS;
                open.checksumValid |= checksumValid;
            }
            if (open != null) {
                open.end = size;
            }
            if (!headerOk && !anyGood) {
                // no good line reset it: still the header's damage, which readHeader set
                handleHeaderless(ch, path, seg, isLast, Objects.requireNonNull(open, "the header's damage"));
                return;
            }
            if (!middle.isEmpty()) {
                // QUARANTINE (FAIL threw above): the rewrite keeps only good lines, so a tail goes too
                if (open != null && ((isLast && !open.checksumValid) || open.zerosOnly)) {
                    cuts.add(new RecoveryReport.Cut(path, -1, open.end - open.start, "dropped by the quarantine "
                            + "rewrite, " + (open.zerosOnly ? "zeros" : "torn tail: " + open.problem)));
                } else if (open != null) {
                    middle.add(open);
                }
                ch = quarantineAndRewrite(ch, seg, headerOk, middle, goodEnd);
            } else if (open != null) {
                handleTail(ch, seg, isLast, open, goodEnd);
            }
            if (isLast) {
                lastChannel = ch;
                keepOpen = true;
            }
        } finally {
            if (!keepOpen) {
                ch.close();
            }
        }
    }

    /**
     * Reads the first line: the creation time of a whole, checksum-valid header line that names the
     * same first seq and part as the file name; otherwise null, with {@link #headerDamage} saying
     * what is there instead.
     */
    private @Nullable Instant readHeader(LineReader r, SegmentFile.Id id) throws IOException {
        headerDamage = null;
        if (!r.next()) {
            headerDamage = new Region(0, "no valid header line: the file is empty", -1, -1);
            return null;
        }
        String problem = scanner.problemOf(r);
        if (problem != null) {
            boolean crcRead = r.kind == LineReader.Kind.LINE && scanner.storedCrc >= 0;
            headerDamage = new Region(0, "no valid header line: " + problem, crcRead ? scanner.storedCrc : -1,
                    crcRead ? scanner.computedCrc : -1);
            headerDamage.zerosOnly = r.kind == LineReader.Kind.ZEROS;
            return null;
        }
        try {
            scanner.parse();
            if (scanner.type != LineScanner.HEADER) {
                problem = "the first line is not a header";
            } else if (scanner.firstSeq != id.firstSeq() || scanner.part != id.part()) {
                problem = "the header names segment " + new SegmentFile.Id(scanner.firstSeq, scanner.part)
                        + " but the file name says " + id;
            } else {
                return scanner.time();
            }
        } catch (LineScanner.Malformed e) {
            problem = e.getMessage();
        }
        headerDamage = new Region(0, "no valid header line: " + problem, -1, -1);
        headerDamage.checksumValid = true;
        headerDamage.zerosOnly = false;
        return null;
    }

    /** Applies a checksum-valid line to the index; returns why it cannot be, or null. */
    private @Nullable String apply(SegmentFile seg, long offset, long nextFirstSeq) {
        try {
            scanner.parse();
            switch (scanner.type) {
                case LineScanner.ENTRY:
                    return applyEntry(seg, offset, nextFirstSeq);
                case LineScanner.STATUS:
                    applyStatus();
                    return null;
                case LineScanner.CHECKPOINT:
                    checkpoints.merge(scanner.target(), scanner.seq, Math::max);
                    return null;
                default:
                    return "a header line after the start of the segment";
            }
        } catch (LineScanner.Malformed | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private @Nullable String applyEntry(SegmentFile seg, long offset, long nextFirstSeq) {
        long seq = scanner.seq;
        if (seq <= lastEntrySeq) {
            return "entry seq " + seq + " is not above the previous entry's seq " + lastEntrySeq;
        }
        if (seq < seg.firstSeq || seq >= nextFirstSeq) {
            return "entry seq " + seq + " is outside this segment's range " + seg.firstSeq + ".."
                    + (nextFirstSeq == Long.MAX_VALUE ? "" : String.valueOf(nextFirstSeq - 1));
        }
        index.add(seq, offset, scanner.targets());
        seg.sparse.onEntry(seq, offset);
        seg.setLastEntrySeq(seq);
        lastEntrySeq = seq;
        entries++;
        return null;
    }

    /**
     * Replays a status record as {@code InMemoryWalStorage} does: it changes a tracked entry; it
     * re-tracks a finished entry it makes unfinished or dead again (a requeue), which needs the
     * entry's targets and offset, read from the file (rare); it is ignored for an entry no longer
     * held (compacted away).
     */
    private void applyStatus() {
        EntryStatus status = scanner.status();
        boolean detailed = !status.isTerminal() || status == EntryStatus.DEAD;
        // StatusIndex keeps time and reason only for PENDING, RETRYING and DEAD; skip decoding them otherwise
        StatusRecord record = new StatusRecord(scanner.seq, scanner.target(), status, scanner.attempts,
                detailed ? scanner.time() : Instant.EPOCH, detailed ? scanner.reason() : null);
        try {
            if (index.apply(record) || !detailed) {
                return;
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring status record {} in {}: {}", record, dir, e.getMessage());
            return;
        }
        LogReader.Located located = reader.locate(record.seq());
        if (located != null && located.targets().contains(record.target())) {
            index.retrack(record.seq(), located.offset(), located.targets(), record);
        }
    }

    /** A segment without a valid header and without any good line. */
    private void handleHeaderless(WalFileChannel ch, Path path, SegmentFile seg, boolean isLast, Region region)
            throws IOException {
        segments.remove(seg);
        if (!isLast) {
            if (config.corruptionPolicy() == CorruptionPolicy.FAIL) {
                throw corruption(path, region);
            }
            if (region.end > 0) {
                quarantine(ch, path, region);
            }
        } else {
            LOG.warn("Deleting {}: a new segment whose header never reached the disk ({} bytes: {})", path,
                    region.end, region.problem);
        }
        ch.close();
        fs.delete(path);
        fs.syncDirectory(dir);
        deletedSegments.add(path);
    }

    private void handleTail(WalFileChannel ch, SegmentFile seg, boolean isLast, Region tail, long goodEnd)
            throws IOException {
        long bytes = tail.end - tail.start;
        if (isLast && !tail.checksumValid) {
            if (tail.zerosOnly && config.preallocate()) {
                return; // preallocated space after the last line: the writer goes on writing there
            }
            cut(ch, seg, goodEnd, bytes, "torn tail: " + tail.problem);
            LOG.warn("Cut torn tail of {} at offset {}: {} bytes ({}), never acknowledged", seg.path, goodEnd, bytes,
                    tail.problem);
            return;
        }
        if (!isLast && tail.zerosOnly) {
            cut(ch, seg, goodEnd, bytes, "preallocated zeros after the last line of a closed segment");
            LOG.info("Cut {} preallocated zero bytes from closed segment {} at offset {}", bytes, seg.path, goodEnd);
            return;
        }
        if (config.corruptionPolicy() == CorruptionPolicy.FAIL) {
            throw corruption(seg.path, tail);
        }
        quarantine(ch, seg.path, tail);
        cut(ch, seg, goodEnd, bytes, "quarantined: " + tail.problem);
    }

    private void cut(WalFileChannel ch, SegmentFile seg, long at, long bytes, String reason) throws IOException {
        ch.truncate(at);
        ch.force();
        seg.setEnd(at);
        cuts.add(new RecoveryReport.Cut(seg.path, at, bytes, reason));
    }

    private void quarantine(WalFileChannel ch, Path path, Region region) throws IOException {
        Path target = path.resolveSibling(path.getFileName() + "." + region.start + ".quarantine");
        try (WalFileChannel out = fs.open(target, WalFileSystem.OpenMode.CREATE_OR_OPEN)) {
            out.truncate(0);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(64 * 1024);
            long written = 0;
            for (long at = region.start; at < region.end; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), region.end - at));
                int n = ch.read(buf, at);
                if (n < 0) {
                    break;
                }
                buf.flip();
                written += ActiveSegment.writeFully(out, buf, written);
                at += n;
            }
            out.force();
        }
        fs.syncDirectory(dir);
        quarantined.add(new RecoveryReport.Quarantined(path, region.start, region.end - region.start, target,
                region.problem));
        LOG.error("Quarantined {} damaged bytes of {} at offset {} to {}: {}; the records in them are lost to the log",
                region.end - region.start, path, region.start, target, region.problem);
    }

    /**
     * QUARANTINE with damage between good lines: copies each damaged region aside, then rewrites
     * the segment with its good lines only (a fresh header if the old one was damaged) and points
     * the index and sparse index at the new offsets.
     */
    private WalFileChannel quarantineAndRewrite(WalFileChannel ch, SegmentFile seg, boolean headerOk,
                                                List<Region> damaged, long goodEnd) throws IOException {
        for (Region region : damaged) {
            quarantine(ch, seg.path, region);
        }
        SegmentRewrite rewrite = SegmentRewrite.begin(fs, seg.path);
        try {
            long from;
            if (headerOk) {
                rewrite.copy(ch, 0, seg.dataStart);
                from = seg.dataStart;
            } else {
                byte[] header = LineCodec.headerLine(seg.id, seg.createdAt);
                rewrite.append(header, 0, header.length);
                from = 0;
            }
            for (Region region : damaged) {
                rewrite.copy(ch, from, region.start);
                from = region.end;
            }
            rewrite.copy(ch, from, goodEnd);
            rewrite.commit();
        } catch (IOException | RuntimeException e) {
            rewrite.close();
            throw e;
        }
        ch.close();
        SegmentFile fresh = Reindex.segment(fs, seg, rewrite.channel(), index);
        segments.replace(seg, fresh);
        return rewrite.channel();
    }

    private static WalCorruptionException corruption(Path path, Region region) {
        if (region.storedCrc >= 0 && region.computedCrc >= 0 && !region.checksumValid) {
            return new WalCorruptionException(path, region.start, region.storedCrc, region.computedCrc);
        }
        return new WalCorruptionException(path, region.start, region.problem + " (" + (region.end - region.start)
                + " bytes of damage)");
    }

    private void closeAll(Throwable failure) {
        if (lastChannel != null) {
            try {
                lastChannel.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        segments.retireAll();
    }
}
