package org.wal4j.internal;

import org.jspecify.annotations.Nullable;
import org.wal4j.LaneId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * The part of a target's backlog its worker holds in memory: at most {@code maxEntries} entries
 * (and {@code maxBytes} of payload), loaded in sequence order from the storage's index of
 * unfinished entries, or straight from the writers ({@link #stage}) when the window has caught up
 * with the log. A target may be down for hours with millions of entries waiting; only this
 * bounded prefix is ever in memory.
 *
 * <h2>The frontier</h2>
 * Every entry unfinished for the target with {@code seq <= frontier} is held, except the entries
 * of a <em>truncated</em> lane after that lane's {@code resumeAfter}. So a lane's held entries
 * always begin at its true head, and the lowest held seq bounds the target's checkpoint.
 *
 * <h2>Why lanes get truncated</h2>
 * One lane may hold at most {@code laneCap} entries. Normally the frontier stops at an entry of a
 * full lane (FIFO over the whole log is then the same as FIFO per lane). But when no held lane
 * is ready (every head backs off or waits for its delivery time) the window is <em>stuck</em>: it
 * then skips the entries of full lanes, marking them truncated, to find other lanes that can
 * proceed; so one hot lane with a failing head never blocks the lanes behind it. A truncated lane
 * is refilled, in order, from the storage when it runs low.
 *
 * <h2>Entries of several lanes</h2>
 * An entry naming several lanes ({@link WalEntry#lanes()}) is one {@link PendingEntry} held in
 * each of them, <em>all or none</em>: it is admitted only if every one of its lanes can take it;
 * otherwise (stuck) it is skipped in all of them and each of its lanes is truncated before it (a
 * lane not held yet is created empty and truncated), and a refill adds it only when all its lanes
 * are refilled up to it at once. So the frontier rule above holds lane by lane, an entry's absence
 * from a truncated lane always means it is absent from all its lanes, and no entry waits in one
 * lane for a lane that will never hold it. It is removed from all its lanes at once. Since every
 * lane is in seq order, the held entry of lowest seq is the head of each of its lanes: entries of
 * several lanes (X over A and B, Y over B and A) can never wait for each other in a cycle.
 *
 * <p>Hazard: a window full of entries that are not due (many lanes each waiting for a delivery
 * time far ahead) blocks the entries behind it until they become due; the window is bounded on
 * purpose, so this is the price of delayed delivery beyond {@code maxEntries} lanes.
 *
 * <p>Not thread-safe: confined to the worker thread.
 */
final class Window {
    enum Admit { ADDED, SKIPPED, STOP }

    private static final int PAGE = 512;

    private final String target;
    private final WalStorage storage;
    private final LanePartitions partitions;
    private final EntryDeadlines deadlines;
    private final int maxEntries;
    private final long maxBytes;
    private final int laneCap;
    private final int stagedCap;
    /**
     * A log shared by several instances: the entries of partitions not started here are another
     * instance's to apply, so the window passes over them (they bound no checkpoint of this one).
     */
    private final boolean shared;

    private final Map<LaneId, Lane> lanes = new HashMap<>();
    private final Set<Lane> truncated = Collections.newSetFromMap(new IdentityHashMap<>());
    private final TreeMap<Long, AppendedBatch> staged = new TreeMap<>();
    private int stagedEntries;
    private long frontier;
    private int held;
    private long heldBytes;

    Window(String target, WalStorage storage, LanePartitions partitions, EntryDeadlines deadlines, int maxEntries,
           long maxBytes, int maxBatchSize) {
        this.target = target;
        this.storage = storage;
        this.partitions = partitions;
        this.deadlines = deadlines;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.laneCap = Math.max(Math.min(maxEntries, maxBatchSize), maxEntries / 4);
        this.stagedCap = maxEntries;
        this.shared = storage.sharedPartitions().isPresent();
    }

    /** True for an entry of a shared log's partition this instance does not apply now. */
    private boolean notOurs(WalEntry e) {
        return shared && !partitions.get(partitions.partitionOf(LaneId.of(e))).started;
    }

    long frontier() {
        return frontier;
    }

    int held() {
        return held;
    }

    /** Keeps entries just appended, to load them without reading them back; dropped when there is no room. */
    void stage(AppendedBatch batch) {
        if (batch.lastSeq() <= frontier || stagedEntries + batch.entries().size() > stagedCap) {
            return;
        }
        staged.put(batch.firstSeq(), batch);
        stagedEntries += batch.entries().size();
    }

    /**
     * Forgets everything held (statuses changed under the window: a requeue or re-apply). Staged
     * entries go too: they were taken as PENDING when appended, which may no longer be true.
     */
    void reset() {
        staged.clear();
        stagedEntries = 0;
        lanes.clear();
        truncated.clear();
        held = 0;
        heldBytes = 0;
        frontier = 0;
        partitions.clear();
    }

    /**
     * Loads entries after the frontier, up to the {@code watermark} of acknowledged appends,
     * until the window is full or, when not {@code stuck}, a full or truncated lane is reached.
     *
     * @return true if the frontier moved or entries were added
     */
    boolean extend(long watermark, boolean stuck, Instant now) {
        long startFrontier = frontier;
        int startHeld = held;
        int examined = 0;
        while (frontier < watermark && examined < maxEntries) {
            dropStaged();
            Map.Entry<Long, AppendedBatch> first = staged.firstEntry();
            int step = first != null && first.getKey() <= frontier + 1
                    ? extendFromStaged(first.getValue(), watermark, stuck, now, maxEntries - examined)
                    : extendFromStorage(watermark, stuck, now, Math.min(PAGE, maxEntries - examined));
            if (step < 0) {
                break; // a full window or lane stopped it
            }
            examined += Math.max(step, 1);
        }
        return frontier != startFrontier || held != startHeld;
    }

    /** @return entries examined, or -1 if stopped */
    private int extendFromStaged(AppendedBatch batch, long watermark, boolean stuck, Instant now, int budget) {
        int examined = 0;
        List<WalEntry> entries = batch.entries();
        for (int i = (int) (frontier + 1 - batch.firstSeq()); i < entries.size() && examined < budget; i++) {
            WalEntry e = entries.get(i);
            if (e.seq() > watermark) {
                return examined;
            }
            if (e.targets().contains(target)) {
                examined++;
                if (admit(e, EntryStatus.PENDING, 0, null, now, stuck) == Admit.STOP) {
                    return -1;
                }
            }
            frontier = e.seq();
        }
        return examined;
    }

    /** @return entries examined, or -1 if stopped */
    private int extendFromStorage(long watermark, boolean stuck, Instant now, int limit) {
        List<TrackedEntry> page = read(() -> storage.unfinished(target, frontier, limit));
        int examined = 0;
        for (TrackedEntry t : page) {
            if (t.entry().seq() > watermark) {
                frontier = watermark; // the page went past the mark: nothing unfinished is left below it
                return examined;
            }
            examined++;
            if (notOurs(t.entry())) {
                frontier = t.entry().seq();
                continue;
            }
            if (admit(t.entry(), t.status(), t.attempts(), t.lastChangeAt(), now, stuck) == Admit.STOP) {
                return -1;
            }
            frontier = t.entry().seq();
        }
        if (page.size() < limit) {
            frontier = Math.max(frontier, watermark);
        }
        return examined;
    }

    private void dropStaged() {
        for (Map.Entry<Long, AppendedBatch> e = staged.firstEntry(); e != null && e.getValue().lastSeq() <= frontier;
             e = staged.firstEntry()) {
            staged.pollFirstEntry();
            stagedEntries -= e.getValue().entries().size();
        }
    }

    private Admit admit(WalEntry e, EntryStatus status, int attempts, @Nullable Instant lastChangeAt, Instant now,
                        boolean stuck) {
        List<LaneId> keys = e.lanes();
        boolean blocked = false;
        for (LaneId key : keys) {
            Lane lane = lanes.get(key);
            blocked |= lane != null && (lane.truncated || lane.entries.size() >= laneCap);
        }
        if (blocked) {
            if (!stuck) {
                return Admit.STOP;
            }
            for (LaneId key : keys) { // skipped in every lane: each of them is truncated before it
                truncateBefore(key, e.seq());
            }
            return Admit.SKIPPED;
        }
        long bytes = AppendChecks.utf8Length(e.payload());
        if (!hasRoom(bytes)) {
            return Admit.STOP;
        }
        List<Lane> held = new ArrayList<>(keys.size());
        for (LaneId key : keys) {
            held.add(lanes.computeIfAbsent(key, k -> new Lane(k, partitions.partitionOf(k))));
        }
        add(held, e, status, attempts, lastChangeAt, bytes, now);
        return Admit.ADDED;
    }

    /** Marks the lane of {@code key} truncated before the skipped entry {@code seq} (creating it empty if need be). */
    private void truncateBefore(LaneId key, long seq) {
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane(k, partitions.partitionOf(k)));
        if (lane.truncated) {
            return;
        }
        lane.truncated = true;
        // a lane not truncated holds every unfinished entry of its up to the frontier, which is below seq
        lane.resumeAfter = lane.entries.isEmpty() ? seq - 1 : lane.lastHeldSeq();
        truncated.add(lane);
    }

    private boolean hasRoom(long bytes) {
        return held < maxEntries && (held == 0 || heldBytes + bytes <= maxBytes);
    }

    /** Adds {@code e} at the end of each of its {@code lanes} (primary first), then files the lanes it heads. */
    private void add(List<Lane> lanes, WalEntry e, EntryStatus status, int attempts, @Nullable Instant lastChangeAt,
                     long bytes, Instant now) {
        PendingEntry p = new PendingEntry(e, lanes, bytes, status, attempts,
                deadlines.dueAt(e, attempts, lastChangeAt, now), deadlines.expiresAt(e, now));
        for (Lane lane : lanes) {
            lane.entries.addLast(p);
        }
        held++;
        heldBytes += bytes;
        for (Lane lane : lanes) {
            if (lane.head() == p) {
                partitions.schedule(lane, now);
            }
        }
    }

    /**
     * Loads the next entries of truncated lanes that run low, in one pass over the storage from
     * the lowest resume point to the frontier.
     *
     * @return true if entries were added
     */
    boolean refillTruncated(Instant now) {
        if (held >= maxEntries) {
            return false; // no room: a scan now would find entries it cannot take, again after every batch
        }
        Set<Lane> open = Collections.newSetFromMap(new IdentityHashMap<>());
        long cursor = Long.MAX_VALUE;
        for (Lane lane : truncated) {
            if (lane.entries.size() * 2 < laneCap || lane.entries.isEmpty()) {
                open.add(lane);
                cursor = Math.min(cursor, lane.resumeAfter);
            }
        }
        if (open.isEmpty()) {
            return false;
        }
        int startHeld = held;
        if (refillUpToFrontier(open, cursor, now)) {
            for (Lane lane : open) { // everything of these lanes up to the frontier is held now
                lane.truncated = false;
                truncated.remove(lane);
                if (lane.entries.isEmpty() && !lane.busy) {
                    lanes.remove(lane.key);
                }
            }
        }
        return held != startHeld;
    }

    /**
     * Scans the unfinished entries from {@code cursor} to the frontier, adding those of the
     * {@code open} lanes; a lane that cannot take its next entry (it is full, the window is, or the
     * entry also belongs to a lane not open or full) is dropped from {@code open}, and so is every
     * other open lane of that entry: none of them may pass it.
     *
     * @return true if the scan reached the frontier
     */
    private boolean refillUpToFrontier(Set<Lane> open, long cursor, Instant now) {
        while (!open.isEmpty()) {
            if (cursor >= frontier) {
                return true;
            }
            long from = cursor;
            List<TrackedEntry> page = read(() -> storage.unfinished(target, from, PAGE));
            for (TrackedEntry t : page) {
                long seq = t.entry().seq();
                if (seq > frontier) {
                    return true;
                }
                cursor = seq;
                refillOne(t, open, now);
            }
            if (page.size() < PAGE) {
                return true;
            }
        }
        return false;
    }

    /** Adds the unfinished entry {@code t}, found by a refill scan, to its lanes if all are open and can take it. */
    private void refillOne(TrackedEntry t, Set<Lane> open, Instant now) {
        long seq = t.entry().seq();
        List<LaneId> keys = t.entry().lanes();
        List<Lane> found = new ArrayList<>(keys.size());
        boolean canTake = true;
        for (LaneId key : keys) {
            Lane lane = lanes.get(key);
            if (lane != null && (!lane.truncated || seq <= lane.resumeAfter)) {
                return; // held already: held in one lane, held in all
            }
            canTake &= lane != null && open.contains(lane) && lane.entries.size() < laneCap;
            if (lane != null) {
                found.add(lane);
            }
        }
        long bytes = AppendChecks.utf8Length(t.entry().payload());
        if (!canTake || !hasRoom(bytes)) {
            found.forEach(open::remove); // each stays truncated after what it got
            return;
        }
        add(found, t.entry(), t.status(), t.attempts(), t.lastChangeAt(), bytes, now);
        for (Lane lane : found) {
            lane.resumeAfter = seq;
        }
    }

    /** Drops a finished entry (normally the head of each of its lanes) from all its lanes. */
    void remove(PendingEntry p) {
        for (Lane lane : p.lanes) {
            if (!lane.entries.remove(p)) {
                throw new IllegalStateException("entry " + p.seq() + " is not held in lane " + lane.key
                        + " of target '" + target + "'");
            }
        }
        held--;
        heldBytes -= p.bytes;
        for (Lane lane : p.lanes) {
            if (lane.entries.isEmpty() && !lane.truncated && lanes.get(lane.key) == lane) {
                lanes.remove(lane.key);
            }
        }
    }

    /**
     * The highest seq such that every seq at or below it is finished for the target, as far as
     * the window knows: below every held head, every truncated lane's resume point, and the frontier.
     */
    long checkpointCandidate() {
        long c = frontier;
        for (Lane lane : lanes.values()) {
            PendingEntry head = lane.head();
            if (head != null) {
                c = Math.min(c, head.seq() - 1);
            }
            if (lane.truncated) {
                c = Math.min(c, lane.resumeAfter);
            }
        }
        return Math.max(0, c);
    }

    /** The held lane of {@code key}, or null. */
    @Nullable Lane lane(LaneId key) {
        return lanes.get(key);
    }

    /**
     * The lane's unfinished entries with seq at or below {@code upto}, if the window knows them all
     * (the frontier has passed {@code upto} and the lane is not truncated); null otherwise.
     */
    @Nullable List<WalEntry> laneEntries(LaneId key, long upto) {
        if (frontier < upto) {
            return null;
        }
        Lane lane = lanes.get(key);
        if (lane == null) {
            return List.of();
        }
        if (lane.truncated) {
            return null;
        }
        List<WalEntry> out = new ArrayList<>();
        for (Iterator<PendingEntry> it = lane.entries.iterator(); it.hasNext(); ) {
            PendingEntry p = it.next();
            if (p.seq() > upto) {
                break;
            }
            out.add(p.entry);
        }
        return out;
    }

    /** Lanes truncated right now (for tests of the skipping logic). */
    int truncatedLanes() {
        return truncated.size();
    }

    private static <T> T read(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new StorageFailure("read", e);
        }
    }

    @Override
    public String toString() {
        return "Window{target=" + target + ", frontier=" + frontier + ", held=" + held + ", lanes=" + lanes.size()
                + ", truncated=" + truncated.size() + ", staged=" + staged.size() + '}';
    }
}
