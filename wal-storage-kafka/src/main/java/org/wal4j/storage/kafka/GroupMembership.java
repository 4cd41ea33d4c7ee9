package org.wal4j.storage.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.spi.StorageEvents;

/**
 * One instance's membership in the consumer group that shares a log ({@link SharedKafkaWalStorage}):
 * a consumer subscribed to the log topic that fetches nothing (every partition it is given is
 * paused), whose assignment is the instance's share, polled on a thread of its own.
 *
 * <ul>
 *   <li>A partition given: waits until the storage has read the companion topic's statuses of it up
 *       to their end now (what the previous owner recorded), marks it owned, and tells the engine,
 *       which claims it at its targets and starts it (not waited for).</li>
 *   <li>A partition taken (revoked, or lost when this instance's session expired): the engine stops
 *       it, its call in flight completed and recorded, before the rebalance goes on; the status
 *       records are flushed to Kafka; then it is no longer owned and the windows are reloaded.</li>
 * </ul>
 *
 * <p>Thread-safe: {@link #close} may be called from any thread.
 */
final class GroupMembership implements AutoCloseable {
    /** What the storage does for the membership. */
    interface Share {
        /** Waits, bounded, until the companion topic's records up to {@code ends} are taken in. */
        void awaitStatusesRead(Map<TopicPartition, Long> ends);

        void own(Set<Integer> partitions);

        void disown(Set<Integer> partitions);

        /** Sends every status record written so far and waits for Kafka's acknowledgements. */
        void flushStatuses();

        /** Logs {@code future}'s failure, if it fails, naming {@code what}. */
        void logFailure(CompletableFuture<Void> future, String what);
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Bound on the engine's stop of revoked partitions (its calls in flight are bounded by targetCallTimeout). */
    private static final Duration REVOKE_WAIT = Duration.ofSeconds(60);

    private final KafkaLogSettings settings;
    private final String group;
    private final Admin admin;
    private final StorageEvents events;
    private final Share share;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closing;

    private GroupMembership(KafkaLogSettings settings, String group, Admin admin, StorageEvents events, Share share) {
        this.settings = settings;
        this.group = group;
        this.admin = admin;
        this.events = events;
        this.share = share;
        this.consumer = new KafkaConsumer<>(config(settings, group));
        this.thread = new Thread(this::run, "wal4j-kafka-group-" + group);
        this.thread.setDaemon(true);
    }

    /** Joins {@code group} on a thread of its own; partitions are given from the first poll on. */
    static GroupMembership join(KafkaLogSettings settings, String group, Admin admin, StorageEvents events,
                                Share share) {
        GroupMembership membership = new GroupMembership(settings, group, admin, events, share);
        membership.thread.start();
        return membership;
    }

    /**
     * The group consumer's settings: cooperative-sticky (only the partitions that must move are
     * revoked), and a session timeout of 10 s and heartbeats every 3 s unless the application set
     * them ({@code clientProperty}): how soon a dead instance's partitions move.
     */
    static Map<String, Object> config(KafkaLogSettings settings, String group) {
        Map<String, Object> config = KafkaWalStorage.consumerConfig(settings);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        return config;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    consumer.pause(partitions);
                    assigned(numbers(partitions));
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revoked(numbers(partitions), "revoked");
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    revoked(numbers(partitions), "lost (this instance's session expired)");
                }
            });
            while (!closing) {
                consumer.poll(POLL);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("The membership of the shared log '{}' in group '{}' failed; this instance applies nothing more",
                    settings.topic(), group, e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> out = new TreeSet<>();
        partitions.forEach(tp -> out.add(tp.partition()));
        return out;
    }

    private void assigned(Set<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        share.awaitStatusesRead(companionEnds(partitions));
        share.own(partitions);
        LOG.info("This instance applies partitions {} of the shared log '{}' now", partitions, settings.topic());
        share.logFailure(events.partitionsAssigned(partitions), "starting partitions " + partitions);
    }

    /** The companion topic's end offsets of {@code partitions}, now; empty if Kafka does not answer in time. */
    private Map<TopicPartition, Long> companionEnds(Set<Integer> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(settings.companionTopic(), p), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            admin.listOffsets(latest).all().get(settings.openTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The statuses' end offsets of partitions {} of the shared log '{}' are unknown: {}", partitions,
                    settings.topic(), e.toString());
        }
        return ends;
    }

    private void revoked(Set<Integer> partitions, String how) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            events.partitionsRevoked(partitions).get(REVOKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Stopping partitions {} of the shared log '{}' did not complete: {}", partitions,
                    settings.topic(), e.toString());
        }
        share.flushStatuses();
        share.disown(partitions);
        LOG.info("Partitions {} of the shared log '{}' were {}", partitions, settings.topic(), how);
        share.logFailure(events.reload(), "reloading after partitions " + partitions + " were " + how);
    }

    /** Leaves the group (the rebalance hands this instance's partitions to the others) and ends the thread. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
