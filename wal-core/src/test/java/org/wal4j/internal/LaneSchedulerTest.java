package org.wal4j.internal;

import org.wal4j.LaneId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
import org.wal4j.WalEntry;

class LaneSchedulerTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final LaneScheduler scheduler = new LaneScheduler();
    private long seq;

    private PendingEntry add(Lane lane, Priority priority, Instant dueAt, Duration ttl) {
        WalEntry e = WalEntry.builder("ns", "op").key(lane.key.key()).createdAt(NOW).targets("t")
                .lifecycle(Lifecycle.builder().priority(priority).ttl(ttl).build()).build().withSeq(++seq);
        PendingEntry p = new PendingEntry(e, lane, 1, EntryStatus.PENDING, 0, dueAt,
                e.lifecycle().expiresAt(e.createdAt()).orElse(null));
        lane.entries.addLast(p);
        return p;
    }

    private static Lane lane(String key) {
        return new Lane(new LaneId("ns", key), 0);
    }

    private static List<Long> seqs(List<PendingEntry> batch) {
        List<Long> out = new ArrayList<>();
        batch.forEach(p -> out.add(p.seq()));
        return out;
    }

    @Test
    void serves_highBeforeNormalBeforeLow_oneClassPerBatch_oldestHeadFirst() {
        Lane low = lane("low");
        Lane normal = lane("normal");
        Lane high1 = lane("high1");
        Lane high2 = lane("high2");
        add(low, Priority.LOW, NOW, null);          // 1
        add(normal, Priority.NORMAL, NOW, null);    // 2
        add(high2, Priority.HIGH, NOW, null);       // 3
        add(high1, Priority.HIGH, NOW, null);       // 4
        List.of(low, normal, high1, high2).forEach(l -> scheduler.schedule(l, NOW));
        assertEquals(List.of(3L, 4L), seqs(scheduler.selectBatch(NOW, 10)));
        assertEquals(List.of(2L), seqs(scheduler.selectBatch(NOW, 10)));
        assertEquals(List.of(1L), seqs(scheduler.selectBatch(NOW, 10)));
        assertTrue(scheduler.selectBatch(NOW, 10).isEmpty(), "busy lanes are not served twice");
    }

    @Test
    void neverLooksPastAHeadThatIsNotDue() {
        Lane a = lane("a");
        add(a, Priority.NORMAL, NOW.plusSeconds(10), null);
        add(a, Priority.NORMAL, NOW, null);
        scheduler.schedule(a, NOW);
        assertTrue(scheduler.selectBatch(NOW, 10).isEmpty());
        assertEquals(NOW.plusSeconds(10), scheduler.nextWakeAt());
        assertEquals(List.of(1L, 2L), seqs(scheduler.selectBatch(NOW.plusSeconds(10), 10)));
    }

    @Test
    void boostedLanesComeFirst_andExpiredHeadsAreReported() {
        Lane a = lane("a");
        Lane b = lane("b");
        add(a, Priority.HIGH, NOW, null);
        add(b, Priority.LOW, NOW, Duration.ofSeconds(5));
        b.boostThrough = 2;
        scheduler.schedule(a, NOW);
        scheduler.schedule(b, NOW);
        assertEquals(NOW.plusSeconds(5), scheduler.nextWakeAt());
        assertEquals(List.of(b), scheduler.expiredHeads(NOW.plusSeconds(5)));
        assertEquals(List.of(2L), seqs(scheduler.selectBatch(NOW, 10)));
        assertEquals(List.of(1L), seqs(scheduler.selectBatch(NOW, 10)));
    }

    @Test
    void aBatchTakesConsecutiveEntriesOfALaneUpToTheLimit() {
        Lane a = lane("a");
        Lane b = lane("b");
        add(a, Priority.NORMAL, NOW, null);
        add(a, Priority.NORMAL, NOW, null);
        add(b, Priority.NORMAL, NOW, null);
        add(a, Priority.NORMAL, NOW, null);
        scheduler.schedule(a, NOW);
        scheduler.schedule(b, NOW);
        assertEquals(List.of(1L, 2L, 4L), seqs(scheduler.selectBatch(NOW, 3)));
        a.entries.clear(); // applied
        scheduler.release(a, NOW);
        assertEquals(List.of(3L), seqs(scheduler.selectBatch(NOW, 3)));
    }
    @Test
    void aBatchStopsAtTheFirstEntryOfALaneThatIsNotDue() {
        Lane a = lane("a");
        add(a, Priority.NORMAL, NOW, null);
        add(a, Priority.NORMAL, NOW.plusSeconds(60), null);
        add(a, Priority.NORMAL, NOW, null);
        scheduler.schedule(a, NOW);
        assertEquals(List.of(1L), seqs(scheduler.selectBatch(NOW, 10)));
    }
}
