package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * The rules a payload and a creation time must meet before an entry exists (issue 10, items 2, 17,
 * 18, 19): each refusal is an {@link IllegalArgumentException} naming the problem, where it is and
 * the limit, and nothing reaches the storage.
 */
class PayloadRulesTest {
    private static final String TEN_DEEP = "[[[[[[[[[[";

    @Test
    void payloadNestedTooDeep_isRefusedNamingTheDepthLimit() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertEquals("payload is nested deeper than the limit of 1000 levels at offset 1000: '"
                        + "[".repeat(61) + "...'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson(deep)));
        String objects = "{\"a\":".repeat(1001) + "1" + "}".repeat(1001);
        assertEquals("payload is nested deeper than the limit of 1000 levels at offset 5000: '"
                        + "{\"a\":".repeat(12) + "{...'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson(objects)));
        String atLimit = "[".repeat(1000) + "]".repeat(1000);
        assertEquals(atLimit, WalEntry.builder("ns", "op").payloadJson(atLimit).build().payload());
        assertEquals(TEN_DEEP + "]]]]]]]]]]", WalEntry.builder("ns", "op").payloadJson(TEN_DEEP + "]]]]]]]]]]")
                .build().payload());
    }

    @Test
    void payloadWithAnOverlongNumber_isRefusedNamingTheLengthLimit() {
        String digits = "1".repeat(100_001);
        assertEquals("payload has a number of 100001 characters at offset 0, over the limit of 1000: '"
                        + "1".repeat(61) + "...'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson(digits)));
        String fraction = "{\"x\":-0." + "5".repeat(998) + "}";
        assertEquals("payload has a number of 1001 characters at offset 5, over the limit of 1000: '{\"x\":-0."
                        + "5".repeat(53) + "...'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson(fraction)));
        String atLimit = "[-" + "9".repeat(999) + "]";
        assertEquals(atLimit, WalEntry.builder("ns", "op").payloadJson(atLimit).build().payload());
    }

    @Test
    void payloadWithAnOverlongFieldName_isRefusedNamingTheLimit() {
        String json = "{\"" + "n".repeat(50_001) + "\":1}";
        assertEquals("payload has a field name of 50001 characters at offset 1, over the limit of 50000: '{\""
                        + "n".repeat(59) + "...'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson(json)));
    }

    @Test
    void payloadWithALoneSurrogate_rawOrEscaped_isRefusedNamingItAndItsOffset() {
        assertEquals("payload holds a lone surrogate U+D800 at offset 2 (a JSON text must hold whole Unicode "
                        + "characters): '\"a\uD800b\"'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson("\"a\uD800b\"")));
        assertEquals("payload holds a lone surrogate U+D800 at offset 2 (a JSON text must hold whole Unicode "
                        + "characters): '\"a\\uD800b\"'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson("\"a\\uD800b\"")));
        assertEquals("payload holds a lone surrogate U+DC00 at offset 16 (a JSON text must hold whole Unicode "
                        + "characters): '{\"k\":\"\\n\\t\\u0041\\uDC00\"}'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson("{\"k\":\"\\n\\t\\u0041\\uDC00\"}")));
        assertEquals("payload holds a lone surrogate U+DBFF at offset 3 (a JSON text must hold whole Unicode "
                        + "characters): '{\"x\uDBFF\":1}'",
                refusal(() -> WalEntry.builder("ns", "op").payloadJson("{\"x\uDBFF\":1}")));
        assertEquals("\"\\uD83D\\uDE00😀\"", WalEntry.builder("ns", "op").payloadJson("\"\\uD83D\\uDE00😀\"")
                .build().payload(), "a pair, escaped or not, is a whole character");
    }

    @Test
    void creationTimeOutsideTheLineFormatsRange_isRefusedNamingTheRange() {
        String range = "createdAt must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z but was ";
        assertEquals(range + "+1000000000-12-31T23:59:59.999999999Z",
                refusal(() -> WalEntry.builder("ns", "op").createdAt(Instant.MAX)));
        assertEquals(range + "-1000000000-01-01T00:00:00Z",
                refusal(() -> WalEntry.builder("ns", "op").createdAt(Instant.MIN)));
        assertEquals(range + "1969-12-31T23:59:59.999999999Z",
                refusal(() -> WalEntry.builder("ns", "op").createdAt(Instant.EPOCH.minusNanos(1))));
        assertEquals(range + "+10000-01-01T00:00:00Z",
                refusal(() -> WalEntry.builder("ns", "op").createdAt(WalEntry.MAX_CREATED_AT.plusNanos(1))));
        assertEquals(WalEntry.MAX_CREATED_AT, WalEntry.builder("ns", "op").createdAt(WalEntry.MAX_CREATED_AT)
                .build().createdAt());
        assertEquals(Instant.EPOCH, WalEntry.builder("ns", "op").createdAt(Instant.EPOCH).build().createdAt());
    }

    /** A user's type whose field holds JSON text the mapper copies without looking at it. */
    static final class Raw {
        @JsonRawValue
        public final String raw;

        Raw(String raw) {
            this.raw = raw;
        }
    }

    @Test
    void mapperOutput_isCheckedAndKeptOnOneLine() {
        ObjectMapper indenting = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        assertEquals("{\"a\":[1,2.50],\"b\":{\"c\":\"x\\ny\"}}", WalEntry.builder("ns", "op")
                .payload(indenting, new TreeMap<>(Map.of("a", List.of(1, new BigDecimal("2.50")), "b", Map.of("c", "x\ny"))))
                .build().payload());
        assertEquals("payload of type org.wal4j.PayloadRulesTest$Raw as the mapper wrote it is not valid JSON: "
                        + "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', "
                        + "'true' or 'false') at offset 10: '{\"raw\":not json}'",
                refusal(() -> WalEntry.builder("ns", "op").payload(new ObjectMapper(), new Raw("not json"))));
        assertEquals("payload of type org.wal4j.PayloadRulesTest$Raw as the mapper wrote it must be a single JSON "
                        + "value but has more after offset 10: '{\"raw\":1} {}'",
                refusal(() -> WalEntry.builder("ns", "op").payload(new ObjectMapper(), new Raw("1} {"))));
        assertEquals("{\"raw\":[1,2]}", WalEntry.builder("ns", "op")
                .payload(indenting, new Raw("[1,\n2]")).build().payload());
    }

    @Test
    void walWrite_withAnIndentingMapper_storesOneCompactLine() {
        ManualClock clock = ManualClock.atEpochOfTests();
        InMemoryWalStorage storage = InMemoryWalStorage.create();
        Wal wal = Wal.builder(storage).clock(clock).target(new ScriptedSyncTarget("primary", clock))
                .objectMapper(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)).build().start();
        try {
            long seq = wal.write(WalEntry.builder("accounts", "debit").key("acct-1").payload(wal.mapper(), Map.of("amount", List.of(5)))).seq();
            assertEquals("{\"amount\":[5]}", storage.read(seq).orElseThrow().payload());
            assertEquals("payload of type org.wal4j.PayloadRulesTest$Raw as the mapper wrote it is not valid JSON: "
                            + "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token "
                            + "'null', 'true' or 'false') at offset 15: '{\n  \"raw\" : tru\n}'",
                    refusal(() -> wal.write(WalEntry.builder("accounts", "debit").key("acct-1").payload(wal.mapper(), new Raw("tru")))));
            assertEquals(seq, storage.lastSeq(), "the refused write appended nothing");
        } finally {
            wal.stop(Duration.ZERO);
        }
    }

    private static String refusal(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }
}
