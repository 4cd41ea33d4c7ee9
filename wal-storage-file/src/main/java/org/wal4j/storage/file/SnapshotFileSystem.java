package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A read-only, point-in-time view of a log directory that another process may be writing and
 * compacting, for {@link LogInspector} and {@link LogVerifier}. It lets the open-time logic
 * ({@code Recovery}) run unchanged without changing a byte on disk:
 *
 * <ul>
 *   <li><b>Nothing is written.</b> Files are opened read-only; creating, renaming and writing
 *       fail with {@link ReadOnlyException}; truncation, forces, deletes and directory forces
 *       are no-ops (recovery's repairs of a torn tail become reports of what the next open for
 *       writing would repair).</li>
 *   <li><b>In-flight bytes are not torn bytes.</b> The last segment is presented up to the end
 *       of its last complete line: bytes after it are a group the writer is writing right now
 *       (or zeros of preallocated space), and are counted in {@link #inFlightBytes()}, never
 *       reported as damage.</li>
 *   <li><b>Half-made files are not part of the log.</b> {@link #list} leaves out {@code *.tmp}
 *       files (a compaction in progress) and a last segment without a complete first line (a
 *       new segment whose header is being written): the writer uses neither until it is
 *       complete.</li>
 *   <li><b>A file stays the file first opened.</b> The first open of a path pins it: its
 *       identity (inode), size and presented size are kept until {@link #close()}, and its channel
 *       too while it is among the {@value #MAX_OPEN_FILES} most recently read, so later opens read
 *       the same file even if a compaction has renamed a rewritten segment over it meanwhile, and
 *       offsets found while scanning stay valid. {@link #changedSincePinned()} tells whether a
 *       closed segment was replaced or deleted after it was pinned, so that the caller can scan
 *       again for a consistent view.</li>
 *   <li><b>Descriptors are bounded.</b> At most {@value #MAX_OPEN_FILES} channels are open at a
 *       time, however many segments the log has (a log of thousands of segments must be readable
 *       under {@code ulimit -n 1024}): the least recently read is closed, and reopened when it is
 *       read again. A reopened file must be the one pinned; if a compaction replaced or deleted
 *       it meanwhile, reading it throws {@link ReplacedException} rather than reading another
 *       file at offsets that belong to the first.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class SnapshotFileSystem implements WalFileSystem, Closeable {
    private static final int TAIL_CHUNK = 64 * 1024;
    private static final int HEADER_PROBE = 4096;

    /** Thrown for an operation a read-only view cannot do. */
    static final class ReadOnlyException extends IOException {
        private static final long serialVersionUID = 1L;

        ReadOnlyException(String message) {
            super(message);
        }
    }

    /** Thrown when a pinned file whose channel was closed to bound descriptors was since replaced or deleted. */
    static final class ReplacedException extends IOException {
        private static final long serialVersionUID = 1L;

        ReplacedException(Path file) {
            super(file + " was replaced or deleted by a compaction after the snapshot first read it; take a new "
                    + "snapshot (run the command again)");
        }
    }

    /** Channels open at most at a time: bounds the descriptors a snapshot of a log of any size holds. */
    static final int MAX_OPEN_FILES = 32;

    private record Pinned(Path key, Object identity, long presentedSize, long actualSize) {
    }

    private final Path dir;
    private final Map<Path, Pinned> pinned = new ConcurrentHashMap<>();
    /** The open channels of pinned files, least recently used first. */
    @GuardedBy("this")
    private final LinkedHashMap<Path, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true);
    @GuardedBy("this")
    private final List<String> notes = new ArrayList<>();
    /** The last segment {@link #list} showed; null before it ran or when it showed none. */
    private volatile @Nullable Path lastSegment;

    SnapshotFileSystem(Path dir) {
        this.dir = dir;
    }

    /**
     * The directory's segment files in seq order, as {@link #list} shows them to recovery, and
     * remembers the last one (presented up to its last complete line).
     */
    @Override
    public synchronized List<Path> list(Path directory) throws IOException {
        List<Path> shown = new ArrayList<>();
        List<Path> segments = new ArrayList<>();
        for (Path file : WalFileSystem.real().list(directory)) {
            String name = file.getFileName().toString();
            if (name.endsWith(SegmentRewrite.TEMP_SUFFIX)) {
                note("compaction in progress: " + name + " is being written");
            } else if (SegmentFile.isSegmentName(name)) {
                segments.add(file);
            } else {
                shown.add(file);
            }
        }
        segments.sort(Comparator.comparing(p -> p.getFileName().toString()));
        if (!segments.isEmpty()) {
            Path last = segments.get(segments.size() - 1);
            if (!hasCompleteFirstLine(last)) {
                note("segment " + last.getFileName() + " is being created (no complete header line yet)");
                segments.remove(segments.size() - 1);
            }
        }
        lastSegment = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        shown.addAll(segments);
        return shown;
    }

    /** The same as {@link #list}: a snapshot shows regular, complete files only. */
    @Override
    public List<Path> listAll(Path directory) throws IOException {
        return list(directory);
    }

    @Override
    public WalFileChannel open(Path file, OpenMode mode) throws IOException {
        if (mode == OpenMode.CREATE_NEW || mode == OpenMode.CREATE_OR_OPEN) {
            throw new ReadOnlyException("a read-only view of " + dir + " does not create " + file);
        }
        return new View(file, pin(file));
    }

    private Pinned pin(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (this) {
            Pinned p = pinned.get(key);
            if (p != null) {
                return p;
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                long size = channel.size();
                long presented = key.equals(lastSegmentKey()) ? completeLength(channel, size) : size;
                p = new Pinned(key, identity(file), presented, size);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            pinned.put(key, p);
            keepOpen(key, channel);
            return p;
        }
    }

    /** The pinned file's channel, reopened (and checked to be the same file) if it was closed. */
    @SuppressWarnings("ReferenceEquality") // identity on purpose: is this pin still the registered one?
    private synchronized FileChannel channel(Pinned p) throws IOException {
        FileChannel channel = open.get(p.key);
        if (channel != null) {
            return channel;
        }
        if (pinned.get(p.key) != p) {
            throw new ClosedChannelException(); // the file system was closed
        }
        try {
            channel = FileChannel.open(p.key, StandardOpenOption.READ);
        } catch (NoSuchFileException gone) {
            throw new ReplacedException(p.key);
        }
        // opened first, identified second: a replacement in between is taken for a change, never missed
        boolean same;
        try {
            same = Objects.equals(identity(p.key), p.identity);
        } catch (IOException e) {
            same = false;
        }
        if (!same) {
            channel.close();
            throw new ReplacedException(p.key);
        }
        keepOpen(p.key, channel);
        return channel;
    }

    @GuardedBy("this")
    private void keepOpen(Path key, FileChannel channel) throws IOException {
        open.put(key, channel);
        Iterator<FileChannel> eldest = open.values().iterator();
        while (open.size() > MAX_OPEN_FILES) {
            FileChannel evicted = eldest.next();
            eldest.remove();
            evicted.close(); // a reader in the middle of a read on it gets a ClosedChannelException and retries
        }
    }

    /** Forgets a channel closed under a reader (an interrupt closes a FileChannel for every user). */
    private synchronized void forget(Pinned p, FileChannel channel) {
        open.remove(p.key, channel);
    }

    /** Reads from the pinned file, reopening it if its channel was closed meanwhile to bound descriptors. */
    private int read(Pinned p, ByteBuffer dst, long position) throws IOException {
        while (true) {
            FileChannel channel = channel(p);
            try {
                return channel.read(dst, position);
            } catch (ClosedByInterruptException e) {
                forget(p, channel);
                throw e;
            } catch (ClosedChannelException evicted) {
                forget(p, channel); // closed by eviction while this read ran: read again
            }
        }
    }

    /** Bytes after the last complete line of the last segment when it was pinned; 0 before. */
    long inFlightBytes() {
        Path last = lastSegment;
        if (last == null) {
            return 0;
        }
        Pinned p = pinned.get(last.toAbsolutePath().normalize());
        return p == null ? 0 : p.actualSize - p.presentedSize;
    }

    /** What the view left out or found in passing: a compaction or a segment creation in progress. */
    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    @GuardedBy("this")
    private void note(String text) {
        if (!notes.contains(text)) {
            notes.add(text);
        }
    }

    /**
     * True if a pinned segment other than the last one was since deleted or replaced by another
     * file (a compaction ran while the log was read): the files pinned may then not agree with
     * each other.
     */
    boolean changedSincePinned() {
        for (Map.Entry<Path, Pinned> e : pinned.entrySet()) {
            Path path = e.getKey();
            if (!SegmentFile.isSegmentName(path.getFileName().toString()) || path.equals(lastSegmentKey())) {
                continue;
            }
            try {
                if (!Objects.equals(identity(path), e.getValue().identity)) {
                    return true;
                }
            } catch (NoSuchFileException gone) {
                return true;
            } catch (IOException unreadable) {
                return true;
            }
        }
        return false;
    }

    private @Nullable Path lastSegmentKey() {
        Path last = lastSegment;
        return last == null ? null : last.toAbsolutePath().normalize();
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such log directory");
        }
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
        throw new ReadOnlyException("a read-only view of " + dir + " does not rename " + source);
    }

    /** A no-op: the repair it belongs to is reported, not carried out. */
    @Override
    public void delete(Path file) {
    }

    /** A no-op: nothing was changed. */
    @Override
    public void syncDirectory(Path directory) {
    }

    /** Closes every open channel and forgets the pinned files. */
    @Override
    public synchronized void close() throws IOException {
        IOException failure = null;
        for (FileChannel channel : open.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        open.clear();
        pinned.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** A file's identity: its file key (inode) where the platform has one, else size and modification time. */
    private static Object identity(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.fileKey() != null ? a.fileKey() : a.size() + "@" + a.lastModifiedTime().toMillis();
    }

    private static boolean hasCompleteFirstLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(HEADER_PROBE, ch.size()));
            while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
                // read what there is
            }
            for (int i = 0; i < buf.position(); i++) {
                byte b = buf.get(i);
                if (b == '\n') {
                    return true;
                }
                if (b == 0) {
                    return false;
                }
            }
            return false;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /** The offset just after the last {@code \n} of the first {@code size} bytes, 0 if none. */
    private static long completeLength(FileChannel channel, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(TAIL_CHUNK);
        long end = size;
        while (end > 0) {
            long from = Math.max(0, end - TAIL_CHUNK);
            buf.clear().limit((int) (end - from));
            int read = 0;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, from + read);
                if (n <= 0) {
                    break;
                }
                read += n;
            }
            for (int i = read - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    /** A channel over a pinned file, cut at its presented size; closing it leaves the file pinned. */
    private final class View implements WalFileChannel {
        private final Path path;
        private final Pinned pinned;

        View(Path path, Pinned pinned) {
            this.path = path;
            this.pinned = pinned;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            long room = pinned.presentedSize - position;
            if (room <= 0) {
                return -1;
            }
            if (dst.remaining() > room) {
                ByteBuffer slice = dst.slice();
                slice.limit((int) room);
                int n = SnapshotFileSystem.this.read(pinned, slice, position);
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }
            return SnapshotFileSystem.this.read(pinned, dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new ReadOnlyException("a read-only view does not write to " + path);
        }

        /** A no-op: nothing was written. */
        @Override
        public void force() {
        }

        /** A no-op: recovery's cut becomes a report of what the next open for writing cuts. */
        @Override
        public void truncate(long size) {
        }

        @Override
        public long size() {
            return pinned.presentedSize;
        }

        @Override
        public Closeable tryLock() throws IOException {
            throw new ReadOnlyException("a read-only view takes no lock on " + path);
        }

        /** Leaves the file pinned until the file system closes. */
        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }
}
