package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
    void alsoKeys_putTheEntryInEachLane_primaryFirst_andSurviveWithSeqAndToBuilder() {
        WalEntry entry = WalEntry.builder("accounts", "transfer").key("A").alsoKeys("B", "C").build();
        assertEquals(List.of("B", "C"), entry.alsoKeys());
        assertEquals(List.of(LaneId.of("accounts", "A"), LaneId.of("accounts", "B"), LaneId.of("accounts", "C")),
                entry.lanes());
        WalEntry appended = entry.withSeq(7);
        assertEquals(entry.lanes(), appended.lanes());
        assertEquals(appended, appended.toBuilder().build().withSeq(7));
        assertNotEquals(entry, entry.toBuilder().alsoKeys("B").build());
        assertTrue(entry.toString().contains("alsoKeys=[B, C]"), entry.toString());
        assertEquals(List.of(LaneId.of("accounts", "A")), entry.toBuilder().alsoKeys(List.of()).build().lanes());
        assertEquals(List.of(LaneId.keyless("accounts")), WalEntry.builder("accounts", "x").build().lanes());
    }

    @Test
    void traceContext_keepsItsOrder_survivesSeqAndToBuilder_andCountsForEquality() {
        java.util.LinkedHashMap<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("tracestate", "congo=t61rcWkgMzE");
        fields.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        WalEntry entry = WalEntry.builder("accounts", "debit").traceContext(fields).build();
        fields.clear();
        assertEquals(List.of("tracestate", "traceparent"), List.copyOf(entry.traceContext().keySet()));
        assertEquals(entry.traceContext(), entry.withSeq(3).traceContext());
        assertEquals(entry.withSeq(3), entry.toBuilder().build().withSeq(3));
        assertNotEquals(entry, entry.withTraceContext(java.util.Map.of()));
        assertSame(entry, entry.withTraceContext(entry.traceContext()));
        assertThrows(UnsupportedOperationException.class, () -> entry.traceContext().put("x", "y"));
        assertEquals(java.util.Map.of(), WalEntry.builder("accounts", "debit").build().traceContext());
    }

    @Test
    void traceContext_isRefusedNamingTheFieldAndTheRule() {
        WalEntry.Builder b = WalEntry.builder("accounts", "debit");
        java.util.Map<String, String> nine = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 9; i++) {
            nine.put("f" + i, "v");
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.traceContext(nine)).getMessage()
                .contains("at most 8 fields but held 9"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.traceContext(java.util.Map.of("TraceParent", "x")))
                .getMessage().contains("'TraceParent' may hold only a-z"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.traceContext(java.util.Map.of("", "x")))
                .getMessage().contains("1 to 64 characters but one was ''"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.traceContext(java.util.Map.of("a", "x\ny")))
                .getMessage().contains("'a' may hold only printable ASCII, but holds U+000A at index 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.traceContext(java.util.Map.of("a", "x".repeat(1025))))
                .getMessage().contains("at most 1024 characters but was 1025 long"));
        java.util.Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("a", null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.traceContext(nullValue)).getMessage()
                .contains("'a' must have at most 1024 characters but was null"));
        assertThrows(NullPointerException.class, () -> b.traceContext(null));
    }

    @Test
    void alsoKeys_areRefusedNamingTheValue_beforeAnythingIsWritten() {
        WalEntry.Builder b = WalEntry.builder("accounts", "transfer").key("A");
        assertEquals("alsoKeys names the key 'B' twice",
                assertThrows(IllegalArgumentException.class, () -> b.alsoKeys("B", "B")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.alsoKeys("B", null)).getMessage()
                .contains("must not hold null"));
        assertEquals("alsoKeys must not be empty",
                assertThrows(IllegalArgumentException.class, () -> b.alsoKeys("")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.alsoKeys("x".repeat(513))).getMessage()
                .startsWith("alsoKeys must be at most 512"));
        String[] many = new String[WalEntry.MAX_ALSO_KEYS + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "k" + i;
        }
        assertEquals("alsoKeys may name at most 16 keys but named 17",
                assertThrows(IllegalArgumentException.class, () -> b.alsoKeys(many)).getMessage());
        assertEquals("alsoKeys [B, A] name the entry's own key 'A'",
                assertThrows(IllegalArgumentException.class, () -> b.alsoKeys("B", "A").build()).getMessage());
        assertEquals("alsoKeys [B] need the entry's own key: an entry of the keyless lane of namespace 'accounts' "
                + "cannot name other lanes", assertThrows(IllegalArgumentException.class,
                        () -> WalEntry.builder("accounts", "t").alsoKeys("B").build()).getMessage());
        assertEquals(WalEntry.MAX_ALSO_KEYS, b.alsoKeys(java.util.Arrays.copyOf(many, WalEntry.MAX_ALSO_KEYS)).build()
                .alsoKeys().size());
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
