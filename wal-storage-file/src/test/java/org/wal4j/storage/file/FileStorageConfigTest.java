package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.wal4j.CorruptionPolicy;
import org.wal4j.SyncPolicy;

class FileStorageConfigTest {
    private static final Path DIR = Paths.get("/var/lib/app/wal");

    @Test
    void ofDefaults_usesEveryDefault() {
        FileStorageConfig c = FileStorageConfig.ofDefaults(DIR);
        assertEquals(DIR, c.dir());
        assertEquals(FileStorageConfig.DEFAULT_SYNC_POLICY, c.syncPolicy());
        assertEquals(SyncPolicy.ALWAYS, c.syncPolicy());
        assertEquals(FileStorageConfig.DEFAULT_SYNC_INTERVAL, c.syncInterval());
        assertEquals(64L << 20, c.segmentBytes());
        assertEquals(FileStorageConfig.DEFAULT_SEGMENT_MAX_AGE, c.segmentMaxAge());
        assertEquals(false, c.preallocate());
        assertEquals(CorruptionPolicy.FAIL, c.corruptionPolicy());
        assertEquals(1 << 20, c.maxEntryBytes());
        assertEquals(FileStorageConfig.DEFAULT_WRITE_QUEUE_CAPACITY, c.writeQueueCapacity());
    }

    @Test
    void setters_refuseValuesOutOfRange_namingFieldAndRange() {
        FileStorageConfig.Builder b = FileStorageConfig.builder(DIR);
        assertEquals("segmentBytes must be between 1024 and 1073741824 bytes but was 1000",
                assertThrows(IllegalArgumentException.class, () -> b.segmentBytes(1000)).getMessage());
        assertEquals("syncInterval must be between PT0.001S and PT10M but was PT0S",
                assertThrows(IllegalArgumentException.class, () -> b.syncInterval(Duration.ZERO)).getMessage());
        assertEquals("segmentMaxAge must be between PT1S and PT87600H but was PT0.5S",
                assertThrows(IllegalArgumentException.class, () -> b.segmentMaxAge(Duration.ofMillis(500)))
                        .getMessage());
        assertEquals("maxEntryBytes must be between 1 and 67108864 bytes but was 0",
                assertThrows(IllegalArgumentException.class, () -> b.maxEntryBytes(0)).getMessage());
        assertEquals("writeQueueCapacity must be between 1 and 1048576 but was 0",
                assertThrows(IllegalArgumentException.class, () -> b.writeQueueCapacity(0)).getMessage());
        assertEquals("syncPolicy must not be null",
                assertThrows(IllegalArgumentException.class, () -> b.syncPolicy(null)).getMessage());
        assertEquals("dir must not be null",
                assertThrows(IllegalArgumentException.class, () -> FileStorageConfig.builder(null)).getMessage());
    }

    @Test
    void fromProperties_readsEverySetting() {
        Properties p = new Properties();
        p.setProperty("wal.dir", "/data/wal");
        p.setProperty("wal.sync.policy", "interval");
        p.setProperty("wal.sync.interval", "250ms");
        p.setProperty("wal.segment.bytes", "16MiB");
        p.setProperty("wal.segment.max.age", "30m");
        p.setProperty("wal.preallocate", "true");
        p.setProperty("wal.corruption.policy", "QUARANTINE");
        p.setProperty("wal.max.entry.bytes", "64KiB");
        p.setProperty("wal.write.queue.capacity", "128");
        FileStorageConfig c = FileStorageConfig.fromProperties(p);
        assertEquals(Paths.get("/data/wal"), c.dir());
        assertEquals(SyncPolicy.INTERVAL, c.syncPolicy());
        assertEquals(Duration.ofMillis(250), c.syncInterval());
        assertEquals(16L << 20, c.segmentBytes());
        assertEquals(Duration.ofMinutes(30), c.segmentMaxAge());
        assertEquals(true, c.preallocate());
        assertEquals(CorruptionPolicy.QUARANTINE, c.corruptionPolicy());
        assertEquals(64 << 10, c.maxEntryBytes());
        assertEquals(128, c.writeQueueCapacity());
    }

    @Test
    void fromProperties_reportsTheProperty_forBadOrOutOfRangeValues() {
        assertEquals("property wal.dir must be set to the log directory",
                assertThrows(IllegalArgumentException.class, () -> FileStorageConfig.fromProperties(new Properties()))
                        .getMessage());
        assertEquals("property wal.sync.policy must be one of [ALWAYS, INTERVAL, NONE] but was 'sometimes'",
                message(Map.of("wal.sync.policy", "sometimes")));
        assertEquals("property wal.segment.bytes must be a size in bytes such as 1048576, 64KiB, 64MiB or 1GiB "
                + "but was 'big'", message(Map.of("wal.segment.bytes", "big")));
        assertEquals("property wal.segment.bytes is out of range: segmentBytes must be between 1024 and 1073741824 "
                + "bytes but was 2147483648", message(Map.of("wal.segment.bytes", "2GiB")));
        assertEquals("property wal.preallocate must be true or false but was 'yes'",
                message(Map.of("wal.preallocate", "yes")));
        assertEquals("property wal.write.queue.capacity is out of range: writeQueueCapacity must be between 1 and "
                + "1048576 but was 0", message(Map.of("wal.write.queue.capacity", "0")));
    }

    private static String message(Map<String, String> settings) {
        Properties p = new Properties();
        p.setProperty("wal.dir", "/data/wal");
        settings.forEach(p::setProperty);
        return assertThrows(IllegalArgumentException.class, () -> FileStorageConfig.fromProperties(p)).getMessage();
    }

    @Test
    void fromEnvironment_readsUpperCaseNames_andNamesTheVariableInErrors() {
        FileStorageConfig c = FileStorageConfig.fromEnvironment(Map.of("WAL_DIR", "/srv/wal", "WAL_SYNC_POLICY",
                "NONE", "WAL_SEGMENT_BYTES", "1MiB", "WAL_SEGMENT_MAX_AGE", "PT2H"));
        assertEquals(Paths.get("/srv/wal"), c.dir());
        assertEquals(SyncPolicy.NONE, c.syncPolicy());
        assertEquals(1L << 20, c.segmentBytes());
        assertEquals(Duration.ofHours(2), c.segmentMaxAge());
        assertEquals("environment variable WAL_DIR must be set to the log directory",
                assertThrows(IllegalArgumentException.class, () -> FileStorageConfig.fromEnvironment(Map.of()))
                        .getMessage());
        assertEquals("environment variable WAL_SYNC_INTERVAL is out of range: syncInterval must be between PT0.001S "
                + "and PT10M but was PT1H", assertThrows(IllegalArgumentException.class,
                        () -> FileStorageConfig.fromEnvironment(Map.of("WAL_DIR", "/srv/wal", "WAL_SYNC_INTERVAL",
                                "1h"))).getMessage());
    }
}
