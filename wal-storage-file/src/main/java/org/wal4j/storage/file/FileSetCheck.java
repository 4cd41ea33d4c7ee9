package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.CorruptionPolicy;
import org.wal4j.WalCorruptionException;

/**
 * Compares the segment files in a log directory with the set the log wrote ({@link Manifest}),
 * before recovery reads a line: a listed segment missing, a closed one of another length than
 * listed (cut at a line end), a file in a segment's place that is a directory, fifo or symbolic
 * link, a file whose header names another segment (renamed, re-ordered, a stray copy), a file the
 * manifest does not list. A log of format version 1 has no manifest: then only what the files
 * themselves show (kind, header against name) is checked.
 *
 * <p>What it does ({@link Mode}): {@code REPORT} (the read-only verifier) only lists the problems;
 * {@code FAIL} throws {@link WalCorruptionException} naming the first problem's file; {@code QUARANTINE}
 * repairs what can be repaired without losing a line (a renamed or swapped genuine segment is renamed
 * back; a symbolic link to a genuine segment is replaced by a copy of it) and sets aside, as
 * {@code <name>.quarantine}, what is foreign or not a regular file. Nothing holding an entry line is
 * ever deleted: only an unlisted file after the active segment that holds no line but a header (a
 * rotation that did not finish) is.
 *
 * <p>Not thread-safe: one check, on one thread, under the directory lock (or read-only).
 */
final class FileSetCheck {
    private static final Logger LOG = LoggerFactory.getLogger(FileSetCheck.class);
    static final String SET_ASIDE_SUFFIX = ".quarantine";
    /** The first read of a listed segment: its header line, with room to spare. */
    private static final int HEADER_READ = 4096;

    enum Mode { REPORT, FAIL, QUARANTINE }

    /** One thing wrong with the file set, and what was done about it ({@code action} null in REPORT mode). */
    record Problem(Path file, String problem, @Nullable String action) {
        @Override
        public String toString() {
            return file.getFileName() + ": " + problem + (action == null ? "" : " (" + action + ")");
        }
    }

    /**
     * The outcome: the segments to scan in order, the manifest's line for each (empty for a log of
     * format version 1), the highest seq the log is known to have issued, the problems, and the
     * manifest as read (null if there was none, or none readable), which the next update continues.
     */
    record Result(List<SegmentFile.Id> segments, Map<SegmentFile.Id, Manifest.Listed> listed, long seqFloor,
                  List<Problem> problems, List<Path> deleted, ManifestFile.@Nullable Stored manifest) {
        boolean hadManifest() {
            return manifest != null;
        }
    }

    /** What a valid header line says: the segment, its creation time, the format version. */
    private record Header(SegmentFile.Id id, Instant createdAt, int version) {
    }

    /**
     * What the lines of a regular segment-named file show: its header (null if it has no valid one),
     * line counts and the highest entry seq, which are -1 for a genuine listed segment, whose lines
     * were not read ({@link #probe}).
     */
    private record Probe(Path path, long size, @Nullable Header header, long entryLines, long otherLines,
                         long maxEntrySeq) {
        boolean headerOk() {
            return header != null;
        }

        boolean nameMatches() {
            return header != null && header.id().equals(SegmentFile.idOf(path.getFileName().toString()));
        }

        String describe() {
            String what = header != null ? "its header says it is segment " + SegmentFile.fileName(header.id())
                    + " created " + header.createdAt() : "it has no valid header";
            return what + ", " + entryLines + " entry lines" + (entryLines > 0 ? " up to seq " + maxEntrySeq : "");
        }
    }

    private final WalFileSystem fs;
    private final Path dir;
    private final Mode mode;
    private final List<Problem> problems = new ArrayList<>();
    private final List<Path> deleted = new ArrayList<>();
    private final LineScanner scanner = new LineScanner();
    private long seqFloor;
    /** The manifest as re-read by {@link #rotatedSinceRead}, once; null until then. */
    private Manifest.@Nullable Content manifestNow;
    /** The manifest's active segment, or null: losing it is never repaired (see {@link #lostActive}). */
    private @Nullable String activeName;

