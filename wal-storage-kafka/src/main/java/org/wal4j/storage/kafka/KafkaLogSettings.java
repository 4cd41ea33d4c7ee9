package org.wal4j.storage.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.Checks;
import org.wal4j.spi.PayloadCodec;

/**
 * The settings of a Kafka log, checked as they are set: {@link KafkaWalStorage#builder()} fills
 * one in, {@link Builder#open()} opens the log. Each setter states its unit, range and default by
 * the {@code DEFAULT_*} constant.
 *
 * <p>Immutable and thread-safe once built; the builder is not thread-safe.
 */
public final class KafkaLogSettings {
    /** Default topic partitions: 6. A log's partition count never changes once its topic exists. */
    public static final int DEFAULT_PARTITIONS = 6;
    /** Default replication factor: 3, so that an acknowledged entry survives the loss of one broker. */
    public static final int DEFAULT_REPLICATION_FACTOR = 3;
    /** Default {@code min.insync.replicas}: 2, so that an acknowledgement means two brokers hold the entry. */
    public static final int DEFAULT_MIN_IN_SYNC_REPLICAS = 2;
    /** Default time Kafka gets to acknowledge a record before the append fails: 30 s. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** Default producer {@code linger.ms}: 0 (Kafka 4's default of 5 ms costs every lone append 5 ms). */
    public static final Duration DEFAULT_LINGER = Duration.ZERO;
    /** Default time for opening: creating or checking the topics and reading them back: 60 s. */
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(60);
    /** Default largest payload, in bytes of UTF-8 JSON: 1 MiB, as for the file log. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 1 << 20;
    /** Default of {@link Builder#readCacheBytes}: 32 MiB. */
    public static final long DEFAULT_READ_CACHE_BYTES = 32L << 20;
    /** Suffix of the companion topic's name, which holds statuses, checkpoints and compaction marks. */
    public static final String COMPANION_SUFFIX = ".status";
    /** Room above {@link #maxEntryBytes()} for the entry's fields and Kafka's record framing, in bytes. */
    static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    /** Kafka's rule for topic names, less the room the companion's suffix needs. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1," + (249 - COMPANION_SUFFIX.length())
            + "}");
    /**
     * Client properties the storage sets itself, with the reason; a user's value for one is refused
     * rather than silently overridden or, worse, obeyed.
     */
    private static final Map<String, String> MANAGED = Map.ofEntries(
            Map.entry("bootstrap.servers", "set it with bootstrapServers(...)"),
            Map.entry("acks", "acks=all is what makes an acknowledgement survive a broker's loss"),
            Map.entry("enable.idempotence", "the idempotent producer keeps a retried record from being written twice "
                    + "or out of order"),
            Map.entry("max.in.flight.requests.per.connection", "the idempotent producer keeps order only with at "
                    + "most 5"),
            Map.entry("transactional.id", "the log does not write in Kafka transactions"),
            Map.entry("delivery.timeout.ms", "set it with deliveryTimeout(...)"),
            Map.entry("request.timeout.ms", "it follows deliveryTimeout(...)"),
            Map.entry("max.block.ms", "it follows deliveryTimeout(...)"),
            Map.entry("linger.ms", "set it with linger(...)"),
            Map.entry("retries", "the producer retries until deliveryTimeout(...)"),
            Map.entry("max.request.size", "it follows maxEntryBytes(...)"),
            Map.entry("key.serializer", "the log writes bytes"),
            Map.entry("value.serializer", "the log writes bytes"),
            Map.entry("key.deserializer", "the log reads bytes"),
            Map.entry("value.deserializer", "the log reads bytes"),
            Map.entry("group.id", "reading a log back uses no consumer group"),
            Map.entry("enable.auto.commit", "reading a log back commits no offsets"),
            Map.entry("isolation.level", "the log reads every acknowledged record"),
            Map.entry("allow.auto.create.topics", "the log creates its topics with its own settings"),
            Map.entry("fetch.max.wait.ms", "the log reads offsets it knows are there; a long poll only delays it"));

