package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.wal4j.Backoff;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
import org.wal4j.WalEntry;
import org.wal4j.spi.PayloadReading;
import org.wal4j.testing.TestEntries;

/** The fast entry encoder writes exactly the bytes Jackson's generator writes, and refuses what would break its line. */
class EntryBodyEncoderTest {

    @Test
    void testEntries_encodeAsJacksonDoes() {
        for (int i = 0; i < 50; i++) {
            assertSameAsJackson(TestEntries.entry(i));
            assertSameAsJackson(TestEntries.full(i));
            assertSameAsJackson(TestEntries.sized(i, 17 * i));
        }
    }

    @Property(tries = 500)
    void anyEntry_encodesAsJacksonDoes(@ForAll("entries") WalEntry entry) {
        assertSameAsJackson(entry);
    }

    @Property(tries = 300)
    void anyEntryOfSeveralLanes_encodesAsJacksonDoes_andDecodesToTheSameEntry(@ForAll("entries") WalEntry entry,
            @ForAll("keyLists") java.util.List<String> others) {
        String key = entry.key() == null ? "own-key" : entry.key();
        WalEntry multi = entry.toBuilder().key(key)
                .alsoKeys(others.stream().distinct().filter(k -> !k.equals(key)).toList()).build().withSeq(42);
        assertSameAsJackson(multi);
        byte[] body = LineCodec.entryBody(multi);
        java.nio.ByteBuffer line = java.nio.ByteBuffer.allocate(LineCodec.entryLineLength(42, body));
        LineCodec.frameEntry(line, 42, body, new java.util.zip.CRC32C(), new byte[64]);
        WalEntry decoded = EntryDecoder.decode(line.array(), 0, line.capacity() - 1, java.nio.file.Path.of("x.wal"), 0,
                PayloadReading.decoding(LogReader.PAYLOAD_KEYS, null));
        assertEquals(multi, decoded);
        assertEquals(multi.lanes(), decoded.lanes());
    }

    @Test
    void alsoKeys_areWrittenAfterTheLifecycle_onlyForAnEntryOfSeveralLanes() {
        WalEntry one = WalEntry.builder("ns", "op").key("A").createdAt(Instant.EPOCH).targets("primary").build();
        assertEquals(false, new String(LineCodec.entryBody(one), StandardCharsets.UTF_8).contains("alsoKeys"));
        String two = new String(LineCodec.entryBody(one.toBuilder().alsoKeys("B", "C\"").build()),
                StandardCharsets.UTF_8);
        assertEquals(true, two.contains("\"priority\":\"NORMAL\"},\"alsoKeys\":[\"B\",\"C\\\"\"],\"payload\":null}"), two);
    }

    @Test
    void alsoKeysThatAreNotStrings_areDamage() {
        WalEntry one = WalEntry.builder("ns", "op").key("A").alsoKeys("B").createdAt(Instant.EPOCH)
                .targets("primary").build();
        String body = new String(LineCodec.entryBody(one), StandardCharsets.UTF_8);
        for (String bad : new String[] {"[\"B\",7]", "\"B\"", "[null]"}) {
            byte[] damaged = ("{\"crc\":\"00000000\",\"type\":\"entry\",\"seq\":1,"
                    + body.replace("[\"B\"]", bad)).getBytes(StandardCharsets.UTF_8);
            assertNotNull(EntryDecoder.problemOf(damaged, 0, damaged.length), bad);
        }
        byte[] dup = ("{\"crc\":\"00000000\",\"type\":\"entry\",\"seq\":1,"
                + body.replace("[\"B\"]", "[\"B\",\"B\"]")).getBytes(StandardCharsets.UTF_8);
        assertEquals(true, EntryDecoder.problemOf(dup, 0, dup.length).contains("alsoKeys names the key 'B' twice"));
    }

    @Property(tries = 300)
    void anyTraceContext_encodesAsJacksonDoes_andDecodesToTheSameEntry(@ForAll("entries") WalEntry entry,
            @ForAll("traceContexts") java.util.Map<String, String> trace) {
        WalEntry traced = entry.withTraceContext(trace).withSeq(42);
        assertSameAsJackson(traced);
        byte[] body = LineCodec.entryBody(traced);
        java.nio.ByteBuffer line = java.nio.ByteBuffer.allocate(LineCodec.entryLineLength(42, body));
        LineCodec.frameEntry(line, 42, body, new java.util.zip.CRC32C(), new byte[64]);
        WalEntry decoded = EntryDecoder.decode(line.array(), 0, line.capacity() - 1, java.nio.file.Path.of("x.wal"), 0,
                PayloadReading.decoding(LogReader.PAYLOAD_KEYS, null));
        assertEquals(traced, decoded);
        assertEquals(java.util.List.copyOf(trace.entrySet()), java.util.List.copyOf(decoded.traceContext().entrySet()),
                "the fields keep their order");
    }

