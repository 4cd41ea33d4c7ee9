package org.wal4j.internal;

import java.time.Instant;
import org.wal4j.LaneId;
import org.wal4j.spi.ApplyPartitions;

/**
 * A target's apply partitions, and the routing of each lane to its partition's
 * {@link LaneScheduler}: a lane belongs to partition {@link ApplyPartitions#of}{@code (key, count)}
 * for good ({@link Lane#partition}), so all of its entries are scheduled, batched and applied by
 * that one partition, which keeps the lane's order while the partitions apply side by side. An
 * entry of several lanes is applied by the partition of its primary lane ({@link PendingEntry#lane});
 * its other lanes, wherever they belong, are busy meanwhile (see {@link LaneScheduler}).
 *
 * <p>Not thread-safe: confined to the target's worker thread.
 */
final class LanePartitions {
    private final ApplyPartition[] partitions;

    /** {@code count} partitions, each starting with batches of {@code batchLimit}. */
    LanePartitions(int count, int batchLimit) {
        partitions = new ApplyPartition[count];
        for (int p = 0; p < count; p++) {
            partitions[p] = new ApplyPartition(p, batchLimit);
        }
    }

    int count() {
        return partitions.length;
    }

    ApplyPartition get(int partition) {
        return partitions[partition];
    }

    /** The partition a lane of {@code key} belongs to. */
    int partitionOf(LaneId key) {
        return ApplyPartitions.of(key, partitions.length);
    }

    /**
     * Files {@code lane} with its partition's scheduler ({@link LaneScheduler#schedule}); if its
     * head is an entry of several lanes whose primary lane is another, that primary lane is filed
     * instead (in its own partition), since the head may just have become the head of all its lanes.
     */
    void schedule(Lane lane, Instant now) {
        partitions[lane.partition].scheduler.schedule(lane, now);
        PendingEntry head = lane.head();
        if (head != null && head.lane != lane && !head.lane.busy) {
            partitions[head.lane.partition].scheduler.schedule(head.lane, now);
        }
    }

    /** A lane of a finished batch: no longer busy, filed by its new head as {@link #schedule} files it. */
    void release(Lane lane, Instant now) {
        lane.busy = false;
        schedule(lane, now);
    }

    /** Forgets every lane of every partition (the window is being rebuilt). */
    void clear() {
        for (ApplyPartition p : partitions) {
            p.scheduler.clear();
        }
    }
}