    private final String bootstrapServers;
    private final Map<String, Object> clientProperties;
    private final String topic;
    private final int partitions;
    private final int replicationFactor;
    private final int minInSyncReplicas;
    private final boolean allowWeakDurability;
    private final Duration deliveryTimeout;
    private final Duration linger;
    private final Duration openTimeout;
    private final int maxEntryBytes;
    private final long readCacheBytes;
    private final boolean existingLog;
    private final @Nullable PayloadCodec payloadCodec;

    private KafkaLogSettings(Builder b, String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(b.clientProperties);
        this.topic = topic;
        this.partitions = b.partitions;
        this.replicationFactor = b.replicationFactor;
        this.minInSyncReplicas = b.minInSyncReplicas;
        this.allowWeakDurability = b.allowWeakDurability;
        this.deliveryTimeout = b.deliveryTimeout;
        this.linger = b.linger;
        this.openTimeout = b.openTimeout;
        this.maxEntryBytes = b.maxEntryBytes;
        this.readCacheBytes = b.readCacheBytes;
        this.existingLog = b.existingLog;
        this.payloadCodec = b.payloadCodec;
    }

    /** These settings with {@code count} partitions: an existing log's own count, for {@link #existingLog()}. */
    KafkaLogSettings withPartitions(int count) {
        return copy(count, existingLog);
    }

    /** These settings for opening only an existing log ({@link #existingLog()}). */
    KafkaLogSettings asExistingLog() {
        return copy(partitions, true);
    }

