package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;

/**
 * Both ways a critical call returns without its result, not yet applied and never applied, are
 * one catchable type carrying the entry, the target and the status.
 */
class CriticalCallExceptionTest {
    @Test
    void notYetAppliedAndNotApplied_areOneCatchableTypeCarryingTheEntryTargetAndStatus() {
        IllegalStateException cause = new IllegalStateException("deadlock");
        List<CriticalCallException> thrown = List.of(
                new NotYetAppliedException("waited 2s", "id-7", 7, "primary", EntryStatus.RETRYING, cause),
                new EntryNotAppliedException("dead", "id-8", 8, "primary", EntryStatus.DEAD, "constraint", cause));
        assertEquals(List.of("id-7 7 primary RETRYING waited 2s", "id-8 8 primary DEAD dead"), thrown.stream()
                .map(e -> e.entryId() + " " + e.seq() + " " + e.target() + " " + e.status() + " " + e.getMessage())
                .toList());
        assertSame(cause, thrown.get(0).getCause());
        assertEquals("constraint", ((EntryNotAppliedException) thrown.get(1)).reason());
    }
}
