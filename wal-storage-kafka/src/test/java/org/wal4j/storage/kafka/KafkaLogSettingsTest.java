package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The settings' checks, without a cluster: each refusal says what is wrong and with which value. */
class KafkaLogSettingsTest {
    private static KafkaLogSettings.Builder valid() {
        return KafkaWalStorage.builder().bootstrapServers("localhost:9092").topic("orders-wal");
    }

    @Test
    void defaults_areReplicationFactor3AndMinInSyncReplicas2() {
        KafkaLogSettings s = valid().build();
        assertEquals(KafkaLogSettings.DEFAULT_REPLICATION_FACTOR, s.replicationFactor());
        assertEquals(3, s.replicationFactor());
        assertEquals(2, s.minInSyncReplicas());
        assertEquals(KafkaLogSettings.DEFAULT_PARTITIONS, s.partitions());
        assertEquals("orders-wal.status", s.companionTopic());
        assertEquals(Duration.ofSeconds(30), s.deliveryTimeout());
        assertEquals(Duration.ZERO, s.linger());
        assertEquals(KafkaLogSettings.DEFAULT_OPEN_TIMEOUT, s.openTimeout());
        assertEquals(1 << 20, s.maxEntryBytes());
        assertEquals(32L << 20, s.readCacheBytes());
        assertEquals("localhost:9092", s.bootstrapServers());
        assertEquals(false, s.allowWeakDurability());
    }