    private FileSetCheck(WalFileSystem fs, Path dir, Mode mode) {
        this.fs = fs;
        this.dir = dir;
        this.mode = mode;
    }

    static Mode modeFor(CorruptionPolicy policy) {
        return policy == CorruptionPolicy.FAIL ? Mode.FAIL : Mode.QUARANTINE;
    }

    static Result run(WalFileSystem fs, Path dir, Mode mode) throws IOException {
        return new FileSetCheck(fs, dir, mode).check();
    }

    private Result check() throws IOException {
        // the manifest before the listing: a read-only check beside a running log then sees at most
        // segments created after the manifest it read (unlisted, after the active one), never one missing
        ManifestFile.Stored stored;
        try {
            stored = Manifest.read(fs, dir);
        } catch (WalCorruptionException e) {
            String message = Objects.requireNonNull(e.getMessage(), "every WalCorruptionException has a message");
            problem(Manifest.path(dir), message.substring(message.indexOf(": ") + 2),
                    "read the segment files as a log without a manifest");
            stored = null;
        }
        Manifest.Content manifest = stored == null ? null : stored.content();
        if (manifest != null && !manifest.segments().isEmpty()) {
            activeName = manifest.segments().get(manifest.segments().size() - 1).name();
        }
        Map<String, Manifest.Listed> byName = new HashMap<>();
        if (manifest != null) {
            manifest.segments().forEach(l -> byName.put(l.name(), l));
        }
        Map<String, Probe> regular = new TreeMap<>();
        for (Path p : fs.listAll(dir)) {
            String name = p.getFileName().toString();
            if (!SegmentFile.isSegmentName(name)) {
                continue;
            }
            WalFileSystem.EntryKind kind = fs.kindOf(p);
            if (kind == WalFileSystem.EntryKind.REGULAR) {
                Probe probed;
                try {
                    probed = probe(p, byName.get(name));
                } catch (NoSuchFileException gone) {
                    // compacted away between the listing and the probe: a read-only check beside a
                    // running log; the manifest it read may still list it, which the second look
                    // of LogVerifier settles
                    continue;
                }
                regular.put(name, probed);
            } else if (kind != WalFileSystem.EntryKind.MISSING) {
                Probe materialized = notRegular(p, kind);
                if (materialized != null) {
                    regular.put(name, materialized);
                }
            }
        }
        Map<SegmentFile.Id, Manifest.Listed> listed = new HashMap<>();
        if (manifest == null) {
            legacy(regular);
        } else {
            seqFloor = manifest.lastSeq();
            for (Manifest.Listed l : manifest.segments()) {
                listed.put(l.id(), l);
            }
            againstManifest(regular, manifest);
        }
        List<SegmentFile.Id> ids = new ArrayList<>();
        for (Probe p : regular.values()) {
            ids.add(SegmentFile.idOf(p.path.getFileName().toString()));
        }
        ids.sort(null);
        return new Result(ids, manifest == null ? Map.of() : listed, seqFloor, problems, deleted, stored);
    }

    /** A directory, fifo or symbolic link under a segment's name; returns the probe of a materialized copy. */
    private @Nullable Probe notRegular(Path p, WalFileSystem.EntryKind kind) throws IOException {
        String what = "is " + kind.describe();
        Probe target = null;
        if (kind == WalFileSystem.EntryKind.SYMLINK) {
            Path to = Files.readSymbolicLink(p);
            boolean dangling = !Files.exists(p);
            what += " to " + to + (dangling ? ", which does not exist (dangling)" : "");
            if (!dangling && Files.isRegularFile(p)) {
                target = probe(p, null);
            }
        }
        what += ", not the regular segment file the log wrote";
        if (mode == Mode.QUARANTINE && target != null && target.nameMatches()) {
            // a link to a genuine copy: keep its lines in the log, as a regular file of our own
            SegmentRewrite copy = SegmentRewrite.begin(fs, p);
            try (WalFileChannel source = fs.open(p, WalFileSystem.OpenMode.READ)) {
                copy.copy(source, 0, source.size());
                copy.commit();
            } finally {
                copy.close();
            }
            problem(p, what, "replaced the link by a copy of its target");
            return probe(p, null);
        }
        lostActive(p, what);
        setAside(p, what, target == null ? -1 : target.maxEntrySeq);
        return null;
    }