    private KafkaLogSettings copy(int count, boolean existing) {
        Builder b = new Builder();
        b.clientProperties.putAll(clientProperties);
        b.partitions = count;
        b.replicationFactor = replicationFactor;
        b.minInSyncReplicas = minInSyncReplicas;
        b.allowWeakDurability = allowWeakDurability;
        b.deliveryTimeout = deliveryTimeout;
        b.linger = linger;
        b.openTimeout = openTimeout;
        b.maxEntryBytes = maxEntryBytes;
        b.readCacheBytes = readCacheBytes;
        b.existingLog = existing;
        b.payloadCodec = payloadCodec;
        return new KafkaLogSettings(b, bootstrapServers, topic);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Extra Kafka client properties (security, client id...), given to producer, consumer and admin client. */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    /** The log topic; the companion topic is this name plus {@link #COMPANION_SUFFIX}. */
    public String topic() {
        return topic;
    }

    public String companionTopic() {
        return topic + COMPANION_SUFFIX;
    }

    public int partitions() {
        return partitions;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public int minInSyncReplicas() {
        return minInSyncReplicas;
    }

    public boolean allowWeakDurability() {
        return allowWeakDurability;
    }

    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    public Duration linger() {
        return linger;
    }

    public Duration openTimeout() {
        return openTimeout;
    }

    public int maxEntryBytes() {
        return maxEntryBytes;
    }

    /** Memory for entries read from Kafka lately, kept to answer reads again without a fetch; 0: none. */
    public long readCacheBytes() {
        return readCacheBytes;
    }

    /**
     * True for opening only a log that exists, as an operator's tool does: see
     * {@link Builder#existingLog(boolean)}.
     */
    public boolean existingLog() {
        return existingLog;
    }

    /**
     * The codec entries' payloads are stored with ({@link Builder#payloadCodec}), or null: payloads
     * stored as written.
     */
    public @Nullable PayloadCodec payloadCodec() {
        return payloadCodec;
    }

    /**
     * Refuses a replication factor and {@code min.insync.replicas} that cannot keep an acknowledged
     * entry through the loss of one broker, unless weak durability was allowed.
     *
     * @param source what the numbers are: these settings, or an existing topic's configuration
     * @throws IllegalArgumentException saying which rule is broken and how to allow it anyway
     */
    static void checkDurability(String source, int replicationFactor, int minInSyncReplicas,
                                boolean allowWeakDurability) {
        if (minInSyncReplicas > replicationFactor) {
            throw new IllegalArgumentException(source + ": min.insync.replicas " + minInSyncReplicas
                    + " is above the replication factor " + replicationFactor + "; no write could ever be acknowledged");
        }
        if (allowWeakDurability) {
            return;
        }
        String problem = null;
        if (replicationFactor < 3) {
            problem = "replication factor " + replicationFactor + " is below 3";
        } else if (minInSyncReplicas < 2) {
            problem = "min.insync.replicas " + minInSyncReplicas + " is below 2: an acknowledged entry may be held by "
                    + "one broker only";
        } else if (minInSyncReplicas >= replicationFactor) {
            problem = "min.insync.replicas " + minInSyncReplicas + " equals the replication factor "
                    + replicationFactor + ": with one broker down no write is acknowledged";
        }
        if (problem != null) {
            throw new IllegalArgumentException(source + ": " + problem + ", which cannot survive the loss of one "
                    + "broker (use replication factor 3 or more and min.insync.replicas at least 2 and below it); "
                    + "call allowWeakDurability(true) to accept it anyway");
        }
    }

    /** Builds {@link KafkaLogSettings}; not thread-safe. */
    public static final class Builder {
        private @Nullable String bootstrapServers;
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private @Nullable String topic;
        private int partitions = DEFAULT_PARTITIONS;
        private int replicationFactor = DEFAULT_REPLICATION_FACTOR;
        private int minInSyncReplicas = DEFAULT_MIN_IN_SYNC_REPLICAS;
        private boolean allowWeakDurability;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private Duration linger = DEFAULT_LINGER;
        private Duration openTimeout = DEFAULT_OPEN_TIMEOUT;
        private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
        private long readCacheBytes = DEFAULT_READ_CACHE_BYTES;
        private boolean existingLog;
        private @Nullable PayloadCodec payloadCodec;

        Builder() {
        }

        /** Kafka's {@code bootstrap.servers}: {@code host:port[,host:port...]}. Required. */
        public Builder bootstrapServers(String servers) {
            if (servers == null || servers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must not be blank");
            }
            this.bootstrapServers = servers;
            return this;
        }

        /**
         * A Kafka client property (security, client id, compression...) for the producer, the
         * consumer and the admin client.
         *
         * @throws IllegalArgumentException for a property the log sets itself, naming it and why
         */
        public Builder clientProperty(String name, Object value) {
            if (name == null || value == null) {
                throw new IllegalArgumentException("client property name and value must not be null");
            }
            String reason = MANAGED.get(name);
            if (reason != null) {
                throw new IllegalArgumentException("client property '" + name + "' is set by the Kafka log itself ("
                        + reason + "); remove it");
            }
            clientProperties.put(name, value);
            return this;
        }

        /** {@link #clientProperty} for each entry of {@code properties}. */
        public Builder clientProperties(Map<String, ?> properties) {
            properties.forEach(this::clientProperty);
            return this;
        }

        /** The log topic, {@code [a-zA-Z0-9._-]}, at most 242 characters (the companion adds ".status"). Required. */
        public Builder topic(String topic) {
            if (topic == null || !TOPIC.matcher(topic).matches()) {
                throw new IllegalArgumentException("topic must match " + TOPIC.pattern() + " but was '" + topic + "'");
            }
            this.topic = topic;
            return this;
        }

        /** Topic partitions, between 1 and {@link ApplyPartitions#MAX}; default {@link #DEFAULT_PARTITIONS}. */
        public Builder partitions(int partitions) {
            this.partitions = (int) Checks.range("partitions", partitions, 1, ApplyPartitions.MAX);
            return this;
        }

        /** Replicas of each partition, between 1 and 32767; default {@link #DEFAULT_REPLICATION_FACTOR}. */
        public Builder replicationFactor(int replicationFactor) {
            this.replicationFactor = (int) Checks.range("replicationFactor", replicationFactor, 1, Short.MAX_VALUE);
            return this;
        }

        /** The topics' {@code min.insync.replicas}, at least 1; default {@link #DEFAULT_MIN_IN_SYNC_REPLICAS}. */
        public Builder minInSyncReplicas(int minInSyncReplicas) {
            this.minInSyncReplicas = (int) Checks.range("minInSyncReplicas", minInSyncReplicas, 1, Short.MAX_VALUE);
            return this;
        }

        /**
         * Accept a replication factor below 3, {@code min.insync.replicas} below 2, or one equal to the
         * replication factor, and an existing topic with {@code unclean.leader.election.enable=true}:
         * for development clusters of one broker. Default false.
         */
        public Builder allowWeakDurability(boolean allow) {
            this.allowWeakDurability = allow;
            return this;
        }

        /**
         * How long Kafka may take to acknowledge a record (the producer's {@code delivery.timeout.ms});
         * past it the append fails and the log refuses writes until reopened. Between 1 s and 1 h;
         * default {@link #DEFAULT_DELIVERY_TIMEOUT}.
         */
        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = Checks.range("deliveryTimeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /** The producer's {@code linger.ms}, between 0 and 1 s; default {@link #DEFAULT_LINGER}. */
        public Builder linger(Duration linger) {
            this.linger = Checks.range("linger", linger, Duration.ZERO, Duration.ofSeconds(1));
            return this;
        }

        /** Bound on creating or checking the topics and reading them back, 1 s to 1 h; default {@link #DEFAULT_OPEN_TIMEOUT}. */
        public Builder openTimeout(Duration timeout) {
            this.openTimeout = Checks.range("openTimeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /** The largest payload, 1 byte to 64 MiB; default {@link #DEFAULT_MAX_ENTRY_BYTES}. */
        public Builder maxEntryBytes(int bytes) {
            this.maxEntryBytes = (int) Checks.range("maxEntryBytes", bytes, 1, 64L << 20);
            return this;
        }

        /**
         * Memory, in bytes, for the entries read from Kafka lately (payload and fields, estimated),
         * kept so that reading them again costs no fetch: the engine's window re-reads the entries
         * it holds each time it refills a lane, which on a backlog larger than the window would
         * otherwise fetch each record several times. Set it to at least the {@code Wal}'s
         * {@code windowBytes} when that is raised. 0 (no cache) to 1 GiB; default
         * {@link #DEFAULT_READ_CACHE_BYTES}.
         */
        public Builder readCacheBytes(long bytes) {
            this.readCacheBytes = Checks.range("readCacheBytes", bytes, 0, 1L << 30);
            return this;
        }

        /**
         * Open only a log whose two topics exist, as an operator's tool does ({@code wal status}
         * and the like): an absent topic is refused, never created, and the partition count is the
         * log topic's own (the {@link #partitions} set here is ignored). The existing topics'
         * durability is the application's choice and is accepted as it is, except a
         * {@code min.insync.replicas} above the replication factor. Default false: the topics are
         * created if absent and checked against these settings.
         */
        public Builder existingLog(boolean existing) {
            this.existingLog = existing;
            return this;
        }

        /**
         * Stores every payload appended as {@code codec} encodes it (encrypts it, with
         * {@link org.wal4j.PayloadEncryption}), the record's {@code wal4j.entry} header naming the
         * codec; reads decode such records with it. Records without a codec name (written without
         * one) are read as written, so encryption can be turned on for an existing log. Without a
         * codec (the default, or null) a record naming a codec is refused with
         * {@link org.wal4j.WalPayloadException} when read, except by {@link KafkaLogInspector},
         * which then shows the stored form. See docs/kafka.md.
         */
        public Builder payloadCodec(@Nullable PayloadCodec codec) {
            this.payloadCodec = codec;
            return this;
        }

        /**
         * The settings, checked together.
         *
         * @throws IllegalArgumentException if bootstrap servers or topic is missing, or durability is weak
         *                                  and not allowed
         */
        public KafkaLogSettings build() {
            if (bootstrapServers == null) {
                throw new IllegalArgumentException("bootstrapServers is required");
            }
            if (topic == null) {
                throw new IllegalArgumentException("topic is required");
            }
            checkDurability("Kafka log '" + topic + "'", replicationFactor, minInSyncReplicas, allowWeakDurability);
            return new KafkaLogSettings(this, bootstrapServers, topic);
        }

        /**
         * Builds the settings and opens the log shared by the application instances of consumer group
         * {@code group} ({@link SharedKafkaWalStorage#open(KafkaLogSettings, String)}).
         */
        public SharedKafkaWalStorage openShared(String group) {
            return SharedKafkaWalStorage.open(build(), group);
        }

        /** Builds the settings and opens the log ({@link KafkaWalStorage#open(KafkaLogSettings)}). */
        public KafkaWalStorage open() {
            return KafkaWalStorage.open(build());
        }
    }

    /** Names of the client properties the log sets itself (for docs and tests). */
    static Set<String> managedProperties() {
        return MANAGED.keySet();
    }
}
