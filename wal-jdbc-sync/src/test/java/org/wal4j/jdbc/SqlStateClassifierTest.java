package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wal4j.spi.ApplyResult.FailureKind;

class SqlStateClassifierTest {
    private final SqlStateClassifier defaults = SqlStateClassifier.ofDefaults();

    @ParameterizedTest(name = "SQLSTATE {0}, vendor code {1} is {2}")
    @CsvSource({
            "08006, 0, RETRYABLE", "08001, 0, RETRYABLE", "08S01, 0, RETRYABLE",
            "40001, 0, RETRYABLE", "40P01, 0, RETRYABLE", "40001, 1213, RETRYABLE", "40002, 0, PERMANENT",
            "55P03, 0, RETRYABLE", "HY000, 1205, RETRYABLE", "HYT00, 50200, RETRYABLE",
            "57P01, 0, RETRYABLE", "57P02, 0, RETRYABLE", "57P03, 0, RETRYABLE", "57014, 0, RETRYABLE",
            "53300, 0, RETRYABLE", "58030, 0, RETRYABLE", "70100, 1927, RETRYABLE", "HY000, 2013, RETRYABLE",
            "90067, 90067, RETRYABLE", "90121, 90121, RETRYABLE",
            "23505, 0, PERMANENT", "23000, 1062, PERMANENT", "42601, 0, PERMANENT", "42000, 1064, PERMANENT",
            "42501, 0, PERMANENT", "22001, 1406, PERMANENT", "22012, 0, PERMANENT", "0A000, 0, PERMANENT",
            "XX000, 0, RETRYABLE", "HY000, 9999, RETRYABLE", "25P02, 0, RETRYABLE"
    })
    void defaults(String state, int vendorCode, FailureKind expected) {
        assertEquals(expected, defaults.classify(new SQLException("m", state, vendorCode)));
    }

    @Test
    void withoutState_theExceptionTypeDecides() {
        assertEquals(FailureKind.RETRYABLE, defaults.classify(new SQLTimeoutException("t")));
        assertEquals(FailureKind.RETRYABLE, defaults.classify(new SQLRecoverableException("r")));
        assertEquals(FailureKind.RETRYABLE, defaults.classify(new SQLNonTransientConnectionException("c")));
        assertEquals(FailureKind.PERMANENT, defaults.classify(new SQLSyntaxErrorException("s")));
        assertEquals(FailureKind.RETRYABLE, defaults.classify(new SQLException("nothing known")));
    }

    @Test
    void anSqlExceptionAmongTheCauses_decides_otherFailuresArePermanent() {
        RuntimeException wrapped = new RuntimeException("dao", new SQLException("deadlock", "40P01"));
        assertEquals(FailureKind.RETRYABLE, defaults.classify((Throwable) wrapped));
        assertEquals(FailureKind.PERMANENT, defaults.classify((Throwable) new IllegalArgumentException("bad payload")));
        assertEquals(FailureKind.PERMANENT,
                defaults.classify((Throwable) new UncheckedIOException(new java.io.IOException("x"))));
    }

    @Test
    void builder_overridesAndExtendsTheDefaults() {
        SqlStateClassifier custom = SqlStateClassifier.builder()
                .sqlState("23505", FailureKind.RETRYABLE)
                .vendorCode(9999, FailureKind.PERMANENT)
                .sqlStateClass("XX", FailureKind.PERMANENT)
                .unknown(FailureKind.PERMANENT)
                .build();

        assertEquals(FailureKind.RETRYABLE, custom.classify(new SQLException("m", "23505")));
        assertEquals(FailureKind.PERMANENT, custom.classify(new SQLException("m", "23000")));
        assertEquals(FailureKind.PERMANENT, custom.classify(new SQLException("m", "HY000", 9999)));
        assertEquals(FailureKind.PERMANENT, custom.classify(new SQLException("m", "XX000")));
        assertEquals(FailureKind.PERMANENT, custom.classify(new SQLException("m", "ZZ999")));
        assertEquals(FailureKind.RETRYABLE, custom.classify(new SQLException("m", "40P01")));
        assertEquals(FailureKind.PERMANENT, SqlStateClassifier.ofDefaults().classify(new SQLException("m", "23505")),
                "the defaults are unchanged");
        assertEquals(FailureKind.PERMANENT, custom.toBuilder().build().unknownKind());
    }

    @Test
    void subclass_canOverrideOneDecision() {
        SqlStateClassifier custom = new SqlStateClassifier() {
            @Override
            protected FailureKind classifyOther(Throwable failure) {
                return failure instanceof IllegalStateException ? FailureKind.RETRYABLE : FailureKind.PERMANENT;
            }
        };
        assertEquals(FailureKind.RETRYABLE, custom.classify((Throwable) new IllegalStateException("pool closed")));
        assertEquals(FailureKind.PERMANENT, custom.classify((Throwable) new SQLException("m", "23505")));
    }

    @Test
    void builder_rejectsMalformedRules() {
        assertEquals("sqlState must be five characters [0-9A-Z] but was '2350'", assertThrows(
                IllegalArgumentException.class, () -> SqlStateClassifier.builder().sqlState("2350",
                        FailureKind.PERMANENT)).getMessage());
        assertEquals("sqlStateClass must be two characters [0-9A-Z] but was '8'", assertThrows(
                IllegalArgumentException.class, () -> SqlStateClassifier.builder().sqlStateClass("8",
                        FailureKind.PERMANENT)).getMessage());
        assertEquals("vendorCode must not be 0: drivers use 0 for 'no vendor code'", assertThrows(
                IllegalArgumentException.class, () -> SqlStateClassifier.builder().vendorCode(0,
                        FailureKind.PERMANENT)).getMessage());
    }
}
