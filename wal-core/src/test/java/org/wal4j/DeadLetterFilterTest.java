package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each criterion of a dead-letter filter alone decides; the time window is [from, before). */
class DeadLetterFilterTest {
    private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");

    private static DeadLetter letter(String namespace, String tenant, String target, Instant deadAt, String reason) {
        WalEntry entry = WalEntry.builder(namespace, "charge").tenantId(tenant).payloadJson("{}").build();
        return new DeadLetter(entry, target, 3, deadAt, reason);
    }

    private static final DeadLetter CARD_DECLINED = letter("payments", "acme", "primary", NOON, "card declined");

    @Test
    void all_matchesEveryLetter_evenOneWithoutReasonOrTime() {
        assertTrue(DeadLetterFilter.all().matches(CARD_DECLINED));
        assertTrue(DeadLetterFilter.all().matches(letter("payments", null, "primary", null, null)));
    }

    @Test
    void eachCriterion_rejectsALetterThatMissesIt() {
        assertFalse(DeadLetterFilter.builder().namespace("orders").build().matches(CARD_DECLINED));
        assertFalse(DeadLetterFilter.builder().target("replica").build().matches(CARD_DECLINED));
        assertFalse(DeadLetterFilter.builder().reasonContains("timeout").build().matches(CARD_DECLINED));
        assertFalse(DeadLetterFilter.builder().reasonContains("declined").build()
                .matches(letter("payments", "acme", "primary", NOON, null)), "no reason contains nothing");
        assertFalse(DeadLetterFilter.builder().tenantId("globex").build().matches(CARD_DECLINED));

        DeadLetterFilter all = DeadLetterFilter.builder().namespace("payments").target("primary")
                .reasonContains("declined").tenantId("acme").deadBetween(NOON, NOON.plusSeconds(1)).build();
        assertTrue(all.matches(CARD_DECLINED));
    }

    @Test
    void deadBetween_includesFrom_excludesBefore_andNeverMatchesALetterWithoutTime() {
        DeadLetterFilter fromNoon = DeadLetterFilter.builder().deadBetween(NOON, null).build();
        DeadLetterFilter beforeNoon = DeadLetterFilter.builder().deadBetween(null, NOON).build();

        assertTrue(fromNoon.matches(CARD_DECLINED));
        assertFalse(beforeNoon.matches(CARD_DECLINED));
        assertTrue(beforeNoon.matches(letter("payments", "acme", "primary", NOON.minusNanos(1), "card declined")));
        assertFalse(fromNoon.matches(letter("payments", "acme", "primary", NOON.minusNanos(1), "card declined")));
        assertFalse(fromNoon.matches(letter("payments", "acme", "primary", null, "card declined")));
        assertFalse(beforeNoon.matches(letter("payments", "acme", "primary", null, "card declined")));
    }

    @Test
    void deadBetween_refusesAnEmptyOrReversedWindow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterFilter.builder().deadBetween(NOON, NOON));

        assertEquals("deadBetween: from (2026-03-01T12:00:00Z) must be before before (2026-03-01T12:00:00Z)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DeadLetterFilter.builder().deadBetween(NOON.plusSeconds(1), NOON));
    }
}
