package org.wal4j.storage.file;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.CompactionResult;
import org.wal4j.StorageState;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalIOException;
import org.wal4j.internal.StatusIndex;

/**
 * Drops entries nobody needs any more from closed segments: {@code seq <= safePoint}, created
 * before the cut-off, and not tracked by the {@link StatusIndex} (terminal and compactable for
 * every target). With them go their status records and checkpoint records superseded by a later
 * one. Each affected segment is rewritten ({@link SegmentRewrite}) or, if nothing in it is left,
 * deleted with a directory fsync. The segment being written is never touched.
 *
 * <p>Order matters for crash safety: segments are processed by ascending seq, and a status record
 * is never before its entry in the log, so an entry's removal is durable before its status
 * records' removal. A crash in between can only leave status records of a dropped entry (ignored
 * on open), never an entry without the records that made it finished (it would come back as
 * pending).
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
    private BitSet held;
    private BitSet drop;

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
        long limit = Math.min(safePoint, lastSeq);
        List<SegmentFile> affected = new ArrayList<>();
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
            if (decide(seg, limit, createdBefore, fresh)) {
                seg.setSummary(null); // rewritten below, or read again next time if that does not happen
                affected.add(seg);
            } else {
                seg.setSummary(fresh.build());
            }
        }
        LOG.debug("Compaction of {}: {} closed segments, {} skipped by their summary, {} to rewrite",
                active.path.getParent(), closed.size(), skipped, affected.size());
        long dropped = 0;
        int rewritten = 0;
        int deleted = 0;
        long reclaimed = 0;
        for (SegmentFile seg : affected) {
            if (writer.state() != StorageState.OPEN) {
                break; // closing or poisoned: leave the rest for the next compaction
            }
            long before = seg.end();
            Outcome outcome = rewrite(seg);
            dropped += outcome.dropped;
            if (outcome.deleted) {
                deleted++;
                reclaimed += before;
            } else if (outcome.fresh != null) {
                rewritten++;
                reclaimed += before - outcome.fresh.end();
            }
        }
        if (dropped > 0 || deleted > 0 || rewritten > 0) {
            LOG.info("Compacted {}: dropped {} entries, rewrote {} and deleted {} segments, reclaimed {} bytes",
                    segments.last().path.getParent(), dropped, rewritten, deleted, reclaimed);
        }
        return dropped == 0 && rewritten == 0 && deleted == 0 ? CompactionResult.NOTHING
                : new CompactionResult(dropped, rewritten, deleted, reclaimed);
    }

    /**
     * Pass 1 over one segment: marks held and droppable entries; true if anything in it can go.
     * Fills {@code summary} with what it read, which describes the segment if nothing can go.
     */
    private boolean decide(SegmentFile seg, long limit, Instant createdBefore, SegmentSummary.Builder summary) {
        if (!seg.acquire()) {
            return false;
        }
        boolean affected = false;
        try {
            LineReader r = new LineReader(seg.reader(), seg.dataStart, seg.end(), 1 << 16, LogReader.maxLine());
            while (r.next()) {
                LogReader.check(seg, r, scanner);
                switch (scanner.type) {
                    case LineScanner.ENTRY:
                        long seq = scanner.seq;
                        held.set(bit(seq));
                        if (index.isTracked(seq)) {
                            summary.pinnedEntry(seq);
                            break;
                        }
                        Instant createdAt = scanner.time();
                        if (seq <= limit && createdAt.isBefore(createdBefore)) {
                            drop.set(bit(seq));
                            affected = true;
                        } else {
                            summary.freeEntry(seq, createdAt);
                        }
                        break;
                    case LineScanner.STATUS:
                        affected |= statusDroppable(scanner.seq);
                        summary.status(scanner.seq);
                        break;
                    case LineScanner.CHECKPOINT:
                        affected |= scanner.seq < checkpoints.getOrDefault(scanner.target, 0L);
                        summary.checkpoint(scanner.target, scanner.seq);
                        break;
                    default:
                        break;
                }
            }
        } catch (IOException e) {
            throw new WalIOException("Compaction could not read " + seg.path + ": " + IoErrors.describe(e), e);
        } finally {
            seg.release();
        }
        return affected;
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

    private record Outcome(long dropped, boolean deleted, SegmentFile fresh) {
    }

    /** Pass 2: writes the segment without what can go, then swaps it in (or deletes it). */
    private Outcome rewrite(SegmentFile seg) {
        if (!seg.acquire()) {
            return new Outcome(0, false, null);
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
                        keep = scanner.seq >= checkpoints.getOrDefault(scanner.target, 0L);
                        if (keep) {
                            summary.checkpoint(scanner.target, scanner.seq);
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
            return swap(seg, rw, retained == 0, droppedSeqs, moved, sparse, lastEntry, summary.build());
        } catch (IOException e) {
            writer.poison("compacting " + seg.path, e);
            throw new WalIOException("Compaction of " + seg.path + " failed: " + IoErrors.describe(e)
                    + "; the log is poisoned until reopened", e);
        } catch (WalCorruptionException e) {
            throw e;
        } finally {
            seg.release();
            if (rw != null) {
                try {
                    rw.close();
                } catch (IOException e) {
                    LOG.warn("Closing the compaction temp file of {} failed", seg.path, e);
                }
            }
        }
    }

    private Outcome swap(SegmentFile seg, SegmentRewrite rw, boolean empty, List<Long> droppedSeqs, List<long[]> moved,
                         SparseIndex sparse, long lastEntry, SegmentSummary summary) throws IOException {
        synchronized (statusLock) {
            layoutLock.writeLock().lock();
            try {
                for (long seq : droppedSeqs) {
                    if (index.isTracked(seq)) {
                        // re-tracked by a requeue since pass 1: keep the whole segment as it is this time,
                        // and keep the status records of its entries in later segments
                        droppedSeqs.forEach(s -> drop.clear(bit(s)));
                        return new Outcome(0, false, null);
                    }
                }
                SegmentFile fresh = null;
                // the manifest first: after a crash it allows the segment's old and new state, never
                // lists a segment length or a deletion that did not happen as the only truth
                Manifest.Listed was = Manifest.Listed.closed(seg);
                if (empty) {
                    manifest.write(segments, new Manifest.Listed(was.name(), was.createdAt(), was.length(),
                            was.lastSeq(), -1, -1, true));
                    segments.remove(seg);
                    fs.delete(seg.path);
                    fs.syncDirectory(seg.path.getParent());
                } else {
                    manifest.write(segments, new Manifest.Listed(was.name(), was.createdAt(), rw.length(), lastEntry,
                            was.length(), was.lastSeq(), false));
                    rw.commit();
                    fresh = new SegmentFile(fs, seg.path, seg.id, seg.createdAt, seg.dataStart, rw.length(),
                            sparse, null);
                    fresh.setLastEntrySeq(lastEntry);
                    fresh.setSummary(summary);
                    segments.replace(seg, fresh);
                    for (long[] m : moved) {
                        index.relocate(m[0], m[1]);
                    }
                }
                for (long seq : droppedSeqs) {
                    index.forget(seq);
                }
                entryCount.addAndGet(-droppedSeqs.size());
                return new Outcome(droppedSeqs.size(), empty, fresh);
            } finally {
                layoutLock.writeLock().unlock();
            }
        }
    }
}
