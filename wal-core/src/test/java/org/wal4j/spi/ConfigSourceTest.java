package org.wal4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.wal4j.SyncPolicy;

class ConfigSourceTest {

    private static ConfigSource props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return ConfigSource.of(p);
    }

    @Test
    void durationsInShortAndIsoForm() {
        assertEquals(Optional.of(Duration.ofMillis(250)), props("wal.x", "250ms").duration("wal.x"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), props("wal.x", "30s").duration("wal.x"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), props("wal.x", "5m").duration("wal.x"));
        assertEquals(Optional.of(Duration.ofHours(2)), props("wal.x", "2h").duration("wal.x"));
        assertEquals(Optional.of(Duration.ofDays(7)), props("wal.x", "7d").duration("wal.x"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), props("wal.x", "PT30S").duration("wal.x"));
    }

    @Test
    void sizesInBytesAndBinaryUnits() {
        assertEquals(Optional.of(1048576L), props("wal.x", "1048576").bytes("wal.x"));
        assertEquals(Optional.of(64L << 10), props("wal.x", "64KiB").bytes("wal.x"));
        assertEquals(Optional.of(64L << 20), props("wal.x", "64MiB").bytes("wal.x"));
        assertEquals(Optional.of(1L << 30), props("wal.x", "1GiB").bytes("wal.x"));
        assertEquals(Optional.of(2L << 20), props("wal.x", "2MB").bytes("wal.x"));
    }

    @Test
    void environmentNamesAreDerivedFromPropertyNames() {
        ConfigSource env = ConfigSource.ofEnvironment(Map.of("WAL_SYNC_POLICY", "interval"));
        assertEquals(Optional.of(SyncPolicy.INTERVAL), env.enumValue("wal.sync.policy", SyncPolicy.class));
        assertEquals(Optional.empty(), env.string("wal.dir"));
    }

    @Test
    void blankValuesCountAsUnset() {
        assertEquals(Optional.empty(), props("wal.x", "  ").duration("wal.x"));
    }

    @Test
    void errorsNameTheSettingAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> props("wal.retention", "seven days").duration("wal.retention"));
        assertEquals("property wal.retention must be a duration such as 250ms, 30s, 5m, 2h, 7d or PT30S "
                + "but was 'seven days'", e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ConfigSource.ofEnvironment(Map.of("WAL_SYNC_POLICY", "sometimes"))
                        .enumValue("wal.sync.policy", SyncPolicy.class));
        assertEquals("environment variable WAL_SYNC_POLICY must be one of [ALWAYS, INTERVAL, NONE] but was 'sometimes'",
                e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> props("wal.segment.bytes", "64 parsecs").bytes("wal.segment.bytes"));
        assertEquals("property wal.segment.bytes must be a size in bytes such as 1048576, 64KiB, 64MiB or 1GiB "
                + "but was '64 parsecs'", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> props("wal.x", "99999999999GiB").bytes("wal.x"));
        assertEquals("property wal.x must be a size below 8 EiB but was '99999999999GiB'", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> props("wal.x", "yes").bool("wal.x"));
        assertEquals("property wal.x must be true or false but was 'yes'", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> props("wal.x", "1.5").integer("wal.x"));
        assertEquals("property wal.x must be a whole number but was '1.5'", e.getMessage());
    }
}
