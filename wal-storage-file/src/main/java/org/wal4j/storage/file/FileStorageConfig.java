package org.wal4j.storage.file;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.wal4j.CorruptionPolicy;
import org.wal4j.PayloadEncryption;
import org.wal4j.SyncPolicy;
import org.wal4j.config.ConfigSources;
import org.wal4j.config.SettingTable;
import org.wal4j.config.SettingValues;
import org.wal4j.spi.PayloadCodec;

/**
 * How a {@link FileWalStorage} is set up: where it lives, when it forces, how large its segments
 * grow, what it does with damage found on open. Create with {@link #ofDefaults(Path)},
 * {@link #builder(Path)}, {@link #from(ConfigSources)}, {@link #fromProperties(Properties)} or
 * {@link #fromEnvironment()}. Each setting is described once, in {@link #settings()} (property,
 * environment variable, unit, range, default), which checks, reads and prints it and from which
 * docs/configuration.md's table is rendered; the sources and their precedence are those of
 * {@code WalConfig} ({@link ConfigSources}).
 *
 * <p>Immutable and thread-safe.
 */
public final class FileStorageConfig {
    /** Default {@link Builder#syncPolicy(SyncPolicy)}: acknowledge after fdatasync. */
    public static final SyncPolicy DEFAULT_SYNC_POLICY = SyncPolicy.ALWAYS;
    /** Default {@link Builder#syncInterval(Duration)}. */
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(50);
    /** Shortest {@link Builder#syncInterval(Duration)}. */
    public static final Duration MIN_SYNC_INTERVAL = Duration.ofMillis(1);
    /** Longest {@link Builder#syncInterval(Duration)}. */
    public static final Duration MAX_SYNC_INTERVAL = Duration.ofMinutes(10);
    /** Default {@link Builder#segmentBytes(long)}: 64 MiB. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Smallest {@link Builder#segmentBytes(long)}: 1 KiB. */
    public static final long MIN_SEGMENT_BYTES = 1L << 10;
    /** Largest {@link Builder#segmentBytes(long)}: 1 GiB. */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;
    /** Default {@link Builder#segmentMaxAge(Duration)}. */
    public static final Duration DEFAULT_SEGMENT_MAX_AGE = Duration.ofHours(1);
    /** Shortest {@link Builder#segmentMaxAge(Duration)}. */
    public static final Duration MIN_SEGMENT_MAX_AGE = Duration.ofSeconds(1);
    /** Longest {@link Builder#segmentMaxAge(Duration)}. */
    public static final Duration MAX_SEGMENT_MAX_AGE = Duration.ofDays(3650);
    /** Default {@link Builder#preallocate(boolean)}. */
    public static final boolean DEFAULT_PREALLOCATE = false;
    /** Default {@link Builder#corruptionPolicy(CorruptionPolicy)}: refuse to open a damaged log. */
    public static final CorruptionPolicy DEFAULT_CORRUPTION_POLICY = CorruptionPolicy.FAIL;
    /** Default {@link Builder#maxEntryBytes(int)}: 1 MiB. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 1 << 20;
    /** Largest {@link Builder#maxEntryBytes(int)}: 64 MiB. */
    public static final int MAX_MAX_ENTRY_BYTES = 64 << 20;
    /** Default {@link Builder#writeQueueCapacity(int)}. */
    public static final int DEFAULT_WRITE_QUEUE_CAPACITY = 4096;
    /** Largest {@link Builder#writeQueueCapacity(int)}. */
    public static final int MAX_WRITE_QUEUE_CAPACITY = 1 << 20;

    private final SettingValues values;
    private final Clock clock;
    private final WalFileSystem fileSystem;
    private final @Nullable PayloadCodec payloadCodec;

