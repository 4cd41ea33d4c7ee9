package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.Test;
import org.wal4j.SyncPolicy;
import org.wal4j.WalCorruptionException;
import org.wal4j.WalEntry;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 15 (issue 10, item 2): payloads written through a user's serializer, with every
 * feature that changes its output (indentation with any line ending, custom pretty printers,
 * escaping of non-ASCII, odd and broken custom escapes, plain big decimals, NaN unquoted, raw
 * values holding valid and invalid JSON, U+2028/U+2029, control characters, lone surrogates),
 * go through the real file log: each write is either refused with an
 * {@link IllegalArgumentException} before anything is written (the log unchanged), or read back
 * equal as a JSON tree after the log is reopened, with {@link LogVerifier} and the reader agreeing.
 * Whether a write must be refused is known from how the case was generated, so a validator that
 * refused too much would fail as surely as one that let a broken payload through.
 */
class PayloadFramingPropertyTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();

    /** A user's type with a field the mapper copies into its output without looking at it. */
    static final class Raw {
        @JsonRawValue
        public final String json;
        final boolean valid;

        Raw(String json, boolean valid) {
            this.json = json;
            this.valid = valid;
        }

        @Override
        public String toString() {
            return "Raw(" + json + ")";
        }
    }

    /** How the user's mapper writes; {@code mapper()} builds it. */
    record MapperSetup(boolean indent, String indentUnit, String lineEnd, boolean escapeNonAscii,
                       boolean nanAsStrings, boolean bigDecimalPlain, boolean oddEscapes, boolean brokenEscape) {
        ObjectMapper mapper() {
            JsonFactoryBuilder factory = new JsonFactoryBuilder();
            factory.configure(JsonWriteFeature.ESCAPE_NON_ASCII, escapeNonAscii);
            factory.configure(JsonWriteFeature.WRITE_NAN_AS_STRINGS, nanAsStrings);
            factory.configure(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN, bigDecimalPlain);
            if (oddEscapes || brokenEscape) {
                factory.characterEscapes(new OddEscapes(brokenEscape));
            }
            JsonMapper.Builder mapper = JsonMapper.builder(factory.build());
            if (indent) {
                DefaultIndenter indenter = new DefaultIndenter(indentUnit, lineEnd);
                mapper.enable(SerializationFeature.INDENT_OUTPUT).defaultPrettyPrinter(new DefaultPrettyPrinter()
                        .withObjectIndenter(indenter).withArrayIndenter(indenter));
            }
            return mapper.build();
        }
    }

    /**
     * Escapes {@code /} as {@code \/}, U+2028, U+2029 and {@code é} as {@code \}{@code uXXXX}
     * (all valid); if broken, also {@code z} as {@code \z}, which no JSON reader accepts.
     */
    static final class OddEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();
        private final boolean broken;

        OddEscapes(boolean broken) {
            this.broken = broken;
            ascii['/'] = ESCAPE_CUSTOM;
            if (broken) {
                ascii['z'] = ESCAPE_CUSTOM;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            switch (ch) {
                case '/':
                    return new SerializedString("\\/");
                case 'z':
                    return broken ? new SerializedString("\\z") : null;
                case 0x2028:
                    return new SerializedString("\\u2028");
                case 0x2029:
                    return new SerializedString("\\u2029");
                case 0xE9:
                    return new SerializedString("\\u00E9");
                default:
                    return null;
            }
        }
    }

    /** Tries between two reopens of the log; every try's entry is checked again after each. */
    private static final int TRIES_PER_REOPEN = 50;

    // static: the state of one property run, whether jqwik makes one instance per property or per try
    private static Path dir;
    private static FileStorageConfig config;
    private static FileWalStorage log;
    /** What the mappers wrote for each entry accepted so far, by seq. */
    private static final Map<Long, String> written = new LinkedHashMap<>();
    private static long entries;
    private static int tries;

    @BeforeProperty
    void openLog() throws IOException {
        written.clear();
        entries = 0;
        tries = 0;
        dir = Files.createTempDirectory("payload-framing");
        // one log for all tries, reopened every TRIES_PER_REOPEN: a reopen per try would spend the run on fsyncs
        config = FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.NONE).build();
        log = FileWalStorage.open(config);
    }

    @AfterProperty
    void reopenCheckAndDeleteLog() throws IOException {
        try {
            reopenAndCheckEverything();
            System.out.println("PayloadFramingPropertyTest: " + ACCEPTED.get() + " payloads written and read back "
                    + "after reopen, " + REFUSED.get() + " refused before writing");
        } finally {
            log.close();
            deleteRecursively(dir);
        }
    }

    @Property(tries = 300)
    void aPayloadIsRefusedBeforeWriting_orReadBackEqualAfterReopen(@ForAll("setups") MapperSetup setup,
                                                                   @ForAll("values") Object value) throws IOException {
        ObjectMapper mapper = setup.mapper();
        WalEntry.Builder builder = WalEntry.builder("ns", "op").createdAt(TestEntries.T0).targets("primary");
        long before = log.lastSeq();
        String refusal = null;
        try {
            builder.payload(mapper, value);
        } catch (IllegalArgumentException e) {
            refusal = e.getMessage();
        }
        assertEquals(before, log.lastSeq());
        assertEquals(mustBeRefused(value, setup), refusal != null, () -> "written by " + setup + ": "
                + safeText(mapper, value));
        if (refusal == null) {
            ACCEPTED.incrementAndGet();
            String text = mapper.writeValueAsString(value);
            long seq = log.append(builder.build());
            written.put(seq, text);
            entries++;
            assertPayloadAsWritten(seq, text);
        } else {
            REFUSED.incrementAndGet();
            assertTrue(refusal.startsWith("payload of type "), refusal);
        }
        log.append(TestEntries.entry(2)); // an entry after each: a broken line in the middle would refuse the open
        entries++;
        assertEquals(entries, log.lastSeq(), "nothing more than was appended");
        if (++tries % TRIES_PER_REOPEN == 0) {
            reopenAndCheckEverything();
        }
    }

    /** Reopens the log; every entry is back as it was written, and the verifier agrees with the reader. */
    private void reopenAndCheckEverything() throws IOException {
        log.close();
        log = FileWalStorage.open(config);
        assertEquals(entries, log.lastSeq(), "nothing lost on reopen");
        for (Map.Entry<Long, String> e : written.entrySet()) {
            assertPayloadAsWritten(e.getKey(), e.getValue());
        }
        try (java.util.stream.Stream<WalEntry> all = log.scan(1)) {
            assertEquals(entries, all.count(), "every entry reads back");
        }
        VerifyReport report = LogVerifier.verify(dir);
        assertTrue(report.ok(), report::toString);
        assertEquals(entries, report.entries());
    }

    /** On one line; as the mapper wrote it if that was one line; in any case the same JSON tree. */
    private void assertPayloadAsWritten(long seq, String text) throws IOException {
        String stored = log.read(seq).orElseThrow().payload();
        assertFalse(stored.contains("\n") || stored.contains("\r"), stored);
        if (!text.contains("\n") && !text.contains("\r")) {
            assertEquals(text, stored, "a payload on one line is stored as the mapper wrote it");
        }
        assertEquals(PLAIN.readTree(text), PLAIN.readTree(stored), () -> "seq " + seq + " written as " + text);
    }

    /** Whether {@code value} written with {@code setup} cannot be valid one-line JSON of whole characters. */
    static boolean mustBeRefused(Object value, MapperSetup setup) {
        if (value instanceof String s) {
            return hasLoneSurrogate(s) || (setup.brokenEscape && s.indexOf('z') >= 0);
        }
        if (value instanceof Double d) {
            return !setup.nanAsStrings && (d.isNaN() || d.isInfinite());
        }
        if (value instanceof Raw r) {
            return !r.valid;
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(v -> mustBeRefused(v, setup));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().anyMatch(e -> mustBeRefused(e.getKey(), setup)
                    || mustBeRefused(e.getValue(), setup));
        }
        return false;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String safeText(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            return "(not serializable: " + e + ")";
        }
    }

    @Test
    void indentedPayloadFollowedByAnEntry_survivesReopen() throws IOException {
        ObjectMapper indenting = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path dir = Files.createTempDirectory("payload-framing");
        try {
            FileStorageConfig config = FileStorageConfig.ofDefaults(dir);
            try (FileWalStorage log = FileWalStorage.open(config)) {
                log.append(WalEntry.builder("ns", "op").targets("primary")
                        .payload(indenting, Map.of("a", List.of(1, 2))).build());
                log.append(TestEntries.entry(1));
            }
            try (FileWalStorage log = FileWalStorage.open(config)) {
                assertEquals("{\"a\":[1,2]}", log.read(1).orElseThrow().payload());
                assertEquals(2, log.lastSeq());
            }
            assertTrue(LogVerifier.verify(dir).ok());
        } finally {
            deleteRecursively(dir);
        }
    }

    /**
     * A log written before payloads were checked may hold an entry line whose checksum is good but
     * whose payload is not JSON (a {@code @JsonRawValue} field with invalid content): the verifier
     * reports the line exactly as a read of it fails, instead of passing it.
     */
    @Test
    void verifier_reportsAnUnreadablePayloadAsTheReaderDoes() throws IOException {
        Path dir = Files.createTempDirectory("payload-framing");
        try {
            FileStorageConfig config = FileStorageConfig.ofDefaults(dir);
            try (FileWalStorage log = FileWalStorage.open(config)) {
                log.append(WalEntry.builder("ns", "op").id("e-1").createdAt(TestEntries.T0).targets("primary")
                        .payloadJson("{\"raw\":true}").build());
                log.append(TestEntries.entry(2));
            }
            // what the old code wrote for a raw value "not json": the same line, its checksum made good
            Path segment = Logs.lastSegment(dir);
            byte[] content = Logs.read(segment);
            int lineStart = Logs.lineStarts(content).get(1);
            int lineEnd = lineStart;
            while (content[lineEnd] != '\n') {
                lineEnd++;
            }
            String line = new String(content, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
            String body = line.substring(line.indexOf("\"id\"")).replace("{\"raw\":true}", "{\"raw\":not json}");
            ByteBuffer framed = ByteBuffer.allocate(1024);
            LineCodec.frameEntry(framed, 1, body.getBytes(StandardCharsets.UTF_8), new CRC32C(), new byte[64]);
            ByteBuffer out = ByteBuffer.allocate(content.length + 64);
            out.put(content, 0, lineStart).put(framed.flip()).put(content, lineEnd + 1, content.length - lineEnd - 1);
            Logs.write(segment, Arrays.copyOf(out.array(), out.position()));

            String problem = "entry line cannot be read back: payload is not valid JSON: Unrecognized token 'not': "
                    + "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at "
                    + "offset 10: '{\"raw\":not json}'";
            VerifyReport report = LogVerifier.verify(dir);
            assertEquals(List.of(new VerifyReport.Problem(segment, lineStart, problem)), report.problems());
            try (FileWalStorage log = FileWalStorage.open(config)) {
                WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> log.read(1));
                assertEquals("Corrupt record in " + segment + " at offset " + lineStart + ": " + problem, e.getMessage());
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    @Provide
    Arbitrary<MapperSetup> setups() {
        Arbitrary<Boolean> flags = Arbitraries.of(true, false);
        return Combinators.combine(flags, Arbitraries.of("  ", "\t", "", " \t "), Arbitraries.of("\n", "\r\n", "\r",
                        " ", "\n\n"), flags, Arbitraries.frequency(Tuple.of(5, true), Tuple.of(1, false)), flags,
                flags, Arbitraries.frequency(Tuple.of(1, true), Tuple.of(6, false)))
                .as(MapperSetup::new);
    }

    @Provide
    Arbitrary<Object> values() {
        return value(3);
    }

    private Arbitrary<Object> value(int depth) {
        if (depth == 0) {
            return scalars();
        }
        Arbitrary<Object> inner = value(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(3, scalars()),
                Tuple.of(2, inner.list().ofMaxSize(4).map(l -> (Object) l)),
                Tuple.of(2, Arbitraries.maps(texts(), inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))));
    }

    private Arbitrary<Object> scalars() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, texts().map(s -> (Object) s)),
                Tuple.of(1, Arbitraries.longs().map(l -> (Object) l)),
                Tuple.of(1, Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.of(Double.NaN,
                        Double.POSITIVE_INFINITY, -0.0, 1e-300, Double.MAX_VALUE)).map(d -> (Object) d)),
                Tuple.of(1, Combinators.combine(Arbitraries.bigIntegers().between(
                                        java.math.BigInteger.valueOf(-1_000_000_000_000L),
                                        java.math.BigInteger.valueOf(1_000_000_000_000L)),
                                Arbitraries.integers().between(-20, 20))
                        .as((unscaled, scale) -> (Object) new BigDecimal(unscaled, scale))),
                Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
                Tuple.of(1, Arbitraries.<Object>just(null)),
                Tuple.of(2, raws()));
    }

    private Arbitrary<Object> raws() {
        Arbitrary<Raw> valid = Arbitraries.of("1", "[1,\n2]", "{\"a\" :\r\n true}", "\"\\u2028\"", "  null  ",
                "\"\u2028\u2029\"", "1e400", "-0.0E-7", "\"\\/\\b\\f\\u0000\"", "{\"\":{}}", "\"\\uD83D\\uDE00\"",
                "[\t]").map(s -> new Raw(s, true));
        Arbitrary<Raw> invalid = Arbitraries.of("not json", "{", "[1,]", "'single'", "NaN", "\"a\\qb\"",
                "\"\u0001\"", "\"\\uD800\"", "\"\uDC00\"", "1 2", "", "/*c*/1", "01", "\"line\nbreak\"", "[1\u20282]",
                "{\"a\":1}}").map(s -> new Raw(s, false));
        return Arbitraries.oneOf(valid, invalid).map(r -> (Object) r);
    }

    private Arbitrary<String> texts() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().withChars("az/ \"\\'\u0000\u0001\u001f\u007f\u2028\u2029é€\t\n\r\b\f")
                        .ofMaxLength(12)),
                Tuple.of(2, Arbitraries.strings().withCharRange('\u0080', '\ud7ff').ofMaxLength(6)),
                Tuple.of(1, Arbitraries.of("😀", "a😀z", "Grüße 🌍", "\uD83D\uDE00\uD83D\uDE00")),
                Tuple.of(1, Arbitraries.of("a\uD800b", "\uDC00", "x\uDBFF", "😀\uDE00")));
    }
}
