package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.WalIOException;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusIndex;
import org.wal4j.spi.StorageState;

/**
 * Drops entries nobody needs any more from closed segments: {@code seq <= safePoint}, created
 * before the cut-off, and not tracked by the {@link StatusIndex} (terminal and compactable for
 * every target). With them go their status records and checkpoint records superseded by a later
 * one. Each affected segment is rewritten ({@link SegmentRewrite}) or, if nothing in it is left,
 * deleted with a directory fsync. The segment being written is never touched.
 *
 * <p>Order matters for crash safety: a status record is never before its entry in the log, and an
 * entry's removal must be durable before its status records' removal. A crash in between can only
 * leave status records of a dropped entry (ignored on open), never an entry without the records
 * that made it finished (it would come back as pending).
 *
 * <p>Order matters for a full disk too: deleting needs no space, rewriting does. So a run frees
 * first and writes after (RELIABILITY row 17):
 * <ol>
 *   <li><b>Free</b>: every segment in which nothing is left is deleted (directory fsync), by
 *       ascending seq, without writing a byte that needs space (the manifest marks each one first
 *       by overwriting a slot of its file in place, {@link ManifestFile}), unless one of its status records is droppable only
 *       because its entry goes with a segment of step 2 (deleting it first could leave that entry
 *       without the records that finished it, should the rewrite fail).</li>
 *   <li><b>Rewrite</b>: the other affected segments, by ascending seq, each written to a temp file
 *       first; a segment that turns out empty is deleted without one.</li>
 * </ol>
 * The first failure stops the run: what was freed stays freed (each step is durable on its own),
 * the temp file is deleted, the rest is left for the next run, and the failure is thrown to the
 * caller, saying what was done before it. A failed compaction is not a failed append: it does not
 * poison the writer, and the log stays writable.
 *
 * <p>Cost: a run reads a closed segment only if it may hold something to drop. After reading one
 * (or writing its new version) it keeps a {@link SegmentSummary} of it in memory (per entry one bit
 * for held and one for tracked, the earliest untracked entry, the range of seqs its status records
 * name, the lowest checkpoint per target); a later run skips the segment while the summary shows
 * nothing droppable, so runs that find little to do cost memory lookups rather than a rescan of
 * every closed segment. Segments closed by the writer and segments after a reopen have no summary
 * until a run reads them once.
 *
 * <p>Concurrency: decisions are made without locks; the swap of each segment happens under the
 * storage's status lock and the layout write lock, after checking again that no dropped entry was
 * re-tracked meanwhile by a requeue. Readers that hold the old version keep reading the old file.
 * One compaction at a time (the caller serializes).
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final WalFileSystem fs;
    private final SegmentSet segments;
    private final StatusIndex index;
    private final Map<String, Long> checkpoints;
    private final Object statusLock;
    private final ReentrantReadWriteLock layoutLock;
    private final LogWriter writer;
    private final AtomicLong entryCount;
    private final LineScanner scanner = new LineScanner();
    private final Manifest manifest;

    // per run
    private long base;
    private long activeFirstSeq;
    private BitSet held = new BitSet();
    private BitSet drop = new BitSet();
    /** Seqs of the segments left for the rewrite step: a status record of theirs cannot go before them. */
    private BitSet deferred = new BitSet();
    private Tally done = new Tally();

    Compactor(WalFileSystem fs, SegmentSet segments, StatusIndex index, Map<String, Long> checkpoints,
              Object statusLock, ReentrantReadWriteLock layoutLock, LogWriter writer, AtomicLong entryCount, Manifest manifest) {
        this.manifest = manifest;
        this.fs = fs;
        this.segments = segments;
        this.index = index;
        this.checkpoints = checkpoints;
        this.statusLock = statusLock;
        this.layoutLock = layoutLock;
        this.writer = writer;
        this.entryCount = entryCount;
    }

    /** @param lastSeq the last acknowledged seq: nothing above it is considered */
    CompactionResult compact(long safePoint, Instant createdBefore, long lastSeq) {
        List<SegmentFile> closed = segments.closed();
        SegmentFile active = segments.last();
        if (closed.isEmpty() || active == null) {
            return CompactionResult.NOTHING;
        }
        base = closed.get(0).firstSeq;
        activeFirstSeq = active.firstSeq;
        if (activeFirstSeq - base > Integer.MAX_VALUE) {
            throw new IllegalStateException("closed segments span " + (activeFirstSeq - base)
                    + " seqs, more than one compaction handles; compact more often");
        }
        held = new BitSet();
        drop = new BitSet();
        deferred = new BitSet();
        done = new Tally();
        long limit = Math.min(safePoint, lastSeq);
        List<Plan> toDelete = new ArrayList<>();
        List<Plan> toRewrite = new ArrayList<>();
        int skipped = 0;
        for (SegmentFile seg : closed) {
            SegmentSummary summary = seg.summary();
            if (summary != null && !summary.mayHaveDroppable(limit, createdBefore, index::isTracked, base,
                    this::droppedInRange, checkpoints)) {
                summary.forEachHeldRange((from, to) -> held.set(bit(from), bit(to)));
                skipped++;
                continue;
            }
            SegmentSummary.Builder fresh = new SegmentSummary.Builder(seg.firstSeq);
            Plan plan = decide(seg, limit, createdBefore, fresh);
            if (plan == null) {
                seg.setSummary(fresh.build());
                continue;
            }
            seg.setSummary(null); // changed below, or read again next time if that does not happen
            if (plan.empty && !plan.needsRewritesFirst) {
                toDelete.add(plan);
            } else {
                toRewrite.add(plan);
                if (plan.lastEntrySeq >= seg.firstSeq) {
                    deferred.set(bit(seg.firstSeq), bit(plan.lastEntrySeq) + 1);
                }
            }
        }
        Path dir = active.path.getParent();
        LOG.debug("Compaction of {}: {} closed segments, {} skipped by their summary, {} to delete, {} to rewrite",
                dir, closed.size(), skipped, toDelete.size(), toRewrite.size());
        boolean complete = run(toDelete) && run(toRewrite);
        if (!done.isNothing()) {
            LOG.info("Compacted {}: dropped {} entries, rewrote {} and deleted {} segments, reclaimed {} bytes{}", dir,
                    done.dropped, done.rewritten, done.deleted, done.reclaimed,
                    complete ? "" : "; stopped early, the rest is left for the next compaction");
        }
        return done.isNothing() ? CompactionResult.NOTHING
                : new CompactionResult(done.dropped, done.rewritten, done.deleted, done.reclaimed);
    }

    /**
     * Deletes or rewrites the planned segments in order.
     *
     * @return false if the run stopped early: the log closing or failing, or a requeue re-tracking an
     *         entry this run meant to drop (the plan for later segments may count on that entry going)
     * @throws WalIOException if a delete or a rewrite failed, saying what was done before
     */
    private boolean run(List<Plan> plans) {
        for (Plan plan : plans) {
            if (writer.state() != StorageState.OPEN) {
                return false; // closing or poisoned: leave the rest for the next compaction
            }
            try {
                boolean changed = plan.empty ? delete(plan) : rewrite(plan.seg);
                if (!changed) {
                    return false;
                }
            } catch (IOException e) {
                throw failed(plan.seg, e);
            }
        }
        return true;
    }

    private WalIOException failed(SegmentFile seg, IOException e) {
        String reason = IoErrors.isDiskFull(e) ? "the disk is full (" + IoErrors.describe(e) + ")"
                : IoErrors.describe(e);
        String before = done.isNothing() ? "nothing was compacted"
                : "so far " + done.deleted + " segments were deleted and " + done.rewritten + " rewritten, dropping "
                        + done.dropped + " entries and reclaiming " + done.reclaimed + " bytes";
        String message = "Compaction of " + seg.path + " failed: " + reason + "; " + before
                + "; the rest is left for the next compaction, the log is not poisoned and accepts writes";
        // not logged here: the caller gets it (the Wal logs it, the CLI prints it as its one line)
        return new WalIOException(message, e);
    }

    /**
     * Pass 1 over one segment: marks held and droppable entries. Fills {@code summary} with what it
     * read, which describes the segment if nothing can go.
     *
     * @return what to do with the segment, or null if nothing in it can go
     */
    private @Nullable Plan decide(SegmentFile seg, long limit, Instant createdBefore, SegmentSummary.Builder summary) {
        if (!seg.acquire()) {
            return null;
        }
        boolean affected = false;
        boolean keeps = false;
        boolean needsRewritesFirst = false;
        long lastEntry = seg.firstSeq - 1;
        try {
            LineReader r = new LineReader(seg.reader(), seg.dataStart, seg.end(), 1 << 16, LogReader.maxLine());
            while (r.next()) {
                LogReader.check(seg, r, scanner);
                switch (scanner.type) {
                    case LineScanner.ENTRY:
                        long seq = scanner.seq;
                        held.set(bit(seq));
                        lastEntry = seq;
                        if (index.isTracked(seq)) {
                            summary.pinnedEntry(seq);
                            keeps = true;
                            break;
                        }
                        Instant createdAt = scanner.time();
                        if (seq <= limit && createdAt.isBefore(createdBefore)) {
                            drop.set(bit(seq));
                            affected = true;
                        } else {
                            summary.freeEntry(seq, createdAt);
                            keeps = true;
                        }
                        break;
                    case LineScanner.STATUS:
                        boolean droppable = statusDroppable(scanner.seq);
                        affected |= droppable;
                        keeps |= !droppable;
                        // its entry is in an earlier segment that the rewrite step drops it from
                        needsRewritesFirst |= droppable && scanner.seq >= base && scanner.seq < seg.firstSeq
                                && deferred.get(bit(scanner.seq));
                        summary.status(scanner.seq);
                        break;
                    case LineScanner.CHECKPOINT:
                        boolean superseded = scanner.seq < checkpoints.getOrDefault(scanner.target(), 0L);
                        affected |= superseded;
                        keeps |= !superseded;
                        summary.checkpoint(scanner.target(), scanner.seq);
                        break;
                    default:
                        keeps = true;
                        break;
                }
            }
        } catch (IOException e) {
            throw new WalIOException("Compaction could not read " + seg.path + ": " + IoErrors.describe(e), e);
        } finally {
            seg.release();
        }
        return affected ? new Plan(seg, !keeps, needsRewritesFirst, lastEntry) : null;
    }

    private boolean statusDroppable(long seq) {
        if (seq >= activeFirstSeq) {
            return false;
        }
        return seq < base || !held.get(bit(seq)) || drop.get(bit(seq));
    }

    private int bit(long seq) {
        return (int) (seq - base);
    }

    /** Whether this run drops (so far in pass 1) an entry with a seq in [from, to]. */
    private boolean droppedInRange(long from, long to) {
        int next = drop.nextSetBit(bit(Math.max(from, base)));
        return next >= 0 && next <= bit(Math.min(to, activeFirstSeq - 1));
    }

    /** What a run does with one closed segment: delete it ({@code empty}: nothing in it is left) or rewrite it. */
    private record Plan(SegmentFile seg, boolean empty, boolean needsRewritesFirst, long lastEntrySeq) {
    }

    /** What a run did so far. */
    private static final class Tally {
        long dropped;
        int rewritten;
        int deleted;
        long reclaimed;

        boolean isNothing() {
            return dropped == 0 && rewritten == 0 && deleted == 0;
        }
    }

    /**
     * Deletes a segment in which nothing is left, writing nothing: no space needed.
     *
     * @return false if a requeue re-tracked one of its entries since pass 1 (the segment is kept)
     */
    private boolean delete(Plan plan) throws IOException {
        List<Long> droppedSeqs = new ArrayList<>();
        if (plan.lastEntrySeq >= plan.seg.firstSeq) {
            for (int b = drop.nextSetBit(bit(plan.seg.firstSeq)); b >= 0 && b <= bit(plan.lastEntrySeq);
                    b = drop.nextSetBit(b + 1)) {
                droppedSeqs.add(base + b);
            }
        }
        return swap(plan.seg, null, droppedSeqs, List.of(), plan.seg.firstSeq - 1);
    }

    /**
     * Pass 2: writes the segment without what can go to a temp file, then swaps it in (or deletes
     * it, if nothing turned out to be left).
     *
     * @return false if a requeue re-tracked one of its entries since pass 1 (the segment is kept)
     */
    private boolean rewrite(SegmentFile seg) throws IOException {
        if (!seg.acquire()) {
            return true; // retired meanwhile: the log is closing
        }
        List<Long> droppedSeqs = new ArrayList<>();
        List<long[]> moved = new ArrayList<>();
        SparseIndex sparse = new SparseIndex();
        long lastEntry = seg.firstSeq - 1;
        SegmentSummary.Builder summary = new SegmentSummary.Builder(seg.firstSeq);
        SegmentRewrite rw = null;
        try {
            rw = SegmentRewrite.begin(fs, seg.path);
            rw.copy(seg.reader(), 0, seg.dataStart);
            int retained = 0;
            LineReader r = new LineReader(seg.reader(), seg.dataStart, seg.end(), 1 << 16, LogReader.maxLine());
            while (r.next()) {
                LogReader.check(seg, r, scanner);
                boolean keep;
                switch (scanner.type) {
                    case LineScanner.ENTRY:
                        keep = !drop.get(bit(scanner.seq));
                        if (keep) {
                            sparse.onEntry(scanner.seq, rw.length());
                            moved.add(new long[] {scanner.seq, rw.length()});
                            lastEntry = scanner.seq;
                            if (index.isTracked(scanner.seq)) {
                                summary.pinnedEntry(scanner.seq);
                            } else {
                                summary.freeEntry(scanner.seq, scanner.time());
                            }
                        } else {
                            droppedSeqs.add(scanner.seq);
                        }
                        break;
                    case LineScanner.STATUS:
                        keep = !statusDroppable(scanner.seq);
                        if (keep) {
                            summary.status(scanner.seq);
                        }
                        break;
                    case LineScanner.CHECKPOINT:
                        keep = scanner.seq >= checkpoints.getOrDefault(scanner.target(), 0L);
                        if (keep) {
                            summary.checkpoint(scanner.target(), scanner.seq);
                        }
                        break;
                    default:
                        keep = true;
                        break;
                }
                if (keep) {
                    rw.append(r.buf(), r.start, r.end + 1);
                    retained++;
                }
            }
            if (retained > 0) {
                rw.force();
            }
            return swap(seg, retained == 0 ? null : new Rewritten(rw, sparse, summary.build()), droppedSeqs, moved,
                    lastEntry);
        } finally {
            seg.release();
            if (rw != null) {
                try {
                    rw.close(); // before the commit, this deletes the temp file
                } catch (IOException e) {
                    LOG.warn("Closing the compaction temp file of {} failed", seg.path, e);
                }
            }
        }
    }

    /** A segment's rewrite, ready to swap in: the new file, its sparse index and its summary. */
    private record Rewritten(SegmentRewrite file, SparseIndex sparse, SegmentSummary summary) {
    }

    /**
     * Installs the rewritten segment ({@code rewritten}), or deletes the segment if it is null, and
     * forgets the dropped entries. A failure after the file changed on disk (the rename or the
     * delete done, the directory fsync failed) still installs the change in memory, so readers
     * never look for the old version under the segment's name, and is then thrown.
     *
     * @return false if a dropped entry was re-tracked meanwhile: nothing done
     */
    private boolean swap(SegmentFile seg, @Nullable Rewritten rewritten, List<Long> droppedSeqs, List<long[]> moved,
                         long lastEntry) throws IOException {
        synchronized (statusLock) {
            layoutLock.writeLock().lock();
            try {
                for (long seq : droppedSeqs) {
                    if (index.isTracked(seq)) {
                        // re-tracked by a requeue since pass 1: keep the segment as it is this time; the run
                        // stops, as later segments may hold status records it needs
                        LOG.info("Compaction keeps {}: entry {} was made unfinished again while compacting", seg.path,
                                seq);
                        return false;
                    }
                }
                long before = seg.end();
                IOException afterChange = null;
                // the manifest first: after a crash it allows the segment's old and new state, never
                // lists a segment length or a deletion that did not happen as the only truth
                Manifest.Listed was = Manifest.Listed.closed(seg);
                if (rewritten == null) {
                    manifest.write(segments, new Manifest.Listed(was.name(), was.createdAt(), was.length(),
                            was.lastSeq(), -1, -1, true));
                    // out of the set first: that closes its read channel once no reader holds it, so the
                    // space comes back at the delete. If the delete fails the file stays, holding nothing
                    // to keep, and the next open finds it again.
                    segments.remove(seg);
                    fs.delete(seg.path);
                    try {
                        fs.syncDirectory(SegmentFile.directoryOf(seg.path));
                    } catch (IOException e) {
                        afterChange = e;
                    }
                    done.deleted++;
                    done.reclaimed += before;
                } else {
                    SegmentRewrite rw = rewritten.file();
                    manifest.write(segments, new Manifest.Listed(was.name(), was.createdAt(), rw.length(), lastEntry,
                            was.length(), was.lastSeq(), false));
                    try {
                        rw.commit();
                    } catch (IOException e) {
                        if (!rw.renamed()) {
                            throw e;
                        }
                        afterChange = e;
                    }
                    SegmentFile fresh = new SegmentFile(fs, seg.path, seg.id, seg.createdAt, seg.dataStart,
                            rw.length(), rewritten.sparse(), null);
                    fresh.setLastEntrySeq(lastEntry);
                    fresh.setSummary(rewritten.summary());
                    segments.replace(seg, fresh);
                    for (long[] m : moved) {
                        index.relocate(m[0], m[1]);
                    }
                    done.rewritten++;
                    done.reclaimed += before - fresh.end();
                }
                for (long seq : droppedSeqs) {
                    index.forget(seq);
                }
                entryCount.addAndGet(-droppedSeqs.size());
                done.dropped += droppedSeqs.size();
                if (afterChange != null) {
                    throw afterChange;
                }
                return true;
            } finally {
                layoutLock.writeLock().unlock();
            }
        }
    }
}
