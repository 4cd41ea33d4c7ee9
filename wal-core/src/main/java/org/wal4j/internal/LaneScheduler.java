package org.wal4j.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.wal4j.Priority;

/**
 * Decides which lanes a target's worker serves next. A lane is filed by its head entry only:
 * FIFO within a lane is kept by never looking past a head that is not ready.
 *
 * <pre>
 *   boosted   lanes flushLane asked for, head due          served first
 *   ready[p]  lanes whose head is due, per priority p      HIGH, then NORMAL, then LOW;
 *                                                           oldest head first within one
 *   waiting   lanes whose head is not due yet              by due time
 *   expiring  lanes whose head has a time to live          by expiry time
 * </pre>
 *
 * A lane in a batch being applied is {@link Lane#busy} and in no set; the worker files it again
 * when the batch's outcome is known. A batch holds entries of one priority only (or boosted
 * lanes only), so a HIGH entry never waits in a transaction behind NORMAL ones.
 *
 * <p><b>Entries of several lanes.</b> Such an entry is filed under its primary lane
 * ({@link PendingEntry#lane}) only, and only while it is the head of every one of its lanes and none
 * of them is busy ({@link PendingEntry#atHeadOfEveryLane}); a lane whose head belongs to another
 * primary lane is filed nowhere ({@link LanePartitions#schedule} files that primary lane instead).
 * A batch takes such an entry only as the first of its lane's run, so that a later entry of
 * several lanes never overtakes the earlier entries of its other lanes, and makes all its lanes
 * busy. So no lane is ever in two calls, whatever the partitions of the entry's lanes: the worker
 * is the only thread that files and selects.
 *
 * <p>Invariants: a lane is in at most one of boosted/ready/waiting, and in expiring iff its head
 * has a time to live; its {@code sched*} fields are the keys it is filed under; a filed lane's head
 * is at the head of every one of its lanes.
 *
 * <p>Not thread-safe: confined to the worker thread.
 */
final class LaneScheduler {
    private static final Comparator<Lane> BY_HEAD = Comparator.comparingLong(l -> l.schedSeq);
    private static final Comparator<Lane> BY_DUE =
            Comparator.<Lane, Instant>comparing(l -> l.schedDue).thenComparingLong(l -> l.schedSeq);
    private static final Comparator<Lane> BY_EXPIRY =
            Comparator.<Lane, Instant>comparing(l -> l.schedExpiry).thenComparingLong(l -> l.schedSeq);

    private final TreeSet<Lane> boosted = new TreeSet<>(BY_HEAD);
    private final Map<Priority, TreeSet<Lane>> ready = new EnumMap<>(Priority.class);
    private final TreeSet<Lane> waiting = new TreeSet<>(BY_DUE);
    private final TreeSet<Lane> expiring = new TreeSet<>(BY_EXPIRY);

    LaneScheduler() {
        for (Priority p : Priority.values()) {
            ready.put(p, new TreeSet<>(BY_HEAD));
        }
    }

    /** Files {@code lane} by its current head (or drops it from every set if it is empty or busy). */
    void schedule(Lane lane, Instant now) {
        unschedule(lane);
        PendingEntry head = lane.head();
        if (head == null || lane.busy || (head.multiLane() && (head.lane != lane || !head.atHeadOfEveryLane()))) {
            return;
        }
        lane.schedSeq = head.seq();
        lane.schedDue = head.dueAt;
        lane.schedPriority = head.priority();
        lane.schedExpiry = head.expiresAt;
        lane.schedBoosted = head.boosted();
        if (head.isDue(now)) {
            readySet(lane).add(lane);
            lane.inReady = true;
        } else {
            waiting.add(lane);
            lane.inWaiting = true;
        }
        if (lane.schedExpiry != null) {
            expiring.add(lane);
            lane.inExpiring = true;
        }
    }

    /** Removes {@code lane} from every set. */
    void unschedule(Lane lane) {
        if (lane.inReady) {
            readySet(lane).remove(lane);
            lane.inReady = false;
        }
        if (lane.inWaiting) {
            waiting.remove(lane);
            lane.inWaiting = false;
        }
        if (lane.inExpiring) {
            expiring.remove(lane);
            lane.inExpiring = false;
        }
    }