    /** Format version 1: no list to compare with; the files' own headers are all there is. */
    private void legacy(Map<String, Probe> regular) throws IOException {
        for (Probe p : regular.values()) {
            if (p.header != null && p.header.version() >= 2) {
                problem(Manifest.path(dir), "missing, but " + p.path.getFileName() + " has a format version "
                        + p.header.version() + " header: the log had a manifest", "read the segment files as they are");
                break;
            }
        }
        Map<SegmentFile.Id, Integer> claims = new HashMap<>();
        for (Probe p : regular.values()) {
            if (p.header != null) {
                claims.merge(p.header.id(), 1, Integer::sum);
            }
        }
        Map<Probe, String> restores = new LinkedHashMap<>();
        for (Probe p : List.copyOf(regular.values())) {
            Header header = p.header;
            if (header == null || p.nameMatches()) {
                continue; // header damage is recovery's (torn new segment or corruption)
            }
            String home = SegmentFile.fileName(header.id());
            if (!regular.containsKey(home) && claims.getOrDefault(header.id(), 0) == 1) {
                restores.put(p, home);
            } else {
                regular.remove(p.path.getFileName().toString());
                setAside(p.path, "not the segment its name says: " + p.describe(), p.maxEntrySeq);
            }
        }
        restore(regular, restores);
    }

    private void againstManifest(Map<String, Probe> regular, Manifest.Content manifest) throws IOException {
        Map<String, Probe> genuine = new HashMap<>();
        Manifest.Listed active = manifest.segments().isEmpty() ? null
                : manifest.segments().get(manifest.segments().size() - 1);
        for (Manifest.Listed l : manifest.segments()) {
            Probe p = regular.get(l.name());
            // a damaged header is the scan's to report or repair, line by line
            if (p != null && (isGenuine(p, l) || !p.headerOk())) {
                genuine.put(l.name(), p);
            } else if (p != null && p.nameMatches() && !hasGenuineCopy(regular, l)) {
                // the right segment by name and header, another creation time: keep its lines (the scan
                // checks every one against this segment's seq range); only the time is not as listed
                problem(p.path, "its header says it was created " + createdAtOf(p) + " but the MANIFEST lists "
                        + l.createdAt(), "kept: its lines are checked as the segment's");
                genuine.put(l.name(), p);
            }
        }
        Map<Probe, String> restores = new LinkedHashMap<>();
        for (Manifest.Listed l : manifest.segments()) {
            if (genuine.containsKey(l.name())) {
                continue;
            }
            Probe moved = null;
            for (Probe p : regular.values()) {
                if (!genuine.containsKey(p.path.getFileName().toString()) && !restores.containsKey(p)
                        && isGenuine(p, l)) {
                    moved = p;
                    break;
                }
            }
            if (moved != null) {
                restores.put(moved, l.name());
            } else if (!l.dropping()) {
                Probe there = regular.get(l.name());
                lostActive(dir.resolve(l.name()), there == null ? "listed in the MANIFEST but missing"
                        : "is not the segment the MANIFEST lists: " + there.describe());
                problem(dir.resolve(l.name()), there == null ? "listed in the MANIFEST but missing"
                        : "is not the segment the MANIFEST lists (created " + l.createdAt() + "): " + there.describe(),
                        "its entries are lost to the log; seqs up to " + manifest.lastSeq() + " are not issued again");
            }
        }
        for (Probe p : List.copyOf(regular.values())) {
            String name = p.path.getFileName().toString();
            if (genuine.containsKey(name) || restores.containsKey(p)) {
                continue;
            }
            boolean afterActive = active == null || SegmentFile.idOf(name).compareTo(active.id()) > 0;
            if (afterActive && rotatedSinceRead(p)) {
                continue; // scanned as the segment the log's manifest now lists
            }
            regular.remove(name);
            if (afterActive && p.entryLines == 0 && p.otherLines == 0 && (!p.headerOk() || p.nameMatches())) {
                // a rotation that did not finish: created, but the manifest naming it never reached the disk
                if (mode != Mode.REPORT) {
                    fs.delete(p.path);
                    fs.syncDirectory(dir);
                    deleted.add(p.path);
                    LOG.warn("Deleted {}: a new segment the manifest never listed, holding no line", p.path);
                }
                continue;
            }
            setAside(p.path, "not listed in the MANIFEST: " + p.describe(), p.maxEntrySeq);
        }
        restore(regular, restores);
        for (Manifest.Listed l : manifest.segments()) {
            Probe p = regular.get(l.name());
            // recovery checks lengths after its scan, which cuts preallocated zeros and reports damage first
            if (mode == Mode.REPORT && p != null && !l.isActive() && !l.allowsLength(p.size)
                    && !zerosAfter(p.path, l.length(), p.size)) {
                problem(p.path, "is " + p.size + " bytes but the MANIFEST lists it closed at " + l.length()
                        + " bytes up to seq " + l.lastSeq() + ": cut or changed since it was closed",
                        "kept as it is; seqs up to " + manifest.lastSeq() + " are not issued again");
            }
        }
    }