    private FileStorageConfig(Builder b) {
        values = b.values.copy();
        clock = b.clock;
        fileSystem = b.fileSystem;
        PayloadCodec codec = b.payloadCodec;
        if (codec == null && values.has(FileSettings.PAYLOAD_KEY_FILE)) {
            Path file = values.get(FileSettings.PAYLOAD_KEY_FILE);
            try {
                codec = PayloadEncryption.fromKeyFile(file);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(FileSettings.PAYLOAD_KEY_FILE.name()
                        + values.originSuffix(FileSettings.PAYLOAD_KEY_FILE) + ": " + e.getMessage(), e);
            }
        }
        payloadCodec = codec;
    }

    /** Every setting at its default, the log in {@code dir}. */
    public static FileStorageConfig ofDefaults(Path dir) {
        return builder(dir).build();
    }

    /** A builder with every setting at its default, the log in {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The descriptors of this class's settings (property, environment variable, unit, range,
     * default), from which docs/configuration.md's table is rendered.
     */
    public static SettingTable settings() {
        return FileSettings.TABLE;
    }

    /**
     * Reads the settings from properties named as in {@link #settings()} ({@code wal.dir} is
     * required); missing ones keep their defaults.
     *
     * @throws IllegalArgumentException naming the property and the problem
     */
    public static FileStorageConfig fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties must not be null");
        return from(ConfigSources.defaults().properties(properties), "property " + FileSettings.DIR.property());
    }

    /**
     * Reads the settings from environment variables ({@code WAL_DIR}, required, and the others
     * of {@link #settings()}); missing ones keep their defaults.
     *
     * @throws IllegalArgumentException naming the variable and the problem
     */
    public static FileStorageConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static FileStorageConfig fromEnvironment(Map<String, String> environment) {
        return from(ConfigSources.defaults().environment(environment),
                "environment variable " + FileSettings.DIR.environmentVariable());
    }

    /**
     * Reads the settings from {@code source}, where {@code wal.dir} is required; to give the
     * directory in code instead, use {@code builder(dir).load(source)}.
     *
     * @throws IllegalArgumentException naming the property or variable and the problem, or a
     *                                  {@code wal.*} key no module knows
     */
    public static FileStorageConfig from(ConfigSources source) {
        return from(source, "property " + FileSettings.DIR.property() + " or environment variable "
                + FileSettings.DIR.environmentVariable());
    }

    private static FileStorageConfig from(ConfigSources source, String dirName) {
        Objects.requireNonNull(source, "source must not be null");
        ConfigSources.Value dir = source.find(FileSettings.DIR).orElseThrow(
                () -> new IllegalArgumentException(dirName + " must be set to the log directory"));
        return new Builder(FileSettings.DIR.read(dir.text(), dir.origin())).load(source).build();
    }

    /** The log directory. */
    public Path dir() {
        return values.get(FileSettings.DIR);
    }

    public SyncPolicy syncPolicy() {
        return values.get(FileSettings.SYNC_POLICY);
    }

    public Duration syncInterval() {
        return values.get(FileSettings.SYNC_INTERVAL);
    }

    public long segmentBytes() {
        return values.get(FileSettings.SEGMENT_BYTES);
    }

    public Duration segmentMaxAge() {
        return values.get(FileSettings.SEGMENT_MAX_AGE);
    }

    public boolean preallocate() {
        return values.get(FileSettings.PREALLOCATE);
    }

    public CorruptionPolicy corruptionPolicy() {
        return values.get(FileSettings.CORRUPTION_POLICY);
    }

    public int maxEntryBytes() {
        return values.get(FileSettings.MAX_ENTRY_BYTES);
    }

    public int writeQueueCapacity() {
        return values.get(FileSettings.WRITE_QUEUE_CAPACITY);
    }

    public Clock clock() {
        return clock;
    }

    /**
     * The codec payloads are stored with (encrypted, for {@link PayloadEncryption}'s), if any: the
     * one given to {@link Builder#payloadCodec}, else the one of the keys in
     * {@link #payloadKeyFile()}, else none.
     */
    public Optional<PayloadCodec> payloadCodec() {
        return Optional.ofNullable(payloadCodec);
    }

    /** The key file {@code wal.payload.key.file} names, if set. */
    public Optional<Path> payloadKeyFile() {
        return values.has(FileSettings.PAYLOAD_KEY_FILE) ? Optional.of(values.get(FileSettings.PAYLOAD_KEY_FILE))
                : Optional.empty();
    }

    public WalFileSystem fileSystem() {
        return fileSystem;
    }

    @Override
    public String toString() {
        return values.render("FileStorageConfig") + (payloadCodec == null ? "" : ", payloadCodec=" + payloadCodec)
                + '}';
    }

    /**
     * Builds a {@link FileStorageConfig}. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming the field, the allowed range and the value. Not
     * thread-safe.
     */
    public static final class Builder {
        private final SettingValues values;
        private Clock clock = Clock.systemUTC();
        private WalFileSystem fileSystem = WalFileSystem.real();
        private @Nullable PayloadCodec payloadCodec;

        private Builder(Path dir) {
            values = SettingValues.defaultsOf(FileSettings.TABLE);
            dir(dir);
        }

        private Builder(FileStorageConfig c) {
            values = c.values.copy();
            clock = c.clock;
            fileSystem = c.fileSystem;
            payloadCodec = c.payloadCodec;
        }

        /**
         * Reads every setting {@code source} has, except those set in code on this builder (a
         * setter wins whether it is called before or after): defaults &lt; the source's layers
         * &lt; code.
         *
         * @throws IllegalArgumentException for a {@code wal.*} key no module knows (naming the
         *                                  nearest known key), or naming the property or variable
         *                                  whose value is malformed or out of range
         */
        public Builder load(ConfigSources source) {
            values.load(source);
            return this;
        }

        /**
         * The directory holding the log's segment files and its {@code LOCK} file; created on open
         * if missing. Required.
         */
        public Builder dir(Path dir) {
            values.set(FileSettings.DIR, dir);
            return this;
        }

        /**
         * When an append is acknowledged relative to the disk (see {@link SyncPolicy}); default
         * {@link FileStorageConfig#DEFAULT_SYNC_POLICY}.
         */
        public Builder syncPolicy(SyncPolicy syncPolicy) {
            values.set(FileSettings.SYNC_POLICY, syncPolicy);
            return this;
        }

        /**
         * How often written data is forced under {@link SyncPolicy#INTERVAL} (unused otherwise), from
         * {@link FileStorageConfig#MIN_SYNC_INTERVAL} to {@link FileStorageConfig#MAX_SYNC_INTERVAL};
         * default {@link FileStorageConfig#DEFAULT_SYNC_INTERVAL}.
         */
        public Builder syncInterval(Duration syncInterval) {
            values.set(FileSettings.SYNC_INTERVAL, syncInterval);
            return this;
        }

        /**
         * Size in bytes at which the writer starts a new segment, from
         * {@link FileStorageConfig#MIN_SEGMENT_BYTES} to {@link FileStorageConfig#MAX_SEGMENT_BYTES}.
         * A segment exceeds it only to hold a single line larger than it. Default
         * {@link FileStorageConfig#DEFAULT_SEGMENT_BYTES}.
         */
        public Builder segmentBytes(long segmentBytes) {
            values.set(FileSettings.SEGMENT_BYTES, segmentBytes);
            return this;
        }

        /**
         * Age after which the writer starts a new segment even if the current one is not full, so
         * that compaction, which never touches the segment being written, can reclaim old entries;
         * from {@link FileStorageConfig#MIN_SEGMENT_MAX_AGE} to
         * {@link FileStorageConfig#MAX_SEGMENT_MAX_AGE}; default
         * {@link FileStorageConfig#DEFAULT_SEGMENT_MAX_AGE}.
         */
        public Builder segmentMaxAge(Duration segmentMaxAge) {
            values.set(FileSettings.SEGMENT_MAX_AGE, segmentMaxAge);
            return this;
        }

        /**
         * Whether a new segment is filled with zeros to {@link #segmentBytes(long)} when created, so
         * that fdatasync need not update the file size on each append. Costs a full segment write at
         * each rotation. Default {@link FileStorageConfig#DEFAULT_PREALLOCATE}.
         */
        public Builder preallocate(boolean preallocate) {
            values.set(FileSettings.PREALLOCATE, preallocate);
            return this;
        }

        /**
         * What opening does with a damaged record that is not the torn tail of the last segment;
         * default {@link FileStorageConfig#DEFAULT_CORRUPTION_POLICY}.
         */
        public Builder corruptionPolicy(CorruptionPolicy corruptionPolicy) {
            values.set(FileSettings.CORRUPTION_POLICY, corruptionPolicy);
            return this;
        }

        /**
         * Largest payload accepted, in bytes of UTF-8 JSON (with a {@link #payloadCodec}, also the
         * largest stored form: an encrypted payload takes about 4/3 of its size and some 60 bytes), from 1 to
         * {@link FileStorageConfig#MAX_MAX_ENTRY_BYTES}; default
         * {@link FileStorageConfig#DEFAULT_MAX_ENTRY_BYTES}.
         */
        public Builder maxEntryBytes(int maxEntryBytes) {
            values.set(FileSettings.MAX_ENTRY_BYTES, maxEntryBytes);
            return this;
        }

        /**
         * Requests (append, status or sync calls) that may wait for the writer thread, from 1 to
         * {@link FileStorageConfig#MAX_WRITE_QUEUE_CAPACITY}; a caller finding the queue full waits
         * for room. Default {@link FileStorageConfig#DEFAULT_WRITE_QUEUE_CAPACITY}.
         */
        public Builder writeQueueCapacity(int writeQueueCapacity) {
            values.set(FileSettings.WRITE_QUEUE_CAPACITY, writeQueueCapacity);
            return this;
        }

        /** The clock for segment ages and header times; a seam for tests. Default the UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * The file system every file operation goes through; a seam for tests that inject faults.
         * Default {@link WalFileSystem#real()}.
         */
        public Builder fileSystem(WalFileSystem fileSystem) {
            this.fileSystem = Objects.requireNonNull(fileSystem, "fileSystem must not be null");
            return this;
        }

        /**
         * Encodes every payload with {@code codec} before it is written, and decodes it when read:
         * {@link PayloadEncryption#builder()} builds the AES-GCM codec that encrypts payloads at
         * rest. Lines written before (without a codec) are still read as they are; lines written with
         * it need it (or one of the same name with the keys they were written under) to be read,
         * see docs/format.md, "Encrypted payloads". Wins over {@code wal.payload.key.file}. Default
         * none.
         */
        public Builder payloadCodec(PayloadCodec codec) {
            Objects.requireNonNull(codec, "payloadCodec must not be null");
            String name = codec.name();
            if (name == null || !EntryBodyEncoder.isCodecName(name)) {
                throw new IllegalArgumentException("payloadCodec's name must match [A-Za-z0-9._-]{1,64} but was '"
                        + name + "'");
            }
            this.payloadCodec = codec;
            return this;
        }

        /**
         * Encrypts payloads under the keys in {@code file} ({@link PayloadEncryption#fromKeyFile},
         * read when the configuration is built); setting {@code wal.payload.key.file}. A codec given
         * to {@link #payloadCodec} wins.
         */
        public Builder payloadKeyFile(Path file) {
            values.set(FileSettings.PAYLOAD_KEY_FILE, file);
            return this;
        }

        /** Applies {@code changes} to this builder; for chaining a test's overrides. */
        public Builder with(Consumer<Builder> changes) {
            changes.accept(this);
            return this;
        }

        public FileStorageConfig build() {
            return new FileStorageConfig(this);
        }
    }
}
