package org.wal4j.storage.file;

import static org.wal4j.storage.file.FileStorageConfig.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.wal4j.CorruptionPolicy;
import org.wal4j.SyncPolicy;
import org.wal4j.config.Setting;
import org.wal4j.config.SettingTable;
import org.wal4j.config.ValueType;

/**
 * The descriptors of {@link FileStorageConfig}'s settings: the one place each setting's property,
 * unit, range, default and documentation sentence are written. docs/configuration.md's table is
 * rendered from here (a test fails when it differs).
 *
 * <p>Constants only; thread-safe.
 */
final class FileSettings {
    static final Setting<Path> DIR = Setting.builder("dir", "wal.dir", ValueType.path())
            .unit("directory path").defaultText("required")
            .doc("where the segment files and the `LOCK` file live; created if missing").build();
    static final Setting<SyncPolicy> SYNC_POLICY = Setting.builder("syncPolicy", "wal.sync.policy",
                    ValueType.enumOf(SyncPolicy.class))
            .unit("`ALWAYS`, `INTERVAL`, `NONE`").defaultValue(DEFAULT_SYNC_POLICY)
            .doc("when an append is acknowledged relative to the disk").build();
    static final Setting<Duration> SYNC_INTERVAL = Setting.builder("syncInterval", "wal.sync.interval",
                    ValueType.duration())
            .unit("duration").range(MIN_SYNC_INTERVAL, MAX_SYNC_INTERVAL).defaultValue(DEFAULT_SYNC_INTERVAL)
            .doc("how often written data is forced; used by `INTERVAL` only").build();
    static final Setting<Long> SEGMENT_BYTES = Setting.builder("segmentBytes", "wal.segment.bytes",
                    ValueType.bytes())
            .unit("bytes").range(MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES).defaultValue(DEFAULT_SEGMENT_BYTES)
            .doc("size at which the writer starts a new segment").build();
    static final Setting<Duration> SEGMENT_MAX_AGE = Setting.builder("segmentMaxAge", "wal.segment.max.age",
                    ValueType.duration())
            .unit("duration").range(MIN_SEGMENT_MAX_AGE, MAX_SEGMENT_MAX_AGE).defaultValue(DEFAULT_SEGMENT_MAX_AGE)
            .doc("age at which the writer starts a new segment even if the current one is not full").build();
    static final Setting<Boolean> PREALLOCATE = Setting.builder("preallocate", "wal.preallocate", ValueType.bool())
            .unit("boolean").defaultValue(DEFAULT_PREALLOCATE)
            .doc("fill a new segment with zeros to `segmentBytes` when it is created").build();
    static final Setting<CorruptionPolicy> CORRUPTION_POLICY = Setting.builder("corruptionPolicy",
                    "wal.corruption.policy", ValueType.enumOf(CorruptionPolicy.class))
            .unit("`FAIL`, `QUARANTINE`").defaultValue(DEFAULT_CORRUPTION_POLICY)
            .doc("what opening does with a damaged record that is not the torn tail of the last segment").build();
    static final Setting<Integer> MAX_ENTRY_BYTES = Setting.builder("maxEntryBytes", "wal.max.entry.bytes",
                    ValueType.intBytes())
            .unit("bytes").range(1, MAX_MAX_ENTRY_BYTES).defaultValue(DEFAULT_MAX_ENTRY_BYTES)
            .doc("largest payload, in bytes of UTF-8 JSON; the payload's other limits (nesting, number and "
                    + "string lengths) are fixed, see [format.md](format.md#what-a-payload-may-be)").build();
    static final Setting<Integer> WRITE_QUEUE_CAPACITY = Setting.builder("writeQueueCapacity",
                    "wal.write.queue.capacity", ValueType.integer())
            .unit("requests").range(1, MAX_WRITE_QUEUE_CAPACITY).defaultValue(DEFAULT_WRITE_QUEUE_CAPACITY)
            .doc("requests waiting for the writer thread; a caller finding the queue full waits for room").build();

    static final Setting<Path> PAYLOAD_KEY_FILE = Setting.builder("payloadKeyFile", "wal.payload.key.file",
                    ValueType.path())
            .unit("file path").defaultText("none (payloads stored as written)")
            .doc("encrypt payloads at rest with AES-GCM under the keys in this file, one `id=BASE64KEY` per line, "
                    + "the last one current (see [operations.md](operations.md#payload-keys)); the keys "
                    + "themselves never go into configuration").build();

    /** The settings of {@link FileStorageConfig}, in documentation order. */
    static final SettingTable TABLE = SettingTable.of("FileStorageConfig", List.of(DIR, SYNC_POLICY,
            SYNC_INTERVAL, SEGMENT_BYTES, SEGMENT_MAX_AGE, PREALLOCATE, CORRUPTION_POLICY, MAX_ENTRY_BYTES,
            WRITE_QUEUE_CAPACITY, PAYLOAD_KEY_FILE));

    private FileSettings() {
    }
}
