package org.wal4j.storage.kafka;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.WalIOException;

/**
 * Creates a log's two topics if absent, and checks existing ones against the settings, before a
 * log is read or written:
 *
 * <ul>
 *   <li>the log topic: {@code cleanup.policy=delete} with {@code retention.ms=-1} and
 *       {@code retention.bytes=-1}, so that Kafka never deletes an entry on its own (wal4j deletes
 *       records only below what every target has finished, by compaction); an existing topic with
 *       a time or size retention is refused, since it would lose unapplied entries;</li>
 *   <li>the companion topic: {@code cleanup.policy=compact} (last record per key);</li>
 *   <li>both: the configured partition count (a log's lanes are hashed onto it: a changed count
 *       would move lanes and break their order), replication factor and
 *       {@code min.insync.replicas}, checked by {@link KafkaLogSettings#checkDurability}.</li>
 * </ul>
 *
 * <p>Thread-safe: stateless; runs on the opening thread.
 */
final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    /**
     * {@link #ensure} for {@code s}, or, for {@link KafkaLogSettings#existingLog()}, checks that both
     * topics exist and returns the settings with the log topic's own partition count.
     *
     * @throws IllegalStateException for an existing log that is absent, naming the topic
     */
    static KafkaLogSettings resolve(Admin admin, KafkaLogSettings s) {
        KafkaLogSettings effective = s;
        if (s.existingLog()) {
            for (String topic : List.of(s.topic(), s.companionTopic())) {
                TopicDescription existing = describe(admin, s, topic);
                if (existing == null) {
                    throw new IllegalStateException("topic '" + topic + "' does not exist (bootstrap servers "
                            + s.bootstrapServers() + "): no wal4j log '" + s.topic() + "' is there to open, and an "
                            + "existing log is never created");
                }
                if (topic.equals(s.topic())) {
                    effective = s.withPartitions(existing.partitions().size());
                }
            }
        }
        ensure(admin, effective);
        return effective;
    }

    static void ensure(Admin admin, KafkaLogSettings s) {
        Map<String, String> common = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                String.valueOf(s.minInSyncReplicas()), TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(s.maxEntryBytes() + KafkaLogSettings.RECORD_OVERHEAD_BYTES),
                // whatever the brokers' default: a replica that missed acknowledged records never leads
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
        Map<String, String> log = new java.util.HashMap<>(common);
        log.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        log.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        log.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        Map<String, String> companion = new java.util.HashMap<>(common);
        companion.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        ensure(admin, s, s.topic(), log, true);
        ensure(admin, s, s.companionTopic(), companion, false);
    }

    private static void ensure(Admin admin, KafkaLogSettings s, String topic, Map<String, String> configs,
                               boolean isLog) {
        TopicDescription existing = describe(admin, s, topic);
        if (existing == null) {
            try {
                get(admin.createTopics(List.of(new NewTopic(topic, s.partitions(), (short) s.replicationFactor())
                        .configs(configs))).all(), s, "creating topic '" + topic + "'");
                return;
            } catch (WalIOException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                existing = describe(admin, s, topic); // another instance created it meanwhile: check it
                if (existing == null) {
                    throw e;
                }
            }
        }
        check(admin, s, existing, isLog);
    }

    private static void check(Admin admin, KafkaLogSettings s, TopicDescription topic, boolean isLog) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        Config config = get(admin.describeConfigs(Set.of(resource)).all(), s,
                "reading the configuration of topic '" + topic.name() + "'").get(resource);
        check(s, topic, config, isLog);
    }

    /**
     * @throws IllegalStateException    if the topic's partition count, retention or cleanup policy
     *                                  is not the log's, or Kafka described no configuration
     * @throws IllegalArgumentException if its durability cannot survive one broker's loss
     */
    private static void check(KafkaLogSettings s, TopicDescription topic, @Nullable Config config, boolean isLog) {
        int partitions = topic.partitions().size();
        if (partitions != s.partitions()) {
            throw new IllegalStateException("topic '" + topic.name() + "' has " + partitions + " partitions but the "
                    + "log is configured with " + s.partitions() + "; a log's partition count cannot change (its lanes "
                    + "are hashed onto the partitions, and moving them would break their order): configure "
                    + partitions + " partitions, or use a new topic");
        }
        if (config == null) {
            throw new IllegalStateException("Kafka described no configuration for topic '" + topic.name() + "'");
        }
        int replicas = topic.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
        int minIsr = Integer.parseInt(value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
        boolean weakAllowed = s.allowWeakDurability() || s.existingLog();
        KafkaLogSettings.checkDurability("existing topic '" + topic.name() + "'", replicas, minIsr, weakAllowed);
        if (!weakAllowed && Boolean.parseBoolean(value(config, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, ""))) {
            throw new IllegalArgumentException("existing topic '" + topic.name() + "': unclean.leader.election.enable="
                    + "true lets a replica that missed acknowledged records become leader, and they are lost; set it "
                    + "to false on the topic (kafka-configs --alter --entity-type topics --entity-name " + topic.name()
                    + " --add-config unclean.leader.election.enable=false), or call allowWeakDurability(true) to "
                    + "accept it anyway");
        }
        String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG, "");
        if (isLog) {
            String retentionMs = value(config, TopicConfig.RETENTION_MS_CONFIG, "");
            String retentionBytes = value(config, TopicConfig.RETENTION_BYTES_CONFIG, "");
            if (policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT) || !retentionMs.equals("-1")
                    || !retentionBytes.equals("-1")) {
                throw new IllegalStateException("topic '" + topic.name() + "' has cleanup.policy=" + policy
                        + ", retention.ms=" + retentionMs + ", retention.bytes=" + retentionBytes + ": Kafka would "
                        + "delete entries no target has applied yet; a log topic needs cleanup.policy=delete, "
                        + "retention.ms=-1 and retention.bytes=-1 (wal4j deletes what every target has finished)");
            }
        } else if (!policy.equals(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new IllegalStateException("companion topic '" + topic.name() + "' has cleanup.policy=" + policy
                    + " but needs cleanup.policy=compact (it keeps the last status per entry and target)");
        }
    }

    /**
     * Checks both topics of a running log again as its open did, without blocking the caller: an
     * operator may change a topic's configuration (say, {@code kafka-configs --alter --add-config
     * retention.ms=...}) or delete it under the log. If one no longer keeps entries safe,
     * {@code memory}'s log refuses writes from then on (its appends in flight go on). Kafka not
     * answering is no finding: the next call checks again.
     */
    static void refuseWritesIfUnsafe(Admin admin, KafkaLogSettings s, LogMemory memory) {
        List<String> names = List.of(s.topic(), s.companionTopic());
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        admin.describeTopics(names).allTopicNames().toCompletionStage()
                .thenCompose(topics -> admin.describeConfigs(resources).all().toCompletionStage()
                        .thenApply(configs -> problem(s, names, topics, configs)))
                .whenComplete((@Nullable String problem, @Nullable Throwable failure) -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof UnknownTopicOrPartitionException) {
                        problem = "topic '" + s.topic() + "' or '" + s.companionTopic() + "' no longer exists (Kafka: "
                                + cause.getMessage() + "): it was deleted under the running log";
                    } else if (cause != null) {
                        LOG.debug("Checking the topics of the Kafka log '{}' again failed; the next compaction tries "
                                + "again: {}", s.topic(), cause.toString());
                    }
                    if (problem != null) {
                        LOG.error("The Kafka log '{}' refuses writes from now on: {}", s.topic(), problem);
                        memory.poison(new IllegalStateException(problem));
                    }
                });
    }

    /** What is wrong with the log's {@code topics} and their {@code configs}, as {@link #check} says it; null if nothing. */
    private static @Nullable String problem(KafkaLogSettings s, List<String> names, Map<String, TopicDescription> topics,
                                            Map<ConfigResource, Config> configs) {
        for (String name : names) {
            try {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                check(s, Objects.requireNonNull(topics.get(name), name), configs.get(resource), name.equals(s.topic()));
            } catch (IllegalStateException | IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    private static String value(Config config, String name, String absent) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? absent : entry.value();
    }

    /** The topic's description, or null if it does not exist. */
    private static @Nullable TopicDescription describe(Admin admin, KafkaLogSettings s, String topic) {
        try {
            return get(admin.describeTopics(List.of(topic)).allTopicNames(), s, "describing topic '" + topic + "'")
                    .get(topic);
        } catch (WalIOException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    /** Waits for an admin call up to the open timeout; failures become {@link WalIOException}s naming {@code what}. */
    static <T> T get(KafkaFuture<T> future, KafkaLogSettings s, String what) {
        try {
            return future.get(s.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalIOException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new WalIOException("Kafka failed " + what + " (bootstrap servers " + s.bootstrapServers() + "): "
                    + cause, cause);
        } catch (TimeoutException e) {
            throw new WalIOException("Kafka did not answer within " + s.openTimeout() + " when " + what
                    + " (bootstrap servers " + s.bootstrapServers() + ")", e);
        }
    }
}
