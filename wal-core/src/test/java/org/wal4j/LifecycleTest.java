package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void nominalBackoffPerKindIsCapped() {
        Lifecycle.Builder b = Lifecycle.builder().backoffBase(Duration.ofMillis(100)).backoffCap(Duration.ofMillis(1000));

        Lifecycle fixed = b.backoff(Backoff.FIXED).build();
        assertEquals(Duration.ofMillis(100), fixed.nominalBackoff(1));
        assertEquals(Duration.ofMillis(100), fixed.nominalBackoff(7));

        Lifecycle linear = b.backoff(Backoff.LINEAR).build();
        assertEquals(Duration.ofMillis(300), linear.nominalBackoff(3));
        assertEquals(Duration.ofMillis(1000), linear.nominalBackoff(50));

        Lifecycle exponential = b.backoff(Backoff.EXPONENTIAL).backoffMultiplier(3).build();
        assertEquals(Duration.ofMillis(100), exponential.nominalBackoff(1));
        assertEquals(Duration.ofMillis(900), exponential.nominalBackoff(3));
        assertEquals(Duration.ofMillis(1000), exponential.nominalBackoff(4));
        assertEquals(Duration.ofMillis(1000), exponential.nominalBackoff(10_000));
    }

    @Test
    void ttlGivesExpiry() {
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(Optional.empty(), Lifecycle.ofDefaults().expiresAt(created));
        assertEquals(Optional.of(created.plusSeconds(60)),
                Lifecycle.builder().ttl(Duration.ofMinutes(1)).build().expiresAt(created));
    }

    @Test
    void validationNamesFieldAndRange() {
        assertEquals("maxAttempts must be at least 1 but was 0",
                assertThrows(IllegalArgumentException.class, () -> Lifecycle.builder().maxAttempts(0)).getMessage());
        assertEquals("initialDelay must be between PT0S and PT87600H but was PT-1S",
                assertThrows(IllegalArgumentException.class,
                        () -> Lifecycle.builder().initialDelay(Duration.ofSeconds(-1))).getMessage());
        assertEquals("backoffBase must be between PT0.001S and PT87600H but was PT0S",
                assertThrows(IllegalArgumentException.class,
                        () -> Lifecycle.builder().backoffBase(Duration.ZERO)).getMessage());
        assertEquals("backoffMultiplier must be between 1.0 and 100.0 but was 0.5",
                assertThrows(IllegalArgumentException.class,
                        () -> Lifecycle.builder().backoffMultiplier(0.5)).getMessage());
        assertEquals("backoffMultiplier must be between 1.0 and 100.0 but was NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> Lifecycle.builder().backoffMultiplier(Double.NaN)).getMessage());
        assertEquals("failedAttempts must be at least 1 but was 0",
                assertThrows(IllegalArgumentException.class, () -> Lifecycle.ofDefaults().nominalBackoff(0)).getMessage());
    }

    @Test
    void toBuilderRoundTrips() {
        Lifecycle l = Lifecycle.builder().maxAttempts(3).ttl(Duration.ofHours(1)).priority(Priority.HIGH)
                .jitter(false).build();
        assertEquals(l, l.toBuilder().build());
    }
}