    private NavigableSet<Lane> readySet(Lane lane) {
        return lane.schedBoosted ? boosted
                : readyAt(Objects.requireNonNull(lane.schedPriority, "a filed lane has a priority"));
    }

    /** The ready set of priority {@code p}: the constructor made one for every priority. */
    private NavigableSet<Lane> readyAt(Priority p) {
        return Objects.requireNonNull(ready.get(p));
    }

    /** Moves lanes whose head became due to the ready sets. */
    void promoteDue(Instant now) {
        while (!waiting.isEmpty()
                && !Objects.requireNonNull(waiting.first().schedDue, "a filed lane has a due time").isAfter(now)) {
            Lane lane = waiting.pollFirst();
            lane.inWaiting = false;
            readySet(lane).add(lane);
            lane.inReady = true;
        }
    }

    /** Number of lanes whose head is due (after {@link #promoteDue}). */
    int readyLanes() {
        int n = boosted.size();
        for (TreeSet<Lane> set : ready.values()) {
            n += set.size();
        }
        return n;
    }

    /**
     * Takes the next batch: from the boosted lanes if any, otherwise from the highest priority
     * with a ready lane, oldest head first, each lane contributing its consecutive due,
     * unexpired entries of that priority (an entry of several lanes only as the first). The lanes
     * taken, and every lane of an entry taken, become {@link Lane#busy}.
     *
     * @return the batch in sequence order; empty when no lane is ready
     */
    List<PendingEntry> selectBatch(Instant now, int limit) {
        promoteDue(now);
        NavigableSet<Lane> source = boosted.isEmpty() ? null : boosted;
        Priority only = null;
        for (Priority p : Priority.values()) {
            if (source == null && !readyAt(p).isEmpty()) {
                source = readyAt(p);
                only = p;
            }
        }
        List<PendingEntry> batch = new ArrayList<>();
        if (source == null) {
            return batch;
        }
        List<Lane> notTaken = new ArrayList<>();
        while (batch.size() < limit && !source.isEmpty()) {
            Lane lane = source.first();
            unschedule(lane);
            int before = batch.size();
            for (PendingEntry p : lane.entries) {
                if (batch.size() >= limit || !p.isDue(now) || p.isExpired(now) || (only != null && p.priority() != only)
                        || (p.multiLane() && batch.size() > before)) {
                    break; // an entry of several lanes waits to be the head of all of them
                }
                batch.add(p);
            }
            if (batch.size() == before) {
                notTaken.add(lane); // head expired at this instant: the worker expires it next round
            } else {
                lane.busy = true;
                for (Lane other : batch.get(before).lanes) {
                    // filed nowhere: their head is this entry, which is filed under its primary lane
                    assert other == lane || !(other.inReady || other.inWaiting) : other + " is filed";
                    other.busy = true;
                }
            }
        }
        for (Lane lane : notTaken) {
            schedule(lane, now);
        }
        batch.sort(Comparator.comparingLong(PendingEntry::seq));
        return batch;
    }

    /** A lane of a finished batch: no longer busy, filed by its new head. */
    void release(Lane lane, Instant now) {
        lane.busy = false;
        schedule(lane, now);
    }

    /** Lanes (not busy) whose head's time to live has ended. */
    List<Lane> expiredHeads(Instant now) {
        List<Lane> out = new ArrayList<>();
        for (Lane lane : expiring) {
            if (Objects.requireNonNull(lane.schedExpiry, "an expiring lane has an expiry").isAfter(now)) {
                break;
            }
            out.add(lane);
        }
        return out;
    }

    /** The earliest time a waiting head becomes due or a head expires; null if none. */
    @Nullable Instant nextWakeAt() {
        Instant due = waiting.isEmpty() ? null : waiting.first().schedDue;
        Instant expiry = expiring.isEmpty() ? null : expiring.first().schedExpiry;
        return Timekeeper.earliest(due, expiry);
    }

    /** Forgets every lane (the window is being rebuilt). */
    void clear() {
        boosted.clear();
        ready.values().forEach(TreeSet::clear);
        waiting.clear();
        expiring.clear();
    }
}
