package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.SyncPolicy;
import org.wal4j.WalConfig;
import org.wal4j.config.ConfigSources;
import org.wal4j.testing.DocTables;

/**
 * The file log's settings on the shared descriptor machinery: its docs table, one source feeding
 * both configurations, unknown keys, and errors naming where a value came from.
 */
class FileConfigurationDocTest {
    @TempDir
    Path dir;

    @Test
    void fileStorageConfigTable_isRenderedFromTheDescriptors() throws IOException {
        DocTables.assertTable("FileStorageConfig", FileStorageConfig.settings().renderMarkdown());
    }

    @Test
    void oneSource_feedsBothConfigurations_eachKnowingTheOthersKeys() throws IOException {
        Path file = dir.resolve("wal.properties");
        Files.write(file, List.of("wal.dir=/srv/wal", "wal.sync.policy=interval", "wal.retention=2d",
                "wal.target.primary.breaker.open.duration=3s"));
        ConfigSources source = ConfigSources.defaults().properties(file)
                .environment(Map.of("WAL_SYNC_INTERVAL", "20ms", "WAL_APPLY_BATCH_SIZE", "40"));

        FileStorageConfig storage = FileStorageConfig.from(source);
        WalConfig wal = WalConfig.builder().load(source).build();

        assertEquals(Paths.get("/srv/wal"), storage.dir());
        assertEquals(SyncPolicy.INTERVAL, storage.syncPolicy());
        assertEquals(Duration.ofMillis(20), storage.syncInterval());
        assertEquals(Duration.ofDays(2), wal.retention());
        assertEquals(40, wal.maxBatchSize());
        assertEquals(Duration.ofSeconds(3), wal.breakerFor("primary").openDuration());
        assertEquals(SyncPolicy.NONE, FileStorageConfig.builder(dir).syncPolicy(SyncPolicy.NONE).load(source)
                .build().syncPolicy(), "code wins over the source");
    }

    @Test
    void unknownKey_isRefusedWithTheNearestKnownOne_ofEitherModule() {
        ConfigSources source = ConfigSources.defaults().environment(Map.of("WAL_DIR", "/srv/wal",
                "WAL_SEGMENT_BYTE", "1MiB"));
        assertEquals("unknown environment variable WAL_SEGMENT_BYTE; did you mean WAL_SEGMENT_BYTES?",
                assertThrows(IllegalArgumentException.class, () -> FileStorageConfig.from(source)).getMessage());
        assertEquals("unknown environment variable WAL_SEGMENT_BYTE; did you mean WAL_SEGMENT_BYTES?",
                assertThrows(IllegalArgumentException.class, () -> WalConfig.builder().load(source)).getMessage());
    }

    @Test
    void outOfRange_namesTheFileItCameFrom() throws IOException {
        Path file = dir.resolve("wal.properties");
        Files.write(file, List.of("wal.dir=/srv/wal", "wal.max.entry.bytes=128MiB"));
        assertEquals("property wal.max.entry.bytes (from " + file + ") is out of range: maxEntryBytes must be "
                + "between 1 and 67108864 bytes but was 134217728", assertThrows(IllegalArgumentException.class,
                        () -> FileStorageConfig.from(ConfigSources.defaults().properties(file))).getMessage());
    }
}