    @Test
    void build_refusesAReplicationFactorBelow3() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().replicationFactor(2).minInSyncReplicas(1).build());
        assertEquals("Kafka log 'orders-wal': replication factor 2 is below 3, which cannot survive the loss of one "
                + "broker (use replication factor 3 or more and min.insync.replicas at least 2 and below it); call "
                + "allowWeakDurability(true) to accept it anyway", e.getMessage());
    }

    @Test
    void build_refusesMinInSyncReplicasBelow2() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().minInSyncReplicas(1).build());
        assertTrue(e.getMessage().startsWith("Kafka log 'orders-wal': min.insync.replicas 1 is below 2: an "
                + "acknowledged entry may be held by one broker only, which cannot survive the loss of one broker"),
                e.getMessage());
    }

    @Test
    void build_refusesMinInSyncReplicasEqualToTheReplicationFactor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().minInSyncReplicas(3).build());
        assertTrue(e.getMessage().startsWith("Kafka log 'orders-wal': min.insync.replicas 3 equals the replication "
                + "factor 3: with one broker down no write is acknowledged"), e.getMessage());
    }

    @Test
    void build_refusesMinInSyncReplicasAboveTheReplicationFactor_evenWhenWeakDurabilityIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().replicationFactor(1).minInSyncReplicas(2).allowWeakDurability(true).build());
        assertEquals("Kafka log 'orders-wal': min.insync.replicas 2 is above the replication factor 1; no write "
                + "could ever be acknowledged", e.getMessage());
    }

    @Test
    void allowWeakDurability_acceptsASingleBroker() {
        KafkaLogSettings s = valid().replicationFactor(1).minInSyncReplicas(1).allowWeakDurability(true).build();
        assertEquals(1, s.replicationFactor());
        assertTrue(s.allowWeakDurability());
    }

    @Test
    void clientProperty_refusesWhatTheLogSetsItself() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().clientProperty("acks", "1"));
        assertEquals("client property 'acks' is set by the Kafka log itself (acks=all is what makes an "
                + "acknowledgement survive a broker's loss); remove it", e.getMessage());
        for (String managed : KafkaLogSettings.managedProperties()) {
            assertThrows(IllegalArgumentException.class, () -> valid().clientProperty(managed, "x"), managed);
        }
        assertThrows(IllegalArgumentException.class,
                () -> valid().clientProperties(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)));
    }

    @Test
    void clientProperties_reachProducerConsumerAndAdmin_withTheLogsOwnSettings() {
        KafkaLogSettings s = valid().clientProperties(Map.of("client.id", "orders", "compression.type", "lz4"))
                .deliveryTimeout(Duration.ofSeconds(5)).linger(Duration.ofMillis(2)).maxEntryBytes(1000).build();
        assertEquals(Map.of("client.id", "orders", "compression.type", "lz4"), s.clientProperties());
        Map<String, Object> producer = KafkaWalStorage.producerConfig(s);
        assertEquals("all", producer.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(true, producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals(5, producer.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
        assertEquals(5002, producer.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
        assertEquals(5000, producer.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
        assertEquals(2, producer.get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals("lz4", producer.get("compression.type"));
        assertEquals(1000 + KafkaLogSettings.RECORD_OVERHEAD_BYTES, producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        Map<String, Object> consumer = KafkaWalStorage.consumerConfig(s);
        assertEquals(false, consumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
        assertEquals(false, consumer.get(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG));
        assertEquals("orders", KafkaWalStorage.adminConfig(s).get("client.id"));
    }

    @Test
    void setters_checkTheirRanges() {
        assertEquals("partitions must be between 1 and 1024 but was 0",
                assertThrows(IllegalArgumentException.class, () -> valid().partitions(0)).getMessage());
        assertEquals("partitions must be between 1 and 1024 but was 1025",
                assertThrows(IllegalArgumentException.class, () -> valid().partitions(1025)).getMessage());
        assertEquals("replicationFactor must be between 1 and 32767 but was 0",
                assertThrows(IllegalArgumentException.class, () -> valid().replicationFactor(0)).getMessage());
        assertEquals("minInSyncReplicas must be between 1 and 32767 but was 0",
                assertThrows(IllegalArgumentException.class, () -> valid().minInSyncReplicas(0)).getMessage());
        assertEquals("deliveryTimeout must be between PT1S and PT1H but was PT0.5S", assertThrows(
                IllegalArgumentException.class, () -> valid().deliveryTimeout(Duration.ofMillis(500))).getMessage());
        assertEquals("linger must be between PT0S and PT1S but was PT2S", assertThrows(
                IllegalArgumentException.class, () -> valid().linger(Duration.ofSeconds(2))).getMessage());
        assertEquals("openTimeout must be between PT1S and PT1H but was PT0S", assertThrows(
                IllegalArgumentException.class, () -> valid().openTimeout(Duration.ZERO)).getMessage());
        assertEquals("maxEntryBytes must be between 1 and 67108864 but was 0",
                assertThrows(IllegalArgumentException.class, () -> valid().maxEntryBytes(0)).getMessage());
        assertEquals("readCacheBytes must be between 0 and 1073741824 but was -1",
                assertThrows(IllegalArgumentException.class, () -> valid().readCacheBytes(-1)).getMessage());
        assertEquals(0, valid().readCacheBytes(0).build().readCacheBytes());
        assertEquals("bootstrapServers must not be blank",
                assertThrows(IllegalArgumentException.class, () -> valid().bootstrapServers(" ")).getMessage());
        assertEquals("client property name and value must not be null",
                assertThrows(IllegalArgumentException.class, () -> valid().clientProperty("client.id", null))
                        .getMessage());
    }

    @Test
    void topic_mustBeAKafkaTopicNameWithRoomForTheCompanionSuffix() {
        assertEquals("topic must match [a-zA-Z0-9._-]{1,242} but was 'orders wal'",
                assertThrows(IllegalArgumentException.class, () -> valid().topic("orders wal")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> valid().topic("x".repeat(243)));
        assertEquals("x".repeat(242), valid().topic("x".repeat(242)).build().topic());
    }

    @Test
    void build_requiresBootstrapServersAndTopic() {
        assertEquals("bootstrapServers is required", assertThrows(IllegalArgumentException.class,
                () -> KafkaWalStorage.builder().topic("t").build()).getMessage());
        assertEquals("topic is required", assertThrows(IllegalArgumentException.class,
                () -> KafkaWalStorage.builder().bootstrapServers("h:1").build()).getMessage());
    }
}
