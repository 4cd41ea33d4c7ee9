package org.wal4j.internal;

import org.wal4j.LaneId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.testing.InMemoryWalStorage;

/** The bounded window: frontier, lane cap, skipping when stuck, refills, checkpoint bound. */
class WindowTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemoryWalStorage storage = InMemoryWalStorage.create();
    private final LanePartitions partitions = new LanePartitions(1, 2);
    // 8 entries at most, 2 per lane (max(min(8, 2), 8 / 4))
    private final Window window = new Window("t", storage, partitions, new EntryDeadlines(
            new AppendTimeline(new Timekeeper(Clock.fixed(NOW, ZoneOffset.UTC), () -> 0L), 0), new SplittableRandom(1)),
            8, 1 << 20, 2);

    private void write(String key, int count) {
        for (int i = 0; i < count; i++) {
            storage.append(WalEntry.builder("ns", "op").key(key).createdAt(NOW).targets("t").build());
        }
    }

    private List<Long> lane(String key) {
        List<Long> out = new ArrayList<>();
        Lane lane = window.lane(new LaneId("ns", key));
        if (lane != null) {
            lane.entries.forEach(p -> out.add(p.seq()));
        }
        return out;
    }

    @Test
    void normally_theFrontierStopsAtAFullLane() {
        write("hot", 20);
        write("y", 1);
        assertTrue(window.extend(storage.lastSeq(), false, NOW));
        assertEquals(List.of(1L, 2L), lane("hot"));
        assertEquals(2, window.frontier());
        assertEquals(0, window.truncatedLanes());
        assertEquals(List.of(), lane("y"));
    }

    @Test
    void whenStuck_fullLanesAreSkippedToFindOtherLanes_andRefilledInOrderLater() {
        write("hot", 20);
        write("y", 1);
        write("z", 1);
        window.extend(storage.lastSeq(), false, NOW);
        assertTrue(extendWhileStuck());
        assertEquals(List.of(1L, 2L), lane("hot"));
        assertEquals(List.of(21L), lane("y"));
        assertEquals(List.of(22L), lane("z"));
        assertEquals(22, window.frontier());
        assertEquals(1, window.truncatedLanes());
        assertEquals(4, window.held());
        assertEquals(0, window.checkpointCandidate(), "bounded by the hot lane's head");

        finish(lane("hot"));
        assertTrue(window.refillTruncated(NOW));
        assertEquals(List.of(3L, 4L), lane("hot"), "refilled right after what it held, never out of order");
        assertEquals(1, window.truncatedLanes());
        assertEquals(2, window.checkpointCandidate());
    }

    @Test
    void theWindowNeverHoldsMoreThanItsLimit() {
        for (int i = 0; i < 50; i++) {
            write("k" + i, 1);
        }
        window.extend(storage.lastSeq(), false, NOW);
        extendWhileStuck();
        assertEquals(8, window.held());
        assertEquals(8, window.frontier());
        assertFalse(window.extend(storage.lastSeq(), true, NOW), "full: nothing more is loaded");
    }

    @Test
    void aTruncatedLaneIsNoLongerTruncatedOnceRefilledUpToTheFrontier() {
        write("hot", 3);
        write("y", 1);
        extendWhileStuck();
        assertEquals(1, window.truncatedLanes());
        finish(lane("hot"));
        window.refillTruncated(NOW);
        assertEquals(List.of(3L), lane("hot"));
        assertEquals(0, window.truncatedLanes());
        assertEquals(List.of(4L), window.laneEntries(new LaneId("ns", "y"), 4).stream().map(WalEntry::seq)
                .collect(java.util.stream.Collectors.toList()));
        assertEquals(List.of(3L), window.laneEntries(new LaneId("ns", "hot"), 4).stream().map(WalEntry::seq)
                .collect(java.util.stream.Collectors.toList()));
        assertNull(window.laneEntries(new LaneId("ns", "y"), 5), "the window does not know seq 5 yet");
    }

    @Test
    void stagedEntries_areLoadedWithoutReadingTheStorage_onlyUpToTheWatermark() {
        List<WalEntry> appended = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WalEntry e = WalEntry.builder("ns", "op").key("k").createdAt(NOW).targets("t").build();
            appended.add(e.withSeq(storage.append(e)));
        }
        window.stage(new AppendedBatch(1, appended));
        window.extend(2, false, NOW);
        assertEquals(List.of(1L, 2L), lane("k"));
        assertEquals(2, window.frontier());
    }

    private long transfer(String key, String other) {
        return storage.append(WalEntry.builder("ns", "op").key(key).alsoKeys(other).createdAt(NOW).targets("t").build());
    }

    @Test
    void aMultiLaneEntry_isHeldInEachOfItsLanes_andRemovedFromAll() {
        write("a", 1);
        long x = transfer("a", "b");
        write("b", 1);
        window.extend(storage.lastSeq(), false, NOW);
        assertEquals(List.of(1L, x), lane("a"));
        assertEquals(List.of(x, 3L), lane("b"));
        assertEquals(3, window.held(), "one entry, held in two lanes");
        assertEquals(List.of(x), window.laneEntries(new LaneId("ns", "b"), x).stream().map(WalEntry::seq).toList());
        finish(List.of(1L));
        assertEquals(1, window.checkpointCandidate(), "bounded by the transfer, head of both lanes");
        window.remove(window.lane(new LaneId("ns", "b")).head());
        assertEquals(List.of(), lane("a"));
        assertEquals(List.of(3L), lane("b"));
        assertEquals(1, window.held());
        assertThrows(IllegalStateException.class, () -> window.remove(new PendingEntry(
                storage.read(x).orElseThrow(), new Lane(new LaneId("ns", "a"), 0), 1, EntryStatus.PENDING, 0, NOW, null)));
    }

    @Test
    void whenStuck_aMultiLaneEntryBehindAFullLane_isSkippedInAllItsLanes_andRefilledIntoAllAtOnce() {
        write("hot", 3); // 1..3; the lane takes 2
        long x = transfer("hot", "y"); // 4
        write("y", 1); // 5
        write("z", 1); // 6
        window.extend(storage.lastSeq(), false, NOW);
        extendWhileStuck();
        assertEquals(List.of(1L, 2L), lane("hot"));
        assertEquals(List.of(), lane("y"), "not held in y while it is not held in hot");
        assertEquals(List.of(6L), lane("z"));
        assertEquals(2, window.truncatedLanes(), "y is truncated before the transfer");
        assertEquals(0, window.checkpointCandidate());
        assertNull(window.laneEntries(new LaneId("ns", "y"), 6), "y is not known whole");

        finish(lane("hot"));
        assertTrue(window.refillTruncated(NOW));
        assertEquals(List.of(3L, x), lane("hot"));
        assertEquals(List.of(x, 5L), lane("y"));
        assertEquals(0, window.truncatedLanes());
        assertEquals(2, window.checkpointCandidate());
    }

    @Test
    void aRefill_addsAMultiLaneEntryOnlyWhenAllItsLanesCanTakeIt() {
        write("y", 2); // 1, 2: y full
        write("hot", 3); // 3..5
        long x = transfer("hot", "y"); // 6
        write("z", 1); // 7
        window.extend(storage.lastSeq(), false, NOW);
        extendWhileStuck();
        assertEquals(List.of(1L, 2L), lane("y"));
        assertEquals(List.of(3L, 4L), lane("hot"));
        assertEquals(List.of(7L), lane("z"));

        finish(lane("hot"));
        window.refillTruncated(NOW);
        assertEquals(List.of(5L), lane("hot"), "stops before the transfer: y cannot take it yet");
        assertEquals(List.of(1L, 2L), lane("y"));
        assertEquals(2, window.truncatedLanes());

        finish(lane("y"));
        window.refillTruncated(NOW);
        assertEquals(List.of(), lane("y"), "hot, not low, cannot take the transfer: y waits with it");
        assertEquals(List.of(5L), lane("hot"));
        assertEquals(2, window.checkpointCandidate(), "bounded by y's resume point");

        finish(lane("hot"));
        assertTrue(window.refillTruncated(NOW));
        assertEquals(List.of(x), lane("hot"));
        assertEquals(List.of(x), lane("y"));
        assertEquals(0, window.truncatedLanes());
        finish(List.of(x));
        assertNull(window.lane(new LaneId("ns", "y")), "an empty lane is forgotten");
        assertEquals(6, window.checkpointCandidate(), "bounded by z");
    }

    @Test
    void whenStuck_aMultiLaneEntryWithAFullSecondLane_truncatesItsEmptyFirstLane() {
        write("y", 3); // 1..3
        long x = transfer("a", "y"); // 4: a is not held yet
        write("a", 1); // 5
        window.extend(storage.lastSeq(), false, NOW);
        extendWhileStuck();
        assertEquals(List.of(), lane("a"));
        assertEquals(2, window.truncatedLanes());
        assertEquals(0, window.checkpointCandidate());
        finish(lane("y"));
        window.refillTruncated(NOW);
        assertEquals(List.of(3L, x), lane("y"));
        assertEquals(List.of(x, 5L), lane("a"));
    }

    /** As the worker does: extends again while an extension makes progress (each examines a bounded number). */
    private boolean extendWhileStuck() {
        boolean any = false;
        while (window.extend(storage.lastSeq(), true, NOW)) {
            any = true;
        }
        return any;
    }

    private void finish(List<Long> seqs) {
        List<StatusRecord> records = new ArrayList<>();
        Lane lane = null;
        for (long seq : seqs) {
            records.add(StatusRecord.of(seq, "t", EntryStatus.APPLIED, 1, NOW));
        }
        storage.appendStatus(records);
        for (long seq : seqs) {
            WalEntry e = storage.read(seq).orElseThrow();
            lane = window.lane(LaneId.of(e));
            window.remove(lane.head());
        }
    }
}