    /**
     * A read-only view of a live log reads the manifest before it lists the directory; a rotation in
     * between creates a segment (and may append to it) that the manifest read does not list yet. It
     * is the log's own if the manifest as it is now, read after the file was probed, lists it with
     * its header: every rotation lists a segment before a line goes into it. Only for a read-only
     * view: under the directory lock nothing rotates.
     */
    private boolean rotatedSinceRead(Probe p) throws IOException {
        if (!(fs instanceof SnapshotFileSystem)) {
            return false;
        }
        if (manifestNow == null) {
            ManifestFile.Stored now;
            try {
                now = ManifestFile.read(WalFileSystem.real(), dir);
            } catch (WalCorruptionException e) {
                now = null;
            }
            manifestNow = now == null ? new Manifest.Content(0, List.of()) : now.content();
        }
        String name = p.path.getFileName().toString();
        return manifestNow.segments().stream().anyMatch(l -> l.name().equals(name) && isGenuine(p, l));
    }

    private static boolean hasGenuineCopy(Map<String, Probe> regular, Manifest.Listed l) {
        return regular.values().stream().anyMatch(p -> isGenuine(p, l));
    }

    private static boolean isGenuine(Probe p, Manifest.Listed l) {
        return p.header != null && p.header.id().equals(l.id()) && p.header.createdAt().equals(l.createdAt());
    }

    /** The creation time a probe's header states; null if it has no valid header. */
    private static @Nullable Instant createdAtOf(Probe p) {
        return p.header == null ? null : p.header.createdAt();
    }

    /** Renames genuine segments found under other names back to their own (QUARANTINE), via temp names. */
    private void restore(Map<String, Probe> regular, Map<Probe, String> restores) throws IOException {
        if (restores.isEmpty()) {
            return;
        }
        for (Map.Entry<Probe, String> e : restores.entrySet()) {
            Path from = e.getKey().path;
            problem(from, "holds segment " + e.getValue() + " (" + e.getKey().describe()
                    + "): renamed or re-ordered", "renamed back to " + e.getValue());
            regular.remove(from.getFileName().toString());
        }
        if (mode != Mode.QUARANTINE) {
            return;
        }
        Map<Path, String> moving = new LinkedHashMap<>();
        for (Map.Entry<Probe, String> e : restores.entrySet()) {
            Path temp = e.getKey().path.resolveSibling(e.getKey().path.getFileName() + ".restoring");
            fs.rename(e.getKey().path, temp);
            moving.put(temp, e.getValue());
        }
        for (Map.Entry<Path, String> e : moving.entrySet()) {
            Path home = dir.resolve(e.getValue());
            Probe occupant = regular.remove(e.getValue());
            if (occupant != null) {
                setAside(home, "is in the place of segment " + e.getValue() + ": " + occupant.describe(),
                        occupant.maxEntrySeq);
            }
            fs.rename(e.getKey(), home);
            regular.put(e.getValue(), probe(home, null));
        }
        fs.syncDirectory(dir);
    }

