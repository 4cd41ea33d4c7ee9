package org.wal4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wal4j.NamespaceStats;
import org.wal4j.WalEntry;

class NamespaceBacklogTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final NamespaceBacklog backlog = new NamespaceBacklog();

    private static WalEntry entry(String namespace, Instant createdAt) {
        return WalEntry.builder(namespace, "op").createdAt(createdAt).payloadJson("{}").build();
    }

    @Test
    void figures_countPerNamespace_inNameOrder_andTheLagIsTheOldestEntrysAge() {
        backlog.add(entry("payments", T0.plusMillis(200)), T0.plusMillis(200), Duration.ZERO);
        backlog.add(entry("orders", T0.plusMillis(300)), T0.plusMillis(300), Duration.ZERO);
        backlog.add(entry("orders", T0.plusMillis(2500)), T0.plusMillis(2500), Duration.ZERO);

        Map<String, NamespaceStats> figures = backlog.figures(T0.plusSeconds(10));

        assertEquals(List.of("orders", "payments"), List.copyOf(figures.keySet()));
        assertEquals(new NamespaceFigures("orders", 2, 9.7), figures.get("orders"));
        assertEquals(new NamespaceFigures("payments", 1, 9.8), figures.get("payments"));
        assertEquals(9.8, backlog.lagSeconds(T0.plusSeconds(10)));
    }

    @Test
    void remove_takesTheEntryFromItsCohort_andAnEmptyNamespaceStaysWithZeros() {
        WalEntry first = entry("orders", T0.plusMillis(100));
        WalEntry second = entry("orders", T0.plusMillis(1100));
        backlog.add(first, T0.plusMillis(100), Duration.ZERO);
        backlog.add(second, T0.plusMillis(1100), Duration.ZERO);

        backlog.remove(first);
        assertEquals(new NamespaceFigures("orders", 1, 8.9), backlog.figures(T0.plusSeconds(10)).get("orders"));

        backlog.remove(second);
        assertEquals(new NamespaceFigures("orders", 0, 0), backlog.figures(T0.plusSeconds(10)).get("orders"));
        assertEquals(0, backlog.lagSeconds(T0.plusSeconds(10)));
    }

    @Test
    void lag_readsAtMostOneSecondHigh_whenTheOldestOfItsSecondFinishedFirst() {
        WalEntry oldest = entry("orders", T0.plusMillis(100));
        backlog.add(oldest, T0.plusMillis(100), Duration.ZERO);
        backlog.add(entry("orders", T0.plusMillis(900)), T0.plusMillis(900), Duration.ZERO);

        backlog.remove(oldest);

        // the waiting entry is 9.1 s old; its cohort remembers the earlier 9.9 s
        double lag = backlog.lagSeconds(T0.plusSeconds(10));
        assertEquals(9.9, lag);
    }

    @Test
    void remove_ofAnEntryNeverCounted_changesNothing() {
        backlog.add(entry("orders", T0), T0, Duration.ZERO);

        backlog.remove(entry("payments", T0));
        backlog.remove(entry("orders", T0.plusSeconds(5)));

        assertEquals(Map.of("orders", new NamespaceFigures("orders", 1, 10)), backlog.figures(T0.plusSeconds(10)));
    }

    @Test
    void lag_isTheTimeSinceCounted_forAnEntryStampedAhead_andReadsItsCreationOnTheEngineTimeline() {
        // stamped by a wall clock a day ahead of the engine timeline: waited since it was counted
        backlog.add(entry("ahead", T0.plus(Duration.ofDays(1))), T0, Duration.ZERO);
        // stamped while the wall clock stood a day ahead (offset): created at engine time T0
        backlog.add(entry("stepped", T0.plus(Duration.ofDays(1))), T0, Duration.ofDays(1));
        // stamped a day before it was counted: a day old
        backlog.add(entry("old", T0.minus(Duration.ofDays(1))), T0, Duration.ZERO);

        Map<String, NamespaceStats> figures = backlog.figures(T0.plusSeconds(5));

        assertEquals(5, figures.get("ahead").lagSeconds());
        assertEquals(5, figures.get("stepped").lagSeconds());
        assertEquals(Duration.ofDays(1).toSeconds() + 5, figures.get("old").lagSeconds());
    }

    @Test
    void lag_isTheLargestAgeOfAnyCohort_notOnlyTheEarliestStampedOne() {
        // a later createdAt, but counted long before: after a wall-clock step back it sorts last
        backlog.add(entry("orders", T0.plusSeconds(100)), T0, Duration.ofSeconds(100));
        backlog.add(entry("orders", T0.plusSeconds(50)), T0.plusSeconds(50), Duration.ZERO);

        assertEquals(60, backlog.lagSeconds(T0.plusSeconds(60)));
    }

    @Test
    void lag_isNeverNegative_forAnEntryCountedInTheFuture() {
        backlog.add(entry("orders", T0.plusSeconds(30)), T0.plusSeconds(30), Duration.ZERO);

        assertEquals(0, backlog.lagSeconds(T0));
    }
}
