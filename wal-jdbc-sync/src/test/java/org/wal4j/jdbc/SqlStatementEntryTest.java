package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.wal4j.WalEntry;

class SqlStatementEntryTest {

    @Property(tries = 500)
    void parameters_roundTripThroughTheLogPayloadExactly(@ForAll("parameterLists") List<Object> parameters) {
        WalEntry entry = SqlStatementEntry.builder("ns", "UPDATE t SET a = ?", parameters.toArray()).build();
        WalEntry reread = WalEntry.builder("ns", "sql").payloadJson(entry.payload()).build();

        List<Object> back = SqlStatementEntry.read(reread).parameters();

        assertEquals(parameters.size(), back.size());
        for (int i = 0; i < parameters.size(); i++) {
            Object expected = parameters.get(i);
            Object actual = back.get(i);
            if (expected instanceof byte[]) {
                assertArrayEquals((byte[]) expected, (byte[]) actual);
            } else if (expected instanceof Double) {
                assertEquals(Double.doubleToRawLongBits((Double) expected), Double.doubleToRawLongBits((Double) actual));
            } else if (expected instanceof Float) {
                assertEquals(Float.floatToRawIntBits((Float) expected), Float.floatToRawIntBits((Float) actual));
            } else {
                assertEquals(expected, actual, "parameter " + i);
                assertEquals(expected == null ? null : expected.getClass(), actual == null ? null : actual.getClass());
            }
        }
        assertEquals(SqlStatementEntry.of("UPDATE t SET a = ?", parameters), SqlStatementEntry.read(reread));
    }

    @Provide
    Arbitrary<List<Object>> parameterLists() {
        Arbitrary<Object> any = Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.shorts().map(v -> (Object) v),
                Arbitraries.integers().map(v -> (Object) v),
                Arbitraries.longs().map(v -> (Object) v),
                Arbitraries.floats().map(v -> (Object) v),
                Arbitraries.of(Float.NaN, -0.0f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY).map(v -> (Object) v),
                Arbitraries.doubles().map(v -> (Object) v),
                Arbitraries.of(Double.NaN, -0.0d, Double.MIN_VALUE, Double.POSITIVE_INFINITY, 0.1d).map(v -> (Object) v),
                Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.valueOf(-10).pow(40),
                        BigInteger.TEN.pow(40)), Arbitraries.integers().between(-20, 40))
                        .as((unscaled, scale) -> (Object) new BigDecimal(unscaled, scale)),
                Arbitraries.longs().between(-62_000_000_000L, 250_000_000_000L)
                        .flatMap(s -> Arbitraries.integers().between(0, 999_999_999)
                                .map(n -> (Object) Instant.ofEpochSecond(s, n))),
                Arbitraries.longs().between(-2_000_000_000L, 4_000_000_000L)
                        .flatMap(s -> Arbitraries.integers().between(-18 * 3600, 18 * 3600)
                                .map(o -> (Object) OffsetDateTime.ofInstant(Instant.ofEpochSecond(s, 123_000),
                                        ZoneOffset.ofTotalSeconds(o - o % 60)))),
                Arbitraries.longs().between(-2_000_000_000L, 4_000_000_000L)
                        .map(s -> (Object) LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC)),
                Arbitraries.longs().between(-700_000L, 2_000_000L).map(d -> (Object) LocalDate.ofEpochDay(d)),
                Arbitraries.longs().between(0, 86_399_999_999_999L).map(n -> (Object) LocalTime.ofNanoOfDay(n)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> (Object) b));
        return any.list().ofMaxSize(12);
    }

    @Test
    void builder_makesAnSqlEntryWhosePayloadIsReadableJson() {
        WalEntry entry = SqlStatementEntry.builder("accounts", "UPDATE account SET balance = balance + ? WHERE id = ?",
                new BigDecimal("12.30"), 42L).key("42").build();

        assertEquals("sql", entry.operation());
        assertEquals("42", entry.key());
        assertEquals("{\"sql\":\"UPDATE account SET balance = balance + ? WHERE id = ?\",\"params\":["
                + "{\"type\":\"decimal\",\"value\":\"12.30\"},{\"type\":\"long\",\"value\":42}]}", entry.payload());
    }

    @Test
    void unsupportedParameterType_isRefusedWhenBuilt_namingIndexAndType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SqlStatementEntry.of("SELECT ?, ?", 1, UUID.randomUUID()));
        assertEquals("parameter 1 has unsupported type java.util.UUID; supported: " + SqlParameters.SUPPORTED,
                e.getMessage());
    }

    @Test
    void blankSql_isRefused() {
        assertEquals("sql must not be null or blank",
                assertThrows(IllegalArgumentException.class, () -> SqlStatementEntry.of(" ")).getMessage());
    }

    @Test
    void byteArrayParameter_isCopied() {
        byte[] bytes = {1, 2, 3};
        SqlStatementEntry statement = SqlStatementEntry.of("SELECT ?", (Object) bytes);
        bytes[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) statement.parameters().get(0));
    }

    @Test
    void read_rejectsOtherOperationsAndBadPayloads_namingTheEntry() {
        WalEntry other = WalEntry.builder("ns", "AccountDao#debit").payloadJson("{}").build().withSeq(5);
        assertEquals("entry seq=5 id=" + other.id() + " has operation 'AccountDao#debit', not 'sql'",
                assertThrows(IllegalArgumentException.class, () -> SqlStatementEntry.read(other)).getMessage());

        for (String[] bad : Arrays.asList(
                new String[] {"{\"params\":[]}", "payload must be an object with a non-blank string \"sql\""},
                new String[] {"{\"sql\":\"x\",\"params\":{}}", "\"params\" must be an array but was OBJECT"},
                new String[] {"{\"sql\":\"x\",\"params\":[{\"type\":\"uuid\",\"value\":\"a\"}]}",
                        "parameter 0 has unknown type 'uuid'"},
                new String[] {"{\"sql\":\"x\",\"params\":[{\"type\":\"int\",\"value\":3000000000}]}",
                        "parameter 0 of type int must have a value that is a whole number between"},
                new String[] {"{\"sql\":\"x\",\"params\":[{\"type\":\"decimal\",\"value\":\"1.2.3\"}]}",
                        "parameter 0 of type decimal has an unreadable value \"1.2.3\""},
                new String[] {"{\"sql\":\"x\",\"params\":[{\"type\":\"bytes\",\"value\":\"***\"}]}",
                        "parameter 0 of type bytes must have a value that is Base64"},
                new String[] {"{\"sql\":\"x\",\"params\":[{\"type\":\"string\"}]}",
                        "parameter 0 of type string has no \"value\""})) {
            WalEntry entry = WalEntry.builder("ns", "sql").payloadJson(bad[0]).build().withSeq(7);
            String message = assertThrows(IllegalArgumentException.class, () -> SqlStatementEntry.read(entry))
                    .getMessage();
            assertTrue(message.startsWith("entry seq=7 id=" + entry.id() + " is not a valid SQL-statement entry: "
                    + bad[1]), message);
        }
    }

    @Test
    void toString_neverShowsParameterValues() {
        String text = SqlStatementEntry.of("UPDATE user SET password = ?", "secret").toString();
        assertFalse(text.contains("secret"), text);
        assertTrue(text.contains("parameters=1"), text);
    }

    @Test
    void nullParameters_areSqlNulls() {
        List<Object> parameters = new ArrayList<>();
        parameters.add(null);
        assertEquals(parameters, SqlStatementEntry.read(SqlStatementEntry.of("SELECT ?", parameters)
                .toEntryBuilder("ns").build()).parameters());
    }
}
