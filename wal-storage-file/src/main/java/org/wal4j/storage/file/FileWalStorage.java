package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.LatencyHistogram;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.Names;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageState;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * The write-ahead log on local disk: a directory of segment files of checksummed JSON lines
 * (format and commit rule on {@code LineCodec}, and in {@code docs/format.md}). Open with
 * {@link #open(FileStorageConfig)}; the semantics are those of {@link WalStorage}, the same as
 * {@code org.wal4j.testing.InMemoryWalStorage}'s.
 *
 * <h2>How it works</h2>
 * Appending threads validate and serialize their entries themselves, then queue the bytes for
 * whichever thread holds the writer role; that thread assigns seqs, writes everything queued with
 * one call, forces once and acknowledges the whole group (group commit), so the cost of an fsync
 * is shared by every caller waiting for it. The role belongs to the writer thread, except that a
 * caller of the blocking {@link #append} that finds no one writing takes it and writes its own
 * batch (and what is queued with it) on its own thread: a lone appender pays write and force
 * without a hand-off to another thread and back (details on {@code LogWriter}). Status records ride the same queue and update the
 * in-memory index of unfinished entries ({@link StatusIndex}: seq, file offset and target masks,
 * no payloads) when the call returns. Reads go to the files: by seq through a sparse per-segment
 * index, unfinished entries through the offset the index keeps. Opening a directory runs
 * recovery ({@link #recoveryReport()} says what it did).
 *
 * <p>With a payload codec ({@link FileStorageConfig#payloadCodec()}, e.g. AES-GCM encryption from
 * {@code org.wal4j.PayloadEncryption}) the appending threads encode each payload before framing
 * it, so the checksum covers the stored (encrypted) form and recovery, compaction and the
 * verifier never need the keys; reads decode it, and a payload that does not decode is a
 * {@link org.wal4j.WalPayloadException}, never a skipped line or ciphertext handed to a target.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Seqs are gap free and strictly increasing in acknowledgement order; reads see exactly the
 *       acknowledged entries.</li>
 *   <li>An acknowledged entry under {@code SyncPolicy.ALWAYS} was forced before the acknowledgement.</li>
 *   <li>Only the last segment is ever appended to; closed segments change only by compaction, as a
 *       whole, by rename.</li>
 *   <li>After the first failed write or force of an append, status, checkpoint or rotation the log is
 *       {@link StorageState#POISONED} until reopened. A failed compaction is reported to its caller
 *       and leaves the log writable.</li>
 * </ul>
 *
 * <h2>Locks</h2>
 * {@code statusLock} orders status records in the log and in the index the same way, and keeps
 * compaction from swapping a segment between a status record's check and its application.
 * {@code layoutLock} (read: lookups by index offset; write: compaction's swap of a segment and its
 * index offsets) keeps offsets and files consistent. Order: statusLock, then layoutLock.
 * {@code compactionLock}: one compaction at a time.
 *
 * <p>Thread-safe. Futures are completed on the thread holding the writer role: the writer thread,
 * or a caller of {@link #append} writing a batch that holds other callers' requests too. A
 * dependent stage attached without {@code *Async} runs there and delays every other caller; a
 * blocking call of this storage from such a stage is refused with {@link IllegalStateException}
 * rather than deadlocking.
 */
public final class FileWalStorage implements WalStorage {

    private final FileStorageConfig config;
    /** Encodes payloads before they are framed, decodes them when read; null: stored as written. */
    private final @Nullable PayloadCodec codec;
    private final DirectoryLock lock;
    private final SegmentSet segments;
    private final StatusIndex index;
    private final Map<String, Long> checkpoints;
    private final LogWriter writer;
    private final LogReader reader;
    private final Compactor compactor;
    private final RecoveryReport recoveryReport;
    private final Object statusLock = new Object();
    private final ReentrantReadWriteLock layoutLock = new ReentrantReadWriteLock();
    private final Object compactionLock = new Object();
    /** Entries recovered minus entries compacted away; plus the writer's appended count, the entries held. */
    private final AtomicLong entryBase;
    private final Set<String> knownTargets = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FileWalStorage(FileStorageConfig config, DirectoryLock lock, Recovery.Recovered recovered) {
        this.config = config;
        this.lock = lock;
        this.segments = recovered.segments();
        this.index = recovered.index();
        this.checkpoints = recovered.checkpoints();
        this.recoveryReport = recovered.report();
        this.entryBase = new AtomicLong(recovered.entries());
        this.knownTargets.addAll(index.targets());
        this.writer = new LogWriter(config, segments, index, checkpoints, recovered.active(), recovered.lastSeq(),
                recovered.manifest());
        this.codec = config.payloadCodec().orElse(null);
        this.reader = new LogReader(segments, LogReader.maxLine(), PayloadReading.decoding(LogReader.PAYLOAD_KEYS, codec));
        this.compactor = new Compactor(config.fileSystem(), segments, index, checkpoints, statusLock, layoutLock,
                writer, entryBase, recovered.manifest());
        writer.start();
    }

    /**
     * Opens (creating if needed) the log in {@code config.dir()}: takes the directory lock, runs
     * recovery and starts the writer thread.
     *
     * @throws org.wal4j.WalLockedException     if another process or open storage holds the directory
     * @throws org.wal4j.WalCorruptionException if recovery finds corruption under {@code CorruptionPolicy.FAIL}
     * @throws WalIOException                   if the directory cannot be read or written
     */
    public static FileWalStorage open(FileStorageConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        Path dir = config.dir();
        DirectoryLock lock;
        try {
            createDurably(config.fileSystem(), dir);
            lock = DirectoryLock.acquire(config.fileSystem(), dir);
        } catch (IOException e) {
            throw new WalIOException("Opening the log in " + dir + " failed: " + IoErrors.describe(e), e);
        }
        try {
            return new FileWalStorage(config, lock, Recovery.run(config));
        } catch (IOException e) {
            closeQuietly(lock, e);
            throw new WalIOException("Recovering the log in " + dir + " failed: " + IoErrors.describe(e), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(lock, e);
            throw e;
        }
    }

    /** What recovery found and did when this storage was opened. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public FileStorageConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(List<WalEntry> entries) {
        WriteRequest request = appendRequest(entries);
        writer.submit(request);
        return request.appended();
    }

    /**
     * {@link #appendAsync}, waiting; when the writer is idle the calling thread writes (and under
     * {@code ALWAYS} forces) its entries itself instead of handing them to the writer thread.
     */
    @Override
    public AppendResult append(List<WalEntry> entries) {
        refuseOnWriterThread();
        WriteRequest request = appendRequest(entries);
        writer.submitAndWrite(request);
        return WalStorage.await(request.appended());
    }

    /** Checks and serializes entries to append, on the calling thread. */
    private WriteRequest appendRequest(List<WalEntry> entries) {
        AppendChecks.check(entries, config.maxEntryBytes());
        List<WalEntry> batch = List.copyOf(entries);
        byte[][] bodies = new byte[batch.size()][];
        for (int i = 0; i < bodies.length; i++) {
            // encodes the payload (the checksum covers what is stored) and refuses what would break its
            // line or, encoded, exceed maxEntryBytes: before any reservation
            bodies[i] = LineCodec.entryBody(batch.get(i), codec, config.maxEntryBytes());
        }
        reserveTargets(entries);
        writer.checkWritable();
        return WriteRequest.append(batch, bodies);
    }

    @Override
    public CompletableFuture<Void> appendStatusAsync(List<StatusRecord> records) {
        if (records == null) {
            throw new IllegalArgumentException("status records must not be null");
        }
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                throw new IllegalArgumentException("status record " + i + " of " + records.size() + " is null");
            }
        }
        writer.checkWritable();
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (statusLock) {
            layoutLock.readLock().lock();
            try {
                return appendStatusLocked(records);
            } finally {
                layoutLock.readLock().unlock();
            }
        }
    }

    // and the read lock of layoutLock
    @GuardedBy("statusLock")
    private CompletableFuture<Void> appendStatusLocked(List<StatusRecord> records) {
        long last = writer.lastSeq();
        List<StatusRecord> kept = new ArrayList<>(records.size());
        List<LogReader.Located> untracked = new ArrayList<>(records.size());
        for (StatusRecord r : records) {
            if (r.seq() > last) {
                throw new IllegalArgumentException("status record for seq " + r.seq()
                        + " but the last seq assigned is " + last);
            }
            if (index.isTracked(r.seq())) {
                if (index.trackedStatus(r.seq(), r.target()).isEmpty()) {
                    throw notNamed(r, reader.locate(r.seq()));
                }
                untracked.add(null);
            } else {
                LogReader.Located located = reader.locate(r.seq());
                if (located == null) {
                    continue; // compacted away: nothing left to change, as for the in-memory storage
                }
                if (!located.targets().contains(r.target())) {
                    throw notNamed(r, located);
                }
                untracked.add(located);
            }
            kept.add(r);
        }
        if (kept.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        byte[][] lines = new byte[kept.size()][];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = LineCodec.statusLine(kept.get(i));
        }
        WriteRequest request = WriteRequest.status(lines);
        writer.submit(request);
        for (int i = 0; i < kept.size(); i++) {
            StatusRecord r = kept.get(i);
            if (!index.apply(r) && (!r.status().isTerminal() || r.status() == EntryStatus.DEAD)) {
                // finished before: re-track it. It may have been tracked when checked above and finished by
                // an earlier record of this call; recovery replays the records one by one, so must the index.
                LogReader.Located located = untracked.get(i) != null ? untracked.get(i) : reader.locate(r.seq());
                if (located != null) {
                    index.retrack(r.seq(), located.offset(), located.targets(), r);
                }
            }
        }
        return request.done();
    }

    private static IllegalArgumentException notNamed(StatusRecord r, LogReader.@Nullable Located located) {
        return new IllegalArgumentException("entry " + r.seq() + " does not name target '" + r.target()
                + "'; it names " + (located == null ? "other targets" : located.targets()));
    }

    @Override
    public void appendStatus(List<StatusRecord> records) {
        refuseOnWriterThread();
        await(appendStatusAsync(records));
    }

    @Override
    public CompletableFuture<Void> saveCheckpoint(String target, long seq) {
        Names.requireTarget(target);
        writer.checkWritable();
        long last = writer.lastSeq();
        if (seq < 0 || seq > last) {
            throw new IllegalArgumentException("checkpoint for '" + target + "' must be between 0 and the last seq "
                    + last + " but was " + seq);
        }
        if (seq <= checkpoint(target)) {
            return CompletableFuture.completedFuture(null);
        }
        WriteRequest request = WriteRequest.checkpoint(target, seq,
                LineCodec.checkpointLine(target, seq, config.clock().instant()));
        writer.submit(request);
        return request.done();
    }

    @Override
    public long checkpoint(String target) {
        return checkpoints.getOrDefault(target, 0L);
    }

    @Override
    public CompletableFuture<Void> sync() {
        writer.checkWritable();
        WriteRequest request = WriteRequest.sync();
        writer.submit(request);
        return request.done();
    }

    /**
     * Closes the segment being written and starts a new one, if the current one holds a record
     * besides its header; for tests, which need closed segments to compact.
     */
    CompletableFuture<Void> rotate() {
        WriteRequest request = WriteRequest.rotate();
        writer.submit(request);
        return request.done();
    }

    @Override
    public CompletableFuture<Void> whenDurable(long seq) {
        return writer.waiters().await(seq);
    }

    @Override
    public Optional<WalEntry> read(long seq) {
        if (seq < 1 || seq > writer.lastSeq()) {
            return Optional.empty();
        }
        return reader.read(seq);
    }

    @Override
    public List<WalEntry> read(long fromSeq, long toSeq, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative but was " + limit);
        }
        long to = Math.min(toSeq, writer.lastSeq());
        if (limit == 0 || fromSeq > to) {
            return List.of();
        }
        return reader.read(Math.max(1, fromSeq), to, limit);
    }

    @Override
    public Stream<WalEntry> scan(long fromSeq) {
        LogReader.Cursor cursor = reader.cursor(Math.max(1, fromSeq), writer.lastSeq());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(cursor,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false).onClose(cursor::close);
    }

    @Override
    public List<TrackedEntry> unfinished(String target, long afterSeq, int limit) {
        layoutLock.readLock().lock();
        try {
            return tracked(index.unfinished(target, afterSeq, limit));
        } finally {
            layoutLock.readLock().unlock();
        }
    }

    @Override
    public List<TrackedEntry> deadLetters(@Nullable String target, long afterSeq, int limit) {
        layoutLock.readLock().lock();
        try {
            return tracked(index.deadLetters(target, afterSeq, limit));
        } finally {
            layoutLock.readLock().unlock();
        }
    }

    private List<TrackedEntry> tracked(List<StatusIndex.State> states) {
        return reader.tracked(states);
    }

    @Override
    public Optional<EntryStatus> status(long seq, String target) {
        if (seq < 1 || seq > writer.lastSeq() || target == null) {
            return Optional.empty();
        }
        layoutLock.readLock().lock();
        try {
            Optional<EntryStatus> tracked = index.trackedStatus(seq, target);
            if (tracked.isPresent() || index.isTracked(seq)) {
                return tracked;
            }
            LogReader.Located located = reader.locate(seq);
            if (located == null || !located.targets().contains(target)) {
                return Optional.empty();
            }
            return Optional.of(index.untrackedStatus(seq, target));
        } finally {
            layoutLock.readLock().unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Segments in which nothing is left are deleted first, writing nothing, so a full disk gets
     * its space back; the segments that keep something are rewritten after (details on
     * {@code Compactor}).
     *
     * @throws WalIOException if deleting or rewriting a segment failed (the disk full, say): the
     *         message names the segment, the reason and what was compacted before; that stays done,
     *         the rest is left for the next compaction, and the log is not poisoned
     */
    @Override
    public CompactionResult compact(long safePoint, Instant createdBefore) {
        Objects.requireNonNull(createdBefore, "createdBefore must not be null");
        writer.checkWritable();
        synchronized (compactionLock) {
            // everything acknowledged is indexed and forced before anything is decided
            await(sync());
            return compactor.compact(safePoint, createdBefore, writer.lastSeq());
        }
    }

    @Override
    public StorageStats stats() {
        long fsyncs = writer.fsyncs();
        long appended = writer.appendedEntries();
        LatencyHistogram latency = writer.latency();
        return new StorageStats(writer.state(), writer.lastSeq(), entryBase.get() + appended, segments.bytes(),
                segments.count(), index.unfinishedCount(), index.pendingByTarget(), index.deadLetterCount(),
                Map.copyOf(checkpoints), fsyncs, appended, fsyncs == 0 ? 0 : appended / (double) fsyncs,
                latency.percentile(0.5) / 1000, latency.percentile(0.99) / 1000, latency.percentile(0.999) / 1000);
    }

    @Override
    public long lastSeq() {
        return writer.lastSeq();
    }

    /** The highest seq known forced to stable storage. */
    public long durableSeq() {
        return writer.durableSeq();
    }

    @Override
    public int maxEntryBytes() {
        return config.maxEntryBytes();
    }

    /**
     * Stops accepting writes, writes and forces what is queued, waits for a running compaction,
     * then closes every file and releases the directory lock, even if the final force failed.
     * Idempotent.
     *
     * @throws WalIOException if the final force or releasing a file failed (after releasing everything)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean wasPoisoned = writer.state() == StorageState.POISONED;
        Throwable failure = writer.shutdown();
        synchronized (compactionLock) {
            segments.retireAll();
        }
        try {
            lock.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null && !wasPoisoned) {
            throw new WalIOException("Closing the log in " + config.dir() + " failed: " + IoErrors.describe(failure)
                    + "; entries acknowledged without a force may be lost", failure);
        }
    }

    @Override
    public String toString() {
        return "FileWalStorage{dir=" + config.dir() + ", state=" + writer.state() + ", lastSeq=" + writer.lastSeq()
                + '}';
    }

    /**
     * Waits for a future of this storage, parking at once. A brief spin before parking was
     * measured and dropped: on a 2-core machine shared with other work, a spinning caller took the
     * core the writer needed and single-thread durable appends fell from about 2,200/s to 350/s.
     */
    private <T> T await(CompletableFuture<T> future) {
        refuseOnWriterThread();
        return WalStorage.await(future);
    }

    /** Refuses, before anything is queued, a blocking call that would wait for the thread making it. */
    private void refuseOnWriterThread() {
        if (writer.isWriterThread()) {
            throw new IllegalStateException("a blocking call on the log from its writer thread (a dependent stage of "
                    + "one of its futures) would wait for itself forever; nothing was written; use the *Async methods");
        }
    }

    /** Keeps the log within {@link StatusIndex#MAX_TARGETS} distinct targets, checked before anything is queued. */
    private void reserveTargets(List<WalEntry> entries) {
        for (WalEntry e : entries) {
            for (String target : e.targets()) {
                if (!knownTargets.contains(target)) {
                    synchronized (knownTargets) {
                        if (!knownTargets.contains(target) && knownTargets.size() >= StatusIndex.MAX_TARGETS) {
                            throw new IllegalArgumentException("a log can name at most " + StatusIndex.MAX_TARGETS
                                    + " targets; '" + target + "' would be target " + (StatusIndex.MAX_TARGETS + 1)
                                    + " after " + knownTargets);
                        }
                        knownTargets.add(target);
                    }
                }
            }
        }
    }

    /**
     * Creates {@code dir} and its missing parents, then forces the directory above each one it
     * created: a new directory's own entry is in its parent, and a power loss would take the
     * directory, and every segment forced into it since, with it.
     */
    static void createDurably(WalFileSystem fs, Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        List<Path> missing = new ArrayList<>();
        for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        fs.createDirectories(dir);
        for (Path created : missing) { // deepest first: each parent entry, up to one that existed
            if (created.getParent() != null) {
                fs.syncDirectory(created.getParent());
            }
        }
    }

    private static void closeQuietly(DirectoryLock lock, Throwable failure) {
        try {
            lock.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

}