    @Provide
    Arbitrary<java.util.Map<String, String>> traceContexts() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcxyz019-_.").ofMinLength(1)
                .ofMaxLength(WalEntry.MAX_TRACE_NAME_LENGTH);
        Arbitrary<String> values = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80);
        return Arbitraries.maps(names, values).ofMaxSize(WalEntry.MAX_TRACE_FIELDS)
                .map(m -> new java.util.LinkedHashMap<>(m));
    }

    @Test
    void traceContext_isWrittenAfterTheLanes_onlyForAnEntryThatHasOne() {
        WalEntry one = WalEntry.builder("ns", "op").key("A").alsoKeys("B").createdAt(Instant.EPOCH).targets("primary")
                .build();
        assertEquals(false, new String(LineCodec.entryBody(one), StandardCharsets.UTF_8).contains("trace"));
        String traced = new String(LineCodec.entryBody(one.withTraceContext(java.util.Map.of("traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))), StandardCharsets.UTF_8);
        assertEquals(true, traced.contains("\"alsoKeys\":[\"B\"],\"trace\":{\"traceparent\":"
                + "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"},\"payload\":null}"), traced);
    }

    @Test
    void traceFieldsThatAreNotStrings_orBreakTheRules_areDamage() {
        WalEntry one = WalEntry.builder("ns", "op").createdAt(Instant.EPOCH).targets("primary")
                .traceContext(java.util.Map.of("traceparent", "x")).build();
        String body = new String(LineCodec.entryBody(one), StandardCharsets.UTF_8);
        for (String bad : new String[] {"{\"traceparent\":7}", "[\"x\"]", "{\"Trace Parent\":\"x\"}"}) {
            byte[] damaged = ("{\"crc\":\"00000000\",\"type\":\"entry\",\"seq\":1,"
                    + body.replace("{\"traceparent\":\"x\"}", bad)).getBytes(StandardCharsets.UTF_8);
            assertNotNull(EntryDecoder.problemOf(damaged, 0, damaged.length), bad);
        }
    }

    @Provide
    Arbitrary<java.util.List<String>> keyLists() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09-_\"\\/ éß€\uD83D\uDE00").ofMinLength(1).ofMaxLength(20),
                Arbitraries.of("B", "acct-2", "Grüße 🌍")).list().ofMinSize(1).ofMaxSize(WalEntry.MAX_ALSO_KEYS);
    }

    @Property(tries = 300)
    void anyString_isQuotedAndEscapedAsJacksonDoes(@ForAll("texts") String text) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            g.writeString(text);
        }
        assertArrayEquals(out.toByteArray(), EntryBodyEncoder.jsonString(text), () -> "for " + text);
    }

    @Test
    void controlCharacters_areEscapedAsJacksonDoes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            all.append(c);
        }
        anyString_isQuotedAndEscapedAsJacksonDoes(all.toString());
    }

    @Test
    void surrogatesInStrings_areEscapedOneByOne_asJacksonDoes() {
        assertSameAsJackson(WalEntry.builder("ns", "op😀").key("a\uD800b").idempotencyKey("\uDC00")
                .payloadJson("\"😀\"").targets("primary").build());
        assertEquals("\"a\\uD83D\\uDE00\\uDBFF\"", new String(EntryBodyEncoder.jsonString("a😀\uDBFF"),
                StandardCharsets.UTF_8));
    }

    @Test
    void questionMarkSearch_findsOneAtEveryPosition() {
        for (int length = 0; length < 30; length++) {
            byte[] b = new byte[length];
            java.util.Arrays.fill(b, (byte) '>'); // 0x3e, one bit from '?'
            assertEquals(false, EntryBodyEncoder.containsQuestionMark(b));
            for (int at = 0; at < length; at++) {
                byte[] with = b.clone();
                with[at] = '?';
                assertEquals(true, EntryBodyEncoder.containsQuestionMark(with), "at " + at + " of " + length);
            }
        }
    }

    @Test
    void payloadWithQuestionMarks_ofItsOwn_isWrittenByTheEncoder() {
        assertSameAsJackson(WalEntry.builder("ns", "op").payloadJson("{\"url\":\"/a?b=1\",\"q\":\"¿?😀\"}")
                .targets("primary").build());
    }

    @Test
    void lineBreakOrZeroSearch_findsOneAtEveryPosition() {
        for (byte bad : new byte[] {'\n', '\r', 0}) {
            for (int length = 0; length < 30; length++) {
                byte[] b = new byte[length];
                java.util.Arrays.fill(b, (byte) 0x0b); // one bit from \n, a neighbour of \r
                assertEquals(-1, EntryBodyEncoder.lineBreakOrZero(b));
                for (int at = 0; at < length; at++) {
                    byte[] with = b.clone();
                    with[at] = bad;
                    assertEquals(at, EntryBodyEncoder.lineBreakOrZero(with), "at " + at + " of " + length);
                }
            }
        }
    }

    @Test
    void payloadBytesThatWouldBreakTheLine_areRefusedByTheEncoder() {
        WalEntry e = WalEntry.builder("ns", "op").id("e-1").payloadJson("[1,2]").targets("primary").build();
        assertEquals("payload of entry e-1 cannot be framed as one line: byte 8 is a line feed",
                assertThrows(IllegalArgumentException.class, () -> EntryBodyEncoder.requireFramable(
                        "{\"a\":[1,\n2]}".getBytes(StandardCharsets.UTF_8), e)).getMessage());
        assertEquals("payload of entry e-1 cannot be framed as one line: byte 0 is a carriage return",
                assertThrows(IllegalArgumentException.class, () -> EntryBodyEncoder.requireFramable(
                        "\r1".getBytes(StandardCharsets.UTF_8), e)).getMessage());
        assertEquals("payload of entry e-1 cannot be framed as one line: byte 2 is a byte 0",
                assertThrows(IllegalArgumentException.class, () -> EntryBodyEncoder.requireFramable(
                        new byte[] {'"', 'a', 0, '"'}, e)).getMessage());
        // text with a lone surrogate has no UTF-8 form: getBytes wrote '?' for it
        assertEquals("payload of entry e-1 cannot be framed as one line: it holds a lone surrogate, which has no "
                        + "UTF-8 form",
                assertThrows(IllegalArgumentException.class, () -> EntryBodyEncoder.requireFramable(
                        "\"a?\"".getBytes(StandardCharsets.UTF_8),
                        WalEntry.builder("ns", "op").id("e-1").payloadJson("\"a\uD83D\uDE00\"").targets("t")
                                .build())).getMessage());
    }

    @Test
    void creationTimes_areWrittenAsInstantToStringWrites() {
        long[] seconds = {0, 1, 59, 1_767_225_600L, 253_402_300_799L}; // WalEntry's range: 1970 to 9999
        int[] nanos = {0, 1, 10, 999, 1000, 1_000_000, 120_000_000, 123_456_000, 123_456_789, 999_999_999};
        for (long s : seconds) {
            for (int n : nanos) {
                Instant t = Instant.ofEpochSecond(s, n);
                assertSameAsJackson(WalEntry.builder("ns", "op").createdAt(t).payloadJson("{}").targets("t").build());
            }
        }
    }

    private static void assertSameAsJackson(WalEntry e) {
        byte[] expected = LineCodec.entryBodyWithJackson(e);
        byte[] actual = EntryBodyEncoder.encode(e);
        assertNotNull(actual, () -> "encoder refused " + e);
        assertArrayEquals(expected, actual, () -> "expected\n" + new String(expected, StandardCharsets.UTF_8)
                + "\nbut was\n" + new String(actual, StandardCharsets.UTF_8));
        assertArrayEquals(expected, LineCodec.entryBody(e));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40),
                Arbitraries.strings().withChars("\"\\/aé€\u0000\u001f\u007f\u2028").ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u0080', '\uFFFF').ofMaxLength(20),
                Arbitraries.of("😀", "a😀b", "\uD83D\uDE00\uD83D\uDE00"));
    }

    @Provide
    Arbitrary<WalEntry> entries() {
        Arbitrary<String> ids = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09-_\"\\/ éß€\uD83D\uDE00").ofMinLength(1).ofMaxLength(30),
                Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofMinLength(1).ofMaxLength(10),
                Arbitraries.of("😀x", "a😀", "Grüße 🌍"));
        Arbitrary<String> wellFormed = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09-_\"\\/ éß€").ofMinLength(1).ofMaxLength(30),
                Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofMinLength(1).ofMaxLength(10),
                Arbitraries.of("😀x", "a😀", "Grüße 🌍"));
        Arbitrary<String> optional = Arbitraries.oneOf(ids, Arbitraries.just(null));
        Arbitrary<Instant> times = Combinators.combine(Arbitraries.longs().between(0, 253_402_300_799L),
                Arbitraries.integers().between(0, 999_999_999), Arbitraries.of(1, 1000, 1_000_000))
                .as((s, n, step) -> Instant.ofEpochSecond(s, n / step * step));
        Arbitrary<String> payloads = Arbitraries.oneOf(
                wellFormed.map(s -> "{\"text\":\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"n\":[1,2.5e3,null]}"),
                Arbitraries.of("null", "true", "42", "  { \"spaced\" : [ ] }  ", "\"Grüße 🌍\""));
        Arbitrary<Lifecycle> lifecycles = Combinators.combine(Arbitraries.integers().between(1, 50),
                Arbitraries.of(Backoff.values()), Arbitraries.doubles().between(1.0, 10.0),
                Arbitraries.of(Priority.values()), Arbitraries.of(true, false))
                .as((attempts, backoff, multiplier, priority, ttl) -> {
                    Lifecycle.Builder b = Lifecycle.builder().maxAttempts(attempts).backoff(backoff)
                            .backoffMultiplier(multiplier).priority(priority);
                    return (ttl ? b.ttl(Duration.ofMinutes(attempts)) : b).build();
                });
        return Combinators.combine(ids, times, optional, ids, optional, optional, payloads, lifecycles)
                .as((id, time, key, operation, correlation, tenant, payload, lifecycle) ->
                        WalEntry.builder("ns.x-1", operation).id(id).createdAt(time).key(key).payloadJson(payload)
                                .targets("primary", "re.plica_2").idempotencyKey(id + "-k").correlationId(correlation)
                                .tenantId(tenant).userId(key).lifecycle(lifecycle).build());
    }
}
