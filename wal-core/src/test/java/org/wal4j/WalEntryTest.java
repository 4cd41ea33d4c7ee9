package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WalEntryTest {

    @Test
    void defaultsAreFilledAtBuild() {
        WalEntry entry = WalEntry.builder("accounts", "debit").key("acct-1").payloadJson("{\"amount\":5}").build();

        assertEquals(WalEntry.UNASSIGNED, entry.seq());
        assertEquals(7, UUID.fromString(entry.id()).version());
        assertEquals(entry.id(), entry.idempotencyKey());
        assertEquals(Lifecycle.ofDefaults(), entry.lifecycle());
        assertEquals(List.of(), entry.targets());
        assertEquals("{\"amount\":5}", entry.payload());
    }

    @Test
    void identicalWritesAreDistinctEntries() {
        WalEntry.Builder builder = WalEntry.builder("accounts", "debit").payloadJson("{\"amount\":5}");
        WalEntry first = builder.build();
        WalEntry second = builder.build();

        assertNotEquals(first.id(), second.id());
        assertNotEquals(first.idempotencyKey(), second.idempotencyKey());
    }

    @Test
    void callerSuppliedIdempotencyKeyIsKept() {
        WalEntry entry = WalEntry.builder("accounts", "debit").idempotencyKey("request-42").build();
        assertEquals("request-42", entry.idempotencyKey());
    }

    @Test
    void withSeqKeepsEverythingElse() {
        WalEntry entry = WalEntry.builder("accounts", "debit").key("k").targets("primary", "replica")
                .correlationId("saga-1").tenantId("acme").userId("alice").createdAt(Instant.EPOCH).build();
        WalEntry appended = entry.withSeq(9);

        assertEquals(9, appended.seq());
        assertEquals(entry.toBuilder().build().withSeq(9), appended);
        assertEquals(List.of("primary", "replica"), appended.targets());
        assertEquals("saga-1", appended.correlationId());
    }

    @Test
    void duplicateTargetsCollapseInOrder() {
        WalEntry entry = WalEntry.builder("ns", "op").targets("replica", "primary", "replica").build();
        assertEquals(List.of("replica", "primary"), entry.targets());
    }

    @Test
    void multiLinePayloadIsCompacted() {
        WalEntry entry = WalEntry.builder("ns", "op").payloadJson("{\n  \"a\" : [1,\r\n 2]\n}").build();
        assertEquals("{\"a\":[1,2]}", entry.payload());
    }

    @Test
    void payloadFromObject() {
        WalEntry entry = WalEntry.builder("ns", "op").payload(new ObjectMapper(), Map.of("amount", 5)).build();
        assertEquals("{\"amount\":5}", entry.payload());
        assertEquals(Map.of("amount", 5), entry.payloadAs(new ObjectMapper(), Map.class));
    }

    @Test
    void badNamespacesAreRejectedWithTheValue() {
        assertEquals("namespace must not be null",
                assertThrows(IllegalArgumentException.class, () -> WalEntry.builder(null, "op")).getMessage());
        assertEquals("namespace must not be empty",
                assertThrows(IllegalArgumentException.class, () -> WalEntry.builder("", "op")).getMessage());
        assertEquals("namespace must match [A-Za-z0-9._-]{1,128} but was 'has space'",
                assertThrows(IllegalArgumentException.class, () -> WalEntry.builder("has space", "op")).getMessage());
        String tooLong = "n".repeat(129);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WalEntry.builder(tooLong, "op"))
                .getMessage().startsWith("namespace must match [A-Za-z0-9._-]{1,128} but was 'nnnn"));
    }

    @Test
    void badPayloadsAreRejectedWithTheProblem() {
        WalEntry.Builder builder = WalEntry.builder("ns", "op");
        assertEquals("payload must not be null (use \"null\" for a JSON null)",
                assertThrows(IllegalArgumentException.class, () -> builder.payloadJson(null)).getMessage());
        assertEquals("payload must be a JSON value but was empty",
                assertThrows(IllegalArgumentException.class, () -> builder.payloadJson("  ")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.payloadJson("{\"a\":"))
                .getMessage().startsWith("payload is not valid JSON: "));
        assertEquals("payload must be a single JSON value but has more after offset 3: '{} {}'",
                assertThrows(IllegalArgumentException.class, () -> builder.payloadJson("{} {}")).getMessage());
    }

    @Test
    void unserializablePayloadNamesTheType() {
        Object selfReferencing = new Object() {
            @SuppressWarnings("unused")
            public Object getSelf() {
                return this;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WalEntry.builder("ns", "op").payload(new ObjectMapper(), selfReferencing));
        assertTrue(e.getMessage().startsWith("payload of type org.wal4j.WalEntryTest$1 cannot be serialized to JSON"),
                e.getMessage());
    }

    @Test
    void controlCharactersAndOverlongIdsAreRejected() {
        assertEquals("key must not contain control characters but has U+000A at index 1: 'a\nb'",
                assertThrows(IllegalArgumentException.class, () -> WalEntry.builder("ns", "op").key("a\nb")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> WalEntry.builder("ns", "op").correlationId("c".repeat(513))).getMessage()
                .startsWith("correlationId must be at most 512 characters but was 513 characters"));
        assertEquals("target name must match [A-Za-z0-9._-]{1,64} but was 'pri mary'",
                assertThrows(IllegalArgumentException.class,
                        () -> WalEntry.builder("ns", "op").targets("pri mary")).getMessage());
        assertEquals("operation must not be empty",
                assertThrows(IllegalArgumentException.class, () -> WalEntry.builder("ns", "")).getMessage());
    }

    @Test
    void toStringLeavesOutThePayload() {
        WalEntry entry = WalEntry.builder("ns", "op").payloadJson("{\"secret\":\"pin\"}").build();
        assertTrue(!entry.toString().contains("pin") && entry.toString().contains("payloadLength=16"), entry.toString());
    }
}
