package org.wal4j.storage.file;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.wal4j.CorruptionPolicy;
import org.wal4j.SyncPolicy;
import org.wal4j.spi.Checks;
import org.wal4j.spi.ConfigSource;

/**
 * How a {@link FileWalStorage} is set up: where it lives, when it forces, how large its segments
 * grow, what it does with damage found on open. Create with {@link #ofDefaults(Path)},
 * {@link #builder(Path)}, {@link #fromProperties(Properties)} or {@link #fromEnvironment()}.
 * Each setting's property name (and environment variable, derived by upper-casing and replacing
 * dots with underscores) is given on its builder method; docs/configuration.md lists them all.
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

    static final String DIR = "wal.dir";
    static final String SYNC_POLICY = "wal.sync.policy";
    static final String SYNC_INTERVAL = "wal.sync.interval";
    static final String SEGMENT_BYTES = "wal.segment.bytes";
    static final String SEGMENT_MAX_AGE = "wal.segment.max.age";
    static final String PREALLOCATE = "wal.preallocate";
    static final String CORRUPTION_POLICY = "wal.corruption.policy";
    static final String MAX_ENTRY_BYTES = "wal.max.entry.bytes";
    static final String WRITE_QUEUE_CAPACITY = "wal.write.queue.capacity";

    private final Path dir;
    private final SyncPolicy syncPolicy;
    private final Duration syncInterval;
    private final long segmentBytes;
    private final Duration segmentMaxAge;
    private final boolean preallocate;
    private final CorruptionPolicy corruptionPolicy;
    private final int maxEntryBytes;
    private final int writeQueueCapacity;
    private final Clock clock;
    private final WalFileSystem fileSystem;

    private FileStorageConfig(Builder b) {
        dir = b.dir;
        syncPolicy = b.syncPolicy;
        syncInterval = b.syncInterval;
        segmentBytes = b.segmentBytes;
        segmentMaxAge = b.segmentMaxAge;
        preallocate = b.preallocate;
        corruptionPolicy = b.corruptionPolicy;
        maxEntryBytes = b.maxEntryBytes;
        writeQueueCapacity = b.writeQueueCapacity;
        clock = b.clock;
        fileSystem = b.fileSystem;
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
        Builder b = new Builder(dir);
        b.syncPolicy = syncPolicy;
        b.syncInterval = syncInterval;
        b.segmentBytes = segmentBytes;
        b.segmentMaxAge = segmentMaxAge;
        b.preallocate = preallocate;
        b.corruptionPolicy = corruptionPolicy;
        b.maxEntryBytes = maxEntryBytes;
        b.writeQueueCapacity = writeQueueCapacity;
        b.clock = clock;
        b.fileSystem = fileSystem;
        return b;
    }

    /**
     * Reads the settings from properties named as on the {@link Builder} methods ({@code wal.dir}
     * is required); missing ones keep their defaults.
     *
     * @throws IllegalArgumentException naming the property and the problem
     */
    public static FileStorageConfig fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties must not be null");
        return from(ConfigSource.of(properties), property -> "property " + property);
    }

    /**
     * Reads the settings from environment variables: {@code WAL_DIR} (required),
     * {@code WAL_SYNC_POLICY}, {@code WAL_SYNC_INTERVAL}, {@code WAL_SEGMENT_BYTES},
     * {@code WAL_SEGMENT_MAX_AGE}, {@code WAL_PREALLOCATE}, {@code WAL_CORRUPTION_POLICY},
     * {@code WAL_MAX_ENTRY_BYTES}, {@code WAL_WRITE_QUEUE_CAPACITY}; missing ones keep their defaults.
     *
     * @throws IllegalArgumentException naming the variable and the problem
     */
    public static FileStorageConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static FileStorageConfig fromEnvironment(Map<String, String> environment) {
        return from(ConfigSource.ofEnvironment(environment),
                property -> "environment variable " + ConfigSource.environmentName(property));
    }

    private static FileStorageConfig from(ConfigSource source, UnaryOperator<String> nameOf) {
        String dir = source.string(DIR).orElseThrow(() -> new IllegalArgumentException(nameOf.apply(DIR)
                + " must be set to the log directory"));
        Builder b = builder(Paths.get(dir));
        set(nameOf, SYNC_POLICY, () -> source.enumValue(SYNC_POLICY, SyncPolicy.class).ifPresent(b::syncPolicy));
        set(nameOf, SYNC_INTERVAL, () -> source.duration(SYNC_INTERVAL).ifPresent(b::syncInterval));
        set(nameOf, SEGMENT_BYTES, () -> source.bytes(SEGMENT_BYTES).ifPresent(b::segmentBytes));
        set(nameOf, SEGMENT_MAX_AGE, () -> source.duration(SEGMENT_MAX_AGE).ifPresent(b::segmentMaxAge));
        set(nameOf, PREALLOCATE, () -> source.bool(PREALLOCATE).ifPresent(b::preallocate));
        set(nameOf, CORRUPTION_POLICY, () -> source.enumValue(CORRUPTION_POLICY, CorruptionPolicy.class)
                .ifPresent(b::corruptionPolicy));
        set(nameOf, MAX_ENTRY_BYTES, () -> source.bytes(MAX_ENTRY_BYTES).ifPresent(v -> b.maxEntryBytes(toInt(v))));
        set(nameOf, WRITE_QUEUE_CAPACITY, () -> source.integer(WRITE_QUEUE_CAPACITY)
                .ifPresent(b::writeQueueCapacity));
        return b.build();
    }

    /**
     * Runs one setter. A parse error from {@link ConfigSource} already names the setting's source;
     * a range error from the builder is re-thrown prefixed with it.
     */
    private static void set(UnaryOperator<String> nameOf, String property, Runnable setter) {
        String name = nameOf.apply(property);
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(name + " ")) {
                throw e;
            }
            throw new IllegalArgumentException(name + " is out of range: " + e.getMessage(), e);
        }
    }

    private static int toInt(long value) {
        return value > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }

    /** The log directory. */
    public Path dir() {
        return dir;
    }

    public SyncPolicy syncPolicy() {
        return syncPolicy;
    }

    public Duration syncInterval() {
        return syncInterval;
    }

    public long segmentBytes() {
        return segmentBytes;
    }

    public Duration segmentMaxAge() {
        return segmentMaxAge;
    }

    public boolean preallocate() {
        return preallocate;
    }

    public CorruptionPolicy corruptionPolicy() {
        return corruptionPolicy;
    }

    public int maxEntryBytes() {
        return maxEntryBytes;
    }

    public int writeQueueCapacity() {
        return writeQueueCapacity;
    }

    public Clock clock() {
        return clock;
    }

    public WalFileSystem fileSystem() {
        return fileSystem;
    }

    @Override
    public String toString() {
        return "FileStorageConfig{dir=" + dir + ", syncPolicy=" + syncPolicy + ", syncInterval=" + syncInterval
                + ", segmentBytes=" + segmentBytes + ", segmentMaxAge=" + segmentMaxAge + ", preallocate="
                + preallocate + ", corruptionPolicy=" + corruptionPolicy + ", maxEntryBytes=" + maxEntryBytes
                + ", writeQueueCapacity=" + writeQueueCapacity + '}';
    }

    /**
     * Builds a {@link FileStorageConfig}. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming the field, the allowed range and the value. Not
     * thread-safe.
     */
    public static final class Builder {
        private Path dir;
        private SyncPolicy syncPolicy = DEFAULT_SYNC_POLICY;
        private Duration syncInterval = DEFAULT_SYNC_INTERVAL;
        private long segmentBytes = DEFAULT_SEGMENT_BYTES;
        private Duration segmentMaxAge = DEFAULT_SEGMENT_MAX_AGE;
        private boolean preallocate = DEFAULT_PREALLOCATE;
        private CorruptionPolicy corruptionPolicy = DEFAULT_CORRUPTION_POLICY;
        private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
        private int writeQueueCapacity = DEFAULT_WRITE_QUEUE_CAPACITY;
        private Clock clock = Clock.systemUTC();
        private WalFileSystem fileSystem = WalFileSystem.real();

        private Builder(Path dir) {
            dir(dir);
        }

        /**
         * The directory holding the log's segment files and its {@code LOCK} file; created on open
         * if missing. Property {@code wal.dir}, environment {@code WAL_DIR}; required.
         */
        public Builder dir(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir must not be null");
            return this;
        }

        /**
         * When an append is acknowledged relative to the disk (see {@link SyncPolicy}). Property
         * {@code wal.sync.policy}, environment {@code WAL_SYNC_POLICY}; default
         * {@link FileStorageConfig#DEFAULT_SYNC_POLICY}.
         */
        public Builder syncPolicy(SyncPolicy syncPolicy) {
            this.syncPolicy = Objects.requireNonNull(syncPolicy, "syncPolicy must not be null");
            return this;
        }

        /**
         * How often written data is forced under {@link SyncPolicy#INTERVAL} (unused otherwise), from
         * {@link FileStorageConfig#MIN_SYNC_INTERVAL} to {@link FileStorageConfig#MAX_SYNC_INTERVAL}.
         * Property {@code wal.sync.interval}, environment {@code WAL_SYNC_INTERVAL}; default
         * {@link FileStorageConfig#DEFAULT_SYNC_INTERVAL}.
         */
        public Builder syncInterval(Duration syncInterval) {
            this.syncInterval = Checks.range("syncInterval", syncInterval, MIN_SYNC_INTERVAL, MAX_SYNC_INTERVAL);
            return this;
        }

        /**
         * Size in bytes at which the writer starts a new segment, from
         * {@link FileStorageConfig#MIN_SEGMENT_BYTES} to {@link FileStorageConfig#MAX_SEGMENT_BYTES}.
         * A segment exceeds it only to hold a single line larger than it. Property
         * {@code wal.segment.bytes} (such as {@code 64MiB}), environment {@code WAL_SEGMENT_BYTES};
         * default {@link FileStorageConfig#DEFAULT_SEGMENT_BYTES}.
         */
        public Builder segmentBytes(long segmentBytes) {
            if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and "
                        + MAX_SEGMENT_BYTES + " bytes but was " + segmentBytes);
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        /**
         * Age after which the writer starts a new segment even if the current one is not full, so
         * that compaction, which never touches the segment being written, can reclaim old entries;
         * from {@link FileStorageConfig#MIN_SEGMENT_MAX_AGE} to
         * {@link FileStorageConfig#MAX_SEGMENT_MAX_AGE}. Property {@code wal.segment.max.age},
         * environment {@code WAL_SEGMENT_MAX_AGE}; default
         * {@link FileStorageConfig#DEFAULT_SEGMENT_MAX_AGE}.
         */
        public Builder segmentMaxAge(Duration segmentMaxAge) {
            this.segmentMaxAge = Checks.range("segmentMaxAge", segmentMaxAge, MIN_SEGMENT_MAX_AGE,
                    MAX_SEGMENT_MAX_AGE);
            return this;
        }

        /**
         * Whether a new segment is filled with zeros to {@link #segmentBytes(long)} when created, so
         * that fdatasync need not update the file size on each append. Costs a full segment write at
         * each rotation. Property {@code wal.preallocate}, environment {@code WAL_PREALLOCATE};
         * default {@link FileStorageConfig#DEFAULT_PREALLOCATE}.
         */
        public Builder preallocate(boolean preallocate) {
            this.preallocate = preallocate;
            return this;
        }

        /**
         * What opening does with a damaged record that is not the torn tail of the last segment.
         * Property {@code wal.corruption.policy}, environment {@code WAL_CORRUPTION_POLICY}; default
         * {@link FileStorageConfig#DEFAULT_CORRUPTION_POLICY}.
         */
        public Builder corruptionPolicy(CorruptionPolicy corruptionPolicy) {
            this.corruptionPolicy = Objects.requireNonNull(corruptionPolicy, "corruptionPolicy must not be null");
            return this;
        }

        /**
         * Largest payload accepted, in bytes of UTF-8 JSON, from 1 to
         * {@link FileStorageConfig#MAX_MAX_ENTRY_BYTES}. Property {@code wal.max.entry.bytes},
         * environment {@code WAL_MAX_ENTRY_BYTES}; default
         * {@link FileStorageConfig#DEFAULT_MAX_ENTRY_BYTES}.
         */
        public Builder maxEntryBytes(int maxEntryBytes) {
            if (maxEntryBytes < 1 || maxEntryBytes > MAX_MAX_ENTRY_BYTES) {
                throw new IllegalArgumentException("maxEntryBytes must be between 1 and " + MAX_MAX_ENTRY_BYTES
                        + " bytes but was " + maxEntryBytes);
            }
            this.maxEntryBytes = maxEntryBytes;
            return this;
        }

        /**
         * Requests (append, status or sync calls) that may wait for the writer thread, from 1 to
         * {@link FileStorageConfig#MAX_WRITE_QUEUE_CAPACITY}; a caller finding the queue full waits
         * for room. Property {@code wal.write.queue.capacity}, environment
         * {@code WAL_WRITE_QUEUE_CAPACITY}; default {@link FileStorageConfig#DEFAULT_WRITE_QUEUE_CAPACITY}.
         */
        public Builder writeQueueCapacity(int writeQueueCapacity) {
            if (writeQueueCapacity < 1 || writeQueueCapacity > MAX_WRITE_QUEUE_CAPACITY) {
                throw new IllegalArgumentException("writeQueueCapacity must be between 1 and "
                        + MAX_WRITE_QUEUE_CAPACITY + " but was " + writeQueueCapacity);
            }
            this.writeQueueCapacity = writeQueueCapacity;
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