    /**
     * The active segment cannot be set aside or given up even under QUARANTINE: the manifest does not
     * know how far its seqs went, so opening without it would issue its acknowledged seqs again (and
     * a volume that comes back would then hold two entries per seq). Refused under every policy.
     */
    private void lostActive(Path p, String what) {
        if (mode != Mode.REPORT && p.getFileName().toString().equals(activeName)) {
            throw WalCorruptionException.ofFileSet(p, what + "; it is the segment being written, whose last seq "
                    + "only it knows: put it back (mount its volume, restore the file) to open the log");
        }
    }

    /** Renames {@code p} to {@code <name>.quarantine} (QUARANTINE); the seqs it holds are not issued again. */
    private void setAside(Path p, String what, long maxEntrySeq) throws IOException {
        Path target = p.resolveSibling(p.getFileName() + SET_ASIDE_SUFFIX);
        for (int i = 1; fs.kindOf(target) != WalFileSystem.EntryKind.MISSING; i++) {
            target = p.resolveSibling(p.getFileName() + "." + i + SET_ASIDE_SUFFIX);
        }
        problem(p, what, "set aside as " + target.getFileName());
        if (mode == Mode.QUARANTINE) {
            fs.rename(p, target);
            fs.syncDirectory(dir);
        }
        seqFloor = Math.max(seqFloor, maxEntrySeq);
    }

    private void problem(Path file, String what, String action) {
        if (mode == Mode.FAIL) {
            throw WalCorruptionException.ofFileSet(file, what);
        }
        Problem p = new Problem(file, what, mode == Mode.REPORT ? null : action);
        problems.add(p);
        if (mode == Mode.QUARANTINE) {
            LOG.error("Log {}: {}", dir, p);
        }
    }

    /**
     * Reads a regular segment-named file: its header, and how many valid lines of each kind it holds.
     * A file whose header is the one {@code listed} names (the manifest's segment under its own name)
     * is read no further: recovery's scan reads its lines next, and nothing here needs their count.
     * So an open reads each genuine segment once, not twice.
     */
    /**
     * True if {@code path} holds only zeros from {@code listedLength} to {@code size}: space
     * preallocated (or zeroed by a crash) after the last line of a segment, which recovery cuts
     * before it compares lengths, so reporting it would be a false alarm.
     */
    private boolean zerosAfter(Path path, long listedLength, long size) throws IOException {
        if (size <= listedLength) {
            return false;
        }
        try (WalFileChannel ch = fs.open(path, WalFileSystem.OpenMode.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(1 << 16, size - listedLength));
            for (long pos = listedLength; pos < size; ) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    return false;
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) != 0) {
                        return false;
                    }
                }
                pos += n;
            }
            return true;
        }
    }

    private Probe probe(Path path, Manifest.@Nullable Listed listed) throws IOException {
        try (WalFileChannel ch = fs.open(path, WalFileSystem.OpenMode.READ)) {
            long size = ch.size();
            // a listed segment is likely read only as far as its header: a small first read
            int buffer = listed != null ? HEADER_READ : 1 << 16;
            LineReader r = new LineReader(ch, 0, size, (int) Math.min(buffer, size + 1), LogReader.maxLine());
            Header header = null;
            long entries = 0;
            long others = 0;
            long maxSeq = -1;
            boolean first = true;
            while (r.next()) {
                if (scanner.problemOf(r) != null) {
                    first = false;
                    continue;
                }
                try {
                    scanner.parse();
                    if (first && scanner.type == LineScanner.HEADER) {
                        Instant createdAt = scanner.time(); // first: an unreadable time leaves the header invalid
                        header = new Header(new SegmentFile.Id(scanner.firstSeq, scanner.part), createdAt,
                                scanner.version);
                        if (listed != null && header.id().equals(listed.id())
                                && header.createdAt().equals(listed.createdAt())) {
                            return new Probe(path, size, header, -1, -1, -1);
                        }
                    } else if (scanner.type == LineScanner.ENTRY) {
                        entries++;
                        maxSeq = Math.max(maxSeq, scanner.seq);
                    } else {
                        others++;
                    }
                } catch (LineScanner.Malformed e) {
                    // a checksum-valid line that breaks the format: recovery names it if it scans the file
                }
                first = false;
            }
            return new Probe(path, size, header, entries, others, maxSeq);
        }
    }
}
