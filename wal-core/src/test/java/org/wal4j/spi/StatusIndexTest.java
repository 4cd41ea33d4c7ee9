package org.wal4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;

class StatusIndexTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static StatusRecord status(long seq, String target, EntryStatus status, int attempts) {
        return new StatusRecord(seq, target, status, attempts, T, status == EntryStatus.DEAD ? "boom" : null);
    }

    @Test
    void newEntryIsPendingForEachTarget() {
        StatusIndex index = new StatusIndex();
        index.add(1, 100, List.of("primary", "replica"));

        assertEquals(Optional.of(EntryStatus.PENDING), index.trackedStatus(1, "primary"));
        assertEquals(Optional.of(EntryStatus.PENDING), index.trackedStatus(1, "replica"));
        assertEquals(Optional.empty(), index.trackedStatus(1, "other"));
        assertEquals(1, index.unfinishedCount());
        assertEquals(Map.of("primary", 1L, "replica", 1L), index.pendingByTarget());
        assertEquals(100, index.locator(1));
    }

    @Test
    void entryStopsBeingTrackedWhenEveryTargetApplied() {
        StatusIndex index = new StatusIndex();
        index.add(1, 0, List.of("primary", "replica"));

        index.apply(status(1, "primary", EntryStatus.APPLIED, 1));
        assertTrue(index.isTracked(1));
        assertEquals(Optional.of(EntryStatus.APPLIED), index.trackedStatus(1, "primary"));
        assertEquals(List.of(), index.unfinished("primary", 0, 10));

        index.apply(status(1, "replica", EntryStatus.APPLIED, 1));
        assertFalse(index.isTracked(1));
        assertEquals(0, index.unfinishedCount());
        assertEquals(EntryStatus.APPLIED, index.untrackedStatus(1, "replica"));
    }

    @Test
    void rejectedEntry_isFinished_rememberedWhileHeld_andCountedPerTarget() {
        StatusIndex index = new StatusIndex();
        index.add(1, 0, List.of("primary", "replica"));
        index.add(2, 0, List.of("primary"));

        index.apply(status(1, "primary", EntryStatus.REJECTED, 1));
        assertEquals(Optional.of(EntryStatus.REJECTED), index.trackedStatus(1, "primary"));
        assertEquals(List.of(2L), index.unfinished("primary", 0, 10).stream().map(StatusIndex.State::seq).toList(),
                "a rejected entry is not unfinished");
        assertEquals(List.of(), index.deadLetters("primary", 0, 10), "nor a dead letter");
        index.apply(status(1, "replica", EntryStatus.APPLIED, 1));
        assertFalse(index.isTracked(1));
        assertEquals(EntryStatus.REJECTED, index.untrackedStatus(1, "primary"));
        assertEquals(EntryStatus.APPLIED, index.untrackedStatus(1, "replica"));
        assertTrue(index.apply(status(2, "primary", EntryStatus.REJECTED, 1)));
        assertFalse(index.isTracked(2), "finished for its only target");
        assertEquals(0, index.unfinishedCount());

        assertEquals(2, index.untrackedCount("primary", EntryStatus.REJECTED));
        assertEquals(0, index.untrackedCount("replica", EntryStatus.REJECTED));
        assertEquals(0, index.untrackedCount("nobody", EntryStatus.REJECTED));
        index.forget(1);
        assertEquals(1, index.untrackedCount("primary", EntryStatus.REJECTED));
        assertFalse(index.apply(status(9, "primary", EntryStatus.REJECTED, 1)), "an entry no longer tracked");
        assertEquals(EntryStatus.REJECTED, index.untrackedStatus(9, "primary"));
    }

    @Test
    void retryingKeepsAttemptsAndReason() {
        StatusIndex index = new StatusIndex();
        index.add(7, 0, List.of("primary"));
        index.apply(new StatusRecord(7, "primary", EntryStatus.RETRYING, 3, T, "connection refused"));

        StatusIndex.State state = index.unfinished("primary", 0, 10).get(0);
        assertEquals(new StatusIndex.State(7, 0, "primary", EntryStatus.RETRYING, 3, T, "connection refused"), state);
    }

    @Test
    void deadEntryStaysTrackedUntilRequeuedAndApplied() {
        StatusIndex index = new StatusIndex();
        index.add(1, 0, List.of("primary"));
        index.apply(status(1, "primary", EntryStatus.DEAD, 10));

        assertTrue(index.isTracked(1));
        assertEquals(List.of(), index.unfinished("primary", 0, 10));
        assertEquals(1, index.deadLetters("primary", 0, 10).size());
        assertEquals("boom", index.deadLetters(null, 0, 10).get(0).reason());
        assertEquals(1, index.deadLetterCount());

        index.apply(status(1, "primary", EntryStatus.PENDING, 0));
        assertEquals(0, index.deadLetterCount());
        assertEquals(EntryStatus.PENDING, index.unfinished("primary", 0, 10).get(0).status());

        index.apply(status(1, "primary", EntryStatus.APPLIED, 1));
        assertFalse(index.isTracked(1));
    }

    @Test
    void discardedEntryIsRememberedAfterItStopsBeingTracked() {
        StatusIndex index = new StatusIndex();
        index.add(1, 0, List.of("primary"));
        index.apply(status(1, "primary", EntryStatus.DEAD, 2));
        index.apply(status(1, "primary", EntryStatus.DISCARDED, 2));

        assertFalse(index.isTracked(1));
        assertEquals(EntryStatus.DISCARDED, index.untrackedStatus(1, "primary"));
        index.forget(1);
        assertEquals(EntryStatus.APPLIED, index.untrackedStatus(1, "primary"));
    }

    @Test
    void retrackBringsBackAnExpiredEntry() {
        StatusIndex index = new StatusIndex();
        index.add(1, 11, List.of("primary"));
        index.add(2, 22, List.of("primary"));
        index.add(3, 33, List.of("primary"));
        index.apply(status(2, "primary", EntryStatus.EXPIRED, 0));
        assertFalse(index.isTracked(2));

        assertFalse(index.apply(status(2, "primary", EntryStatus.PENDING, 0)));
        index.retrack(2, 22, List.of("primary"), status(2, "primary", EntryStatus.PENDING, 0));

        assertEquals(List.of(1L, 2L, 3L), seqs(index.unfinished("primary", 0, 10)));
        assertEquals(22, index.locator(2));
        assertEquals(3, index.unfinishedCount());
    }

    @Test
    void statusForTargetNotNamedIsRejected() {
        StatusIndex index = new StatusIndex();
        index.add(1, 0, List.of("primary"));
        index.add(2, 0, List.of("replica"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> index.apply(status(1, "replica", EntryStatus.APPLIED, 1)));
        assertEquals("entry 1 does not name target 'replica'", e.getMessage());
    }

    @Test
    void seqsMustIncrease() {
        StatusIndex index = new StatusIndex();
        index.add(5, 0, List.of("primary"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.add(5, 0, List.of("primary")));
        assertEquals("seq 5 added after 5", e.getMessage());
    }

    @Test
    void atMost32Targets() {
        StatusIndex index = new StatusIndex();
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < StatusIndex.MAX_TARGETS; i++) {
            targets.add("t" + i);
        }
        index.add(1, 0, targets);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> index.add(2, 0, List.of("one-too-many")));
        assertTrue(e.getMessage().startsWith("a log can name at most 32 targets; 'one-too-many' would be target 33"),
                e.getMessage());
    }

    @Test
    void unfinishedPagesByAfterSeqAndLimit() {
        StatusIndex index = new StatusIndex();
        for (long seq = 1; seq <= 10; seq++) {
            index.add(seq, seq * 10, List.of(seq % 2 == 0 ? "even" : "odd"));
        }
        assertEquals(List.of(2L, 4L), seqs(index.unfinished("even", 0, 2)));
        assertEquals(List.of(6L, 8L, 10L), seqs(index.unfinished("even", 4, 100)));
        assertEquals(List.of(), index.unfinished("missing", 0, 100));
    }

    @Test
    void manyFinishedEntriesAreSqueezedOutKeepingTheRest() {
        StatusIndex index = new StatusIndex();
        for (long seq = 1; seq <= 10_000; seq++) {
            index.add(seq, seq, List.of("primary"));
        }
        for (long seq = 1; seq <= 10_000; seq++) {
            if (seq % 100 != 0) {
                index.apply(status(seq, "primary", EntryStatus.APPLIED, 1));
            }
        }
        List<StatusIndex.State> left = index.unfinished("primary", 0, 1000);
        assertEquals(100, left.size());
        assertEquals(100, left.get(0).seq());
        assertEquals(10_000, left.get(99).locator());
        assertEquals(100, index.unfinishedCount());
    }

    /** The index against a plain map model, over random status changes. */
    @Property(tries = 200)
    void matchesAModel(@ForAll("changes") List<long[]> changes) {
        StatusIndex index = new StatusIndex();
        List<String> targets = List.of("a", "b");
        Map<Long, Map<String, EntryStatus>> model = new HashMap<>();
        for (long seq = 1; seq <= 20; seq++) {
            index.add(seq, seq, targets);
            model.put(seq, new HashMap<>(Map.of("a", EntryStatus.PENDING, "b", EntryStatus.PENDING)));
        }
        for (long[] change : changes) {
            long seq = change[0];
            String target = targets.get((int) change[1]);
            EntryStatus status = EntryStatus.values()[(int) change[2]];
            StatusRecord record = status(seq, target, status, 1);
            if (!index.apply(record) && (!status.isTerminal() || status == EntryStatus.DEAD)) {
                index.retrack(seq, seq, targets, record);
            }
            model.get(seq).put(target, status);
        }
        long unfinished = 0;
        for (long s = 1; s <= 20; s++) {
            final long seq = s;
            boolean tracked = false;
            for (String target : targets) {
                EntryStatus expected = model.get(seq).get(target);
                EntryStatus actual = index.trackedStatus(seq, target).orElseGet(() -> index.untrackedStatus(seq, target));
                assertEquals(expected, actual, "seq " + seq + " target " + target);
                tracked |= !expected.isCompactable();
            }
            assertEquals(tracked, index.isTracked(seq), "tracked seq " + seq);
            unfinished += tracked ? 1 : 0;
        }
        assertEquals(unfinished, index.unfinishedCount());
        for (String target : targets) {
            long pending = model.values().stream().filter(m -> !m.get(target).isTerminal()).count();
            assertEquals(pending, index.pendingByTarget().get(target));
            assertEquals(pending, index.unfinished(target, 0, 100).size());
        }
        long dead = model.values().stream().flatMap(m -> m.values().stream()).filter(s -> s == EntryStatus.DEAD).count();
        assertEquals(dead, index.deadLetterCount());
    }

    @Provide
    Arbitrary<List<long[]>> changes() {
        Arbitrary<long[]> change = Combinators.combine(
                Arbitraries.longs().between(1, 20), Arbitraries.longs().between(0, 1),
                Arbitraries.longs().between(0, EntryStatus.values().length - 1))
                .as((seq, target, status) -> new long[] {seq, target, status});
        return change.list().ofMaxSize(200);
    }

    private static List<Long> seqs(List<StatusIndex.State> states) {
        return states.stream().map(StatusIndex.State::seq).toList();
    }
}
