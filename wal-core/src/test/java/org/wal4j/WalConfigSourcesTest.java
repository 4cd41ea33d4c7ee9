package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.config.ConfigSources;

/** Loading {@link WalConfig} from combined sources: precedence, unknown keys, errors naming their origin, per-target breakers. */
class WalConfigSourcesTest {
    @TempDir
    Path dir;

    private static void assertMessage(String expected, Executable action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action).getMessage());
    }

    private static Properties props(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("wal.properties");
        Files.write(f, java.util.List.of(lines));
        return f;
    }

    @Test
    void outOfRange_fromTheEnvironment_namesTheVariableTheFieldAndTheRange() {
        assertMessage("environment variable WAL_APPLY_BATCH_SIZE is out of range: maxBatchSize must be between 1 "
                + "and 10000 but was 0", () -> WalConfig.fromEnvironment(Map.of("WAL_APPLY_BATCH_SIZE", "0")));
        assertMessage("environment variable WAL_LIFECYCLE_MAX_ATTEMPTS is out of range: maxAttempts must be at "
                + "least 1 but was 0", () -> WalConfig.fromEnvironment(Map.of("WAL_LIFECYCLE_MAX_ATTEMPTS", "0")));
    }

    @Test
    void outOfRange_fromAPropertiesFile_namesThePropertyAndTheFile() throws IOException {
        Path f = file("wal.retention=0s");
        assertMessage("property wal.retention (from " + f + ") is out of range: retention must be between PT1S "
                + "and PT87600H but was PT0S",
                () -> WalConfig.builder().load(ConfigSources.defaults().properties(f)));
    }

    @Test
    void crossCheck_namesWhereEachValueCameFrom() {
        assertMessage("windowEntries (50, environment variable WAL_APPLY_WINDOW_ENTRIES) must be at least "
                + "maxBatchSize (100)", () -> WalConfig.fromEnvironment(Map.of("WAL_APPLY_WINDOW_ENTRIES", "50")));
    }

    @Test
    void unknownProperty_isRefused_naming_theNearestKnownKey() {
        assertMessage("unknown property wal.apply.batchsize; did you mean wal.apply.batch.size?",
                () -> WalConfig.fromProperties(props("wal.apply.batchsize", "5")));
        assertMessage("unknown property wal.lifecycle.max.atempts; did you mean wal.lifecycle.max.attempts?",
                () -> WalConfig.fromProperties(props("wal.lifecycle.max.atempts", "5")));
        // keys outside wal.* belong to someone else
        assertEquals(WalConfig.DEFAULT_MAX_BATCH_SIZE,
                WalConfig.fromProperties(props("spring.datasource.url", "jdbc:h2:mem:x")).maxBatchSize());
    }

    @Test
    void unknownEnvironmentVariable_isRefusedOnlyWhenItLooksLikeOurs() {
        assertMessage("unknown environment variable WAL_APPLY_BATCH_SIZ; did you mean WAL_APPLY_BATCH_SIZE?",
                () -> WalConfig.fromEnvironment(Map.of("WAL_APPLY_BATCH_SIZ", "5")));
        // another program's variable, far from every one of ours, is left alone
        assertEquals(WalConfig.ofDefaults().maxBatchSize(),
                WalConfig.fromEnvironment(Map.of("WAL_HOME", "/opt/wal", "WALLPAPER", "x")).maxBatchSize());
    }

    @Test
    void precedence_defaults_thenPropertiesFile_thenEnvironment_thenCode() throws IOException {
        Path f = file("wal.apply.batch.size=20", "wal.retention=2d", "wal.stop.timeout=5s", "wal.backpressure.timeout=1s");
        ConfigSources sources = ConfigSources.defaults().properties(f)
                .environment(Map.of("WAL_APPLY_BATCH_SIZE", "30", "WAL_RETENTION", "3d"));
        WalConfig c = WalConfig.builder()
                .retention(Duration.ofDays(4)) // code, set before the load: still wins
                .load(sources)
                .stopTimeout(Duration.ofSeconds(6)) // code, set after the load
                .build();
        assertEquals(Duration.ofDays(4), c.retention(), "code over environment");
        assertEquals(30, c.maxBatchSize(), "environment over file");
        assertEquals(Duration.ofSeconds(6), c.stopTimeout(), "code over file");
        assertEquals(Duration.ofSeconds(1), c.writeTimeout(), "file over default");
        assertEquals(WalConfig.DEFAULT_CHECKPOINT_INTERVAL, c.checkpointInterval(), "default");
    }

    @Test
    void lifecycleSetInCode_winsOverTheLifecycleSettingsOfSources() {
        Lifecycle once = Lifecycle.builder().maxAttempts(1).build();
        WalConfig c = WalConfig.builder().defaultLifecycle(once)
                .load(ConfigSources.defaults().environment(Map.of("WAL_LIFECYCLE_MAX_ATTEMPTS", "7"))).build();
        assertEquals(once, c.defaultLifecycle());
    }

    @Test
    void breakerSettings_canDifferPerTarget() {
        ConfigSources sources = ConfigSources.defaults()
                .properties(props("wal.breaker.open.duration", "20s",
                        "wal.target.search.breaker.open.duration", "5s",
                        "wal.target.db.primary.breaker.probe.interval", "0s"))
                .environment(Map.of("WAL_TARGET_SEARCH_BREAKER_MINIMUM_CALLS", "2"));
        WalConfig c = WalConfig.builder().load(sources)
                .breakerFor("ledger", b -> b.openDuration(Duration.ofMillis(700)).halfOpenCalls(3))
                .build();

        BreakerSettings search = c.breakerFor("search");
        assertEquals(Duration.ofSeconds(5), search.openDuration());
        assertEquals(2, search.minimumCalls());
        assertEquals(WalConfig.DEFAULT_BREAKER_SLIDING_WINDOW_SIZE, search.slidingWindowSize(), "follows the Wal");
        assertEquals(Duration.ZERO, c.breakerFor("db.primary").probeInterval());
        assertEquals(Duration.ofSeconds(20), c.breakerFor("db.primary").openDuration());
        BreakerSettings ledger = c.breakerFor("ledger");
        assertEquals(Duration.ofMillis(700), ledger.openDuration());
        assertEquals(3, ledger.halfOpenCalls());
        BreakerSettings other = c.breakerFor("other");
        assertEquals(Duration.ofSeconds(20), other.openDuration());
        assertEquals(WalConfig.DEFAULT_BREAKER_MINIMUM_CALLS, other.minimumCalls());
        assertTrue(c.toString().contains("target(SEARCH){breakerMinimumCalls=2, breakerOpenDuration=PT5S}"),
                c.toString());
        assertEquals(Duration.ofMillis(700), c.toBuilder().build().breakerFor("ledger").openDuration());
    }

    @Test
    void applyPartitions_outOfRange_isRefusedNamingTheSourceAndTheValue() {
        assertMessage("applyPartitions must be between 1 and 1024 but was 0",
                () -> WalConfig.builder().applyPartitions(0));
        assertMessage("applyPartitions must be between 1 and 1024 but was 1025",
                () -> WalConfig.builder().applyPartitionsFor("search", 1025));
        assertMessage("environment variable WAL_APPLY_PARTITIONS is out of range: applyPartitions must be between 1 "
                + "and 1024 but was 1025", () -> WalConfig.fromEnvironment(Map.of("WAL_APPLY_PARTITIONS", "1025")));
        Properties p = new Properties();
        p.setProperty("wal.target.search.apply.partitions", "0");
        assertMessage("property wal.target.search.apply.partitions is out of range: applyPartitions must be between "
                + "1 and 1024 but was 0", () -> WalConfig.fromProperties(p));
    }

    @Test
    void applyPartitions_canDifferPerTarget_inCodeAndFromSources() {
        Properties p = new Properties();
        p.setProperty("wal.apply.partitions", "8");
        p.setProperty("wal.target.search.apply.partitions", "2");
        WalConfig c = WalConfig.builder().load(ConfigSources.defaults().properties(p)
                        .environment(Map.of("WAL_TARGET_DB_PRIMARY_APPLY_PARTITIONS", "16")))
                .applyPartitionsFor("ledger", 1).build();
        assertEquals(8, c.applyPartitions());
        assertEquals(2, c.applyPartitionsFor("search"));
        assertEquals(16, c.applyPartitionsFor("db.primary"));
        assertEquals(1, c.applyPartitionsFor("ledger"));
        assertEquals(8, c.applyPartitionsFor("other"), "follows the Wal");
        assertEquals(WalConfig.DEFAULT_APPLY_PARTITIONS, WalConfig.ofDefaults().applyPartitionsFor("any"));
        assertEquals(1, c.toBuilder().build().applyPartitionsFor("ledger"));
        assertEquals(WalConfig.DEFAULT_BREAKER_OPEN_DURATION, c.breakerFor("ledger").openDuration(),
                "a target's own partitions leave its breaker at the Wal's settings");
    }

    @Test
    void perTargetBreaker_errorsNameTheTargetAndTheSource() {
        assertMessage("target 'SEARCH': breakerMinimumCalls (20, environment variable "
                + "WAL_TARGET_SEARCH_BREAKER_MINIMUM_CALLS) must be at most breakerSlidingWindowSize (10)",
                () -> WalConfig.fromEnvironment(Map.of("WAL_TARGET_SEARCH_BREAKER_MINIMUM_CALLS", "20")));
        assertMessage("property wal.target.search.breaker.open.duration is out of range: breakerOpenDuration must "
                + "be between PT0.001S and PT24H but was PT0S",
                () -> WalConfig.fromProperties(props("wal.target.search.breaker.open.duration", "0s")));
        assertMessage("unknown property wal.target.search.breaker.open.durration; did you mean "
                + "wal.target.search.breaker.open.duration?",
                () -> WalConfig.fromProperties(props("wal.target.search.breaker.open.durration", "5s")));
        assertMessage("breakerOpenDuration must be between PT0.001S and PT24H but was PT0S",
                () -> WalConfig.builder().breakerFor("search", b -> b.openDuration(Duration.ZERO)));
        assertMessage("target name must match [A-Za-z0-9._-]{1,64} but was 'bad name'",
                () -> WalConfig.builder().breakerFor("bad name", b -> b.halfOpenCalls(2)));
    }
}
