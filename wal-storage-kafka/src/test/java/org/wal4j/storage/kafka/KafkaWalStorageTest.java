package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.PayloadEncryption;
import org.wal4j.WalEntry;
import org.wal4j.WalPayloadException;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.PayloadCodec;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.PayloadReading;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.WalStorage;
import org.wal4j.Ticker;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WriteResult;
import org.wal4j.testing.Await;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.TestEntries;
import org.wal4j.testing.WalInvariants;

/**
 * What the Kafka log does beyond the storage contract, on a cluster of its own: topic checks on
 * open, the lane-to-partition mapping and record format as Kafka holds them, concurrent writers,
 * compaction down to Kafka's deleteRecords, seqs never reissued, corruption and two writers refused.
 */
class KafkaWalStorageTest {
    private static final Instant AT = Instant.parse("2026-02-01T00:00:00Z");
    private static TestCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start();
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
    }

    @AfterAll
    static void stopCluster() {
        admin.close();
        cluster.close();
    }

    @Test
    void open_createsBothTopicsWithTheDurabilitySettings() throws Exception {
        String topic = TestCluster.newTopic("create");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(topic, log.name());
            assertEquals(3, log.settings().partitions());
        }
        for (String t : List.of(topic, topic + ".status")) {
            var description = admin.describeTopics(List.of(t)).allTopicNames().get().get(t);
            assertEquals(3, description.partitions().size());
            assertEquals(3, description.partitions().get(0).replicas().size());
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t);
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("2", config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
            assertEquals(t.equals(topic) ? "delete" : "compact", config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        }
    }

    @Test
    void open_refusesAChangedPartitionCount_namingBothCounts() {
        String topic = TestCluster.newTopic("partitions");
        cluster.log(topic).open().close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cluster.log(topic).partitions(4).open());
        assertEquals("topic '" + topic + "' has 3 partitions but the log is configured with 4; a log's partition "
                + "count cannot change (its lanes are hashed onto the partitions, and moving them would break their "
                + "order): configure 3 partitions, or use a new topic", e.getMessage());
    }

    @Test
    void open_refusesAnExistingTopicThatKafkaWouldDeleteEntriesFrom() throws Exception {
        String topic = TestCluster.newTopic("retention");
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2", TopicConfig.RETENTION_MS_CONFIG, "604800000"))))
                .all().get();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cluster.log(topic).open());
        assertTrue(e.getMessage().startsWith("topic '" + topic + "' has cleanup.policy=delete, retention.ms=604800000,"
                + " retention.bytes=-1: Kafka would delete entries no target has applied yet"), e.getMessage());
    }

    @Test
    void open_refusesAnExistingTopicWithWeakDurability_unlessAllowed() throws Exception {
        String topic = TestCluster.newTopic("weak");
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 2).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1")))).all().get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cluster.log(topic).open());
        assertTrue(e.getMessage().startsWith("existing topic '" + topic + "': replication factor 2 is below 3, which "
                + "cannot survive the loss of one broker"), e.getMessage());
        try (KafkaWalStorage log = cluster.log(topic).replicationFactor(2).minInSyncReplicas(1)
                .allowWeakDurability(true).open()) {
            assertEquals(1, log.append(TestEntries.entry(1)));
        }
    }

    /**
     * Unclean leader election would let a replica that missed acknowledged records lead: an existing
     * topic with it is refused, and the log's own topics turn it off whatever the brokers' default.
     */
    @Test
    void open_refusesAnExistingTopicWithUncleanLeaderElection_andCreatesTopicsWithout() throws Exception {
        String topic = TestCluster.newTopic("unclean");
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG,
                "-1", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2",
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true")))).all().get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cluster.log(topic).open());
        assertTrue(e.getMessage().startsWith("existing topic '" + topic + "': unclean.leader.election.enable=true "
                + "lets a replica that missed acknowledged records become leader"), e.getMessage());
        try (KafkaWalStorage log = cluster.log(topic).allowWeakDurability(true).open()) {
            assertEquals(1, log.append(TestEntries.entry(1)));
        }

        String created = TestCluster.newTopic("clean");
        cluster.log(created).open().close();
        for (String t : List.of(created, created + ".status")) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t);
            ConfigEntry unclean = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
            assertEquals("false", unclean.value(), t);
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, unclean.source(), t + ": set on the topic itself");
        }
    }

    /**
     * An operator gives the log topic a retention under a running log: at its next compaction the
     * log refuses writes (Kafka would delete entries no target has applied), still reading what it holds.
     */
    @Test
    void aLogTopicGivenARetentionUnderTheRunningLog_refusesWritesFromTheNextCompaction() throws Exception {
        String topic = TestCluster.newTopic("reconfigured");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            long seq = log.append(TestEntries.entry(1));
            assertEquals(0, log.compact(0, Instant.now()).entriesDropped(), "nothing wrong yet: it goes on");
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "3600000"),
                            AlterConfigOp.OpType.SET)))).all().get();
            Await.until(() -> refusesCompaction(log), "the log to see the new retention");
            WalUnavailableException e = assertThrows(WalUnavailableException.class,
                    () -> log.append(TestEntries.entry(2)));
            assertTrue(e.getMessage().contains("refuses writes since an earlier failure")
                    && e.getMessage().contains("retention.ms=3600000, retention.bytes=-1: Kafka would delete entries no "
                    + "target has applied yet"),
                    e.getMessage());
            assertEquals(TestEntries.entry(1).payload(), log.read(seq).orElseThrow().payload(), "what it holds is read");
        }
    }

    @Test
    void aCompanionTopicDeletedUnderTheRunningLog_makesItRefuseWrites() throws Exception {
        String topic = TestCluster.newTopic("deleted");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            log.append(TestEntries.entry(1));
            admin.deleteTopics(List.of(topic + ".status")).all().get();
            Await.until(() -> refusesCompaction(log), "the log to see its companion topic deleted");
            WalUnavailableException e = assertThrows(WalUnavailableException.class,
                    () -> log.append(TestEntries.entry(2)));
            // "no longer exists", or, had a client's metadata request re-created it with the brokers'
            // defaults meanwhile, "companion topic '….status' has cleanup.policy=delete": either names it
            assertTrue(e.getMessage().contains("refuses writes since an earlier failure")
                    && e.getMessage().contains(topic + ".status'"), e.getMessage());
        }
    }

    private static boolean refusesCompaction(WalStorage log) {
        try {
            log.compact(0, Instant.now());
            return false;
        } catch (WalUnavailableException e) {
            return true;
        }
    }

    @Test
    void open_refusesACompanionTopicThatIsNotCompacted() throws Exception {
        String topic = TestCluster.newTopic("companion");
        admin.createTopics(List.of(new NewTopic(topic + ".status", 3, (short) 3).configs(Map.of(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")))).all().get();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cluster.log(topic).open());
        assertEquals("companion topic '" + topic + ".status' has cleanup.policy=delete but needs "
                + "cleanup.policy=compact (it keeps the last status per entry and target)", e.getMessage());
    }

    @Test
    void append_putsEachLaneInItsApplyPartition_inSeqOrder_inTheDocumentedFormat() {
        String topic = TestCluster.newTopic("layout");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            log.append(TestEntries.batch(1, 30));
        }
        List<ConsumerRecord<byte[], byte[]>> records = readRaw(topic);
        assertEquals(30, records.size());
        Map<Integer, Long> lastSeqInPartition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            WalEntry entry = RecordReader.decode(r, PayloadReading.asStored());
            LaneId lane = LaneId.of(entry);
            assertEquals(ApplyPartitions.of(lane, 3), r.partition(), "partition of " + lane);
            assertArrayEquals(ApplyPartitions.routingKey(lane), r.key());
            assertEquals(entry.payload(), new String(r.value(), StandardCharsets.UTF_8));
            long previous = lastSeqInPartition.getOrDefault(r.partition(), 0L);
            assertTrue(entry.seq() > previous, "seq " + entry.seq() + " after " + previous + " in partition "
                    + r.partition());
            lastSeqInPartition.put(r.partition(), entry.seq());
        }
        assertTrue(lastSeqInPartition.size() > 1, "the test's lanes should spread over partitions");
    }

    @Test
    void concurrentWriters_getConsecutiveSeqs_everyEntryReadBack() throws Exception {
        String topic = TestCluster.newTopic("concurrent");
        int threads = 8;
        int perThread = 250;
        Set<Long> seqs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                done.add(pool.submit(() -> {
                    List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(log.appendAsync(List.of(TestEntries.entry(base + i))));
                    }
                    mine.forEach(f -> seqs.add(f.join().firstSeq()));
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            log.sync().join();
            assertEquals(threads * perThread, log.stats().appendedEntries());
        }
        assertEquals(threads * perThread, seqs.size());
        assertEquals(1L, new TreeSet<>(seqs).first());
        assertEquals((long) threads * perThread, new TreeSet<>(seqs).last());
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(threads * perThread, log.lastSeq());
            assertEquals(threads * perThread, log.read(1, Long.MAX_VALUE, Integer.MAX_VALUE).size());
            assertEquals(threads * perThread, log.unfinished("primary", 0, Integer.MAX_VALUE).size());
        }
    }

    @Test
    void compaction_deletesThePrefixInKafka_andAReopenedLogNeverReissuesASeq() throws Exception {
        String topic = TestCluster.newTopic("compact");
        List<WalEntry> oneLane = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            oneLane.add(WalEntry.builder("orders", "debit").createdAt(TestEntries.T0).key("account-1")
                    .payloadJson("{\"n\":" + i + "}").targets("primary").build());
        }
        int partition;
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            partition = log.partitionOf(LaneId.of("orders", "account-1"));
            log.append(oneLane);
            List<StatusRecord> applied = new ArrayList<>();
            for (long seq = 1; seq <= 5; seq++) {
                applied.add(StatusRecord.of(seq, "primary", EntryStatus.APPLIED, 1, AT));
            }
            log.appendStatus(applied);
            assertEquals(5, log.compact(5, Instant.MAX).entriesDropped());
            assertEquals(0, log.stats().entries());
            assertEquals(Optional.empty(), log.read(3));
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset();
        assertEquals(5, earliest, "Kafka deleted the records below offset 5");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(5, log.lastSeq(), "the seq floor survives the records' deletion");
            assertEquals(6, log.append(TestEntries.entry(6)));
            assertEquals(1, log.stats().entries());
        }
    }

    @Test
    void compaction_ofAnEntryBehindOneStillHeld_waitsForItsPartitionsPrefix() {
        String topic = TestCluster.newTopic("prefix");
        List<WalEntry> oneLane = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            oneLane.add(WalEntry.builder("orders", "debit").createdAt(TestEntries.T0).key("account-1")
                    .payloadJson("{\"n\":" + i + "}").targets("primary").build());
        }
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            log.append(oneLane);
            log.appendStatus(List.of(StatusRecord.of(2, "primary", EntryStatus.APPLIED, 1, AT),
                    StatusRecord.of(3, "primary", EntryStatus.APPLIED, 1, AT)));
            assertEquals(2, log.compact(3, Instant.MAX).entriesDropped());
        }
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(List.of(1L), WalStorageSeqs.of(log.read(1, 10, 10)));
            assertEquals(3, log.lastSeq());
            log.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, AT)));
            assertEquals(1, log.compact(3, Instant.MAX).entriesDropped());
        }
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(List.of(), log.read(1, 10, 10));
            assertEquals(3, log.lastSeq());
        }
    }

    @Test
    void open_refusesACorruptRecord_namingTopicPartitionOffsetAndChecksums() throws Exception {
        String topic = TestCluster.newTopic("corrupt");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            log.append(TestEntries.entry(1));
        }
        WalEntry entry = TestEntries.entry(2).withSeq(2);
        byte[] header = EntryCodec.header(entry, null);
        ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>(topic, 0, null, new byte[0],
                "{\"n\":3}".getBytes(StandardCharsets.UTF_8));
        bad.headers().add(EntryCodec.ENTRY_HEADER, header).add(EntryCodec.CRC_HEADER,
                EntryCodec.checksum(header, EntryCodec.value(entry, null)));
        long offset;
        try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
            offset = raw.send(bad).get().offset();
        }
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> cluster.log(topic).open());
        assertTrue(e.getMessage().matches("record at topic '" + topic + "' partition 0 offset " + offset
                + ": calculated checksum is [0-9A-F]{8} but the record's checksum is [0-9A-F]{8}"), e.getMessage());
    }

    @Test
    void twoWriters_areDetectedWhenTheLogIsOpened() {
        String topic = TestCluster.newTopic("writers");
        cluster.log(topic).open().close();
        try (KafkaWalStorage first = cluster.log(topic).open(); KafkaWalStorage second = cluster.log(topic).open()) {
            assertEquals(1, first.append(TestEntries.entry(1)));
            assertEquals(1, second.append(TestEntries.entry(2)));
        }
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> cluster.log(topic).open());
        assertTrue(e.getMessage().startsWith("seq 1 is held twice, by the record at topic '" + topic + "'"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("two instances have written this log, which a log written by one "
                + "instance at a time never holds"), e.getMessage());
    }

    @Test
    void statusesAndCheckpoints_writtenBeforeAcknowledgement_areReadBack() {
        String topic = TestCluster.newTopic("status");
        long bytes;
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            CompletableFuture<AppendResult> append = log.appendAsync(TestEntries.batch(1, 3));
            log.whenDurable(2).join();
            assertTrue(append.isDone());
            log.whenDurable(3).join();
            CompletableFuture<Void> status = log.appendStatusAsync(
                    List.of(new StatusRecord(2, "primary", EntryStatus.DEAD, 4, AT, "boom")));
            CompletableFuture<Void> checkpoint = log.saveCheckpoint("primary", 1);
            log.sync().join();
            assertTrue(status.isDone() && checkpoint.isDone(), "sync covers statuses and checkpoints");
            assertEquals(0, log.stats().fsyncs());
            assertEquals(3, log.stats().segments());
            bytes = log.stats().bytes();
        }
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(bytes, log.stats().bytes(), "the entries' bytes, counted alike when appended and when read back");
            assertEquals(1, log.checkpoint("primary"));
            assertEquals(List.of(1L, 3L), WalStorageSeqs.ofTracked(log.unfinished("primary", 0, 10)));
            assertEquals("boom", log.deadLetters(null, 0, 10).get(0).reason());
            assertEquals(Optional.of(EntryStatus.DEAD), log.status(2, "primary"));
        }
    }

    @Test
    void writesAfterClose_areRefused_andPendingAppendsComplete() {
        String topic = TestCluster.newTopic("close");
        KafkaWalStorage log = cluster.log(topic).open();
        CompletableFuture<AppendResult> pending = log.appendAsync(TestEntries.batch(1, 50));
        log.close();
        assertEquals(50, pending.join().count(), "close waits for what Kafka is acknowledging");
        WalUnavailableException e = assertThrows(WalUnavailableException.class, () -> log.sync());
        assertEquals("The Kafka log '" + topic + "' is closed", e.getMessage());
        log.close();
    }

    @Test
    void wal_onTheKafkaLog_appliesEveryWriteToEveryTargetOnce_inLaneOrder_acrossAReopen() {
        String topic = TestCluster.newTopic("engine");
        int entries = 300;
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        ScriptedSyncTarget replica = new ScriptedSyncTarget("replica", Clock.systemUTC()).down();
        List<WalEntry> written;
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            Wal wal = Wal.builder(log).target(primary).target(replica).build().start();
            List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                writes.add(wal.writeAsync(WalEntry.builder("accounts", "credit").key("acct-" + (i % 7))
                        .payloadJson("{\"n\":" + i + "}")));
            }
            writes.forEach(w -> assertTrue(w.join().durable(), "acks=all acknowledges replicated writes"));
            Await.until(() -> primary.applied().size() == entries, () -> "primary applied " + primary.applied().size());
            try (java.util.stream.Stream<WalEntry> all = log.scan(1)) {
                written = all.toList();
            }
            wal.stop(Duration.ofSeconds(10));
        }
        assertEquals(entries, written.size());
        replica.up();
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(entries, log.unfinished("replica", 0, 1000).size(), "the replica's backlog survived");
            assertEquals(0, log.unfinished("primary", 0, 1000).size(), "the primary's statuses survived");
            Wal again = Wal.builder(log).target(primary).target(replica).build().start();
            Await.until(() -> replica.applied().size() == entries, () -> "replica applied " + replica.applied().size());
            WalInvariants.assertStorageConsistent(log, "primary", true);
            again.stop(Duration.ofSeconds(10)); // closes the log
            WalUnavailableException closed = assertThrows(WalUnavailableException.class, () -> log.read(1));
            assertEquals("The Kafka log '" + topic + "' is closed", closed.getMessage());
        }
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(primary, written);
        WalInvariants.assertAppliedExactlyOnceInLaneOrder(replica, written);
    }

    /**
     * A backlog many times the engine's window, over more lanes than the window holds: the window
     * refills lanes as they drain, and each refill reads the unfinished entries from a lane's
     * resume point to its frontier, most of which the window already holds. The log keeps what it
     * read lately ({@code readCacheBytes}), so those records are not fetched from the brokers again.
     * Without it this drain fetched 20,191 records (3.4 per entry) after the startup scan's 16,131.
     */
    @Test
    void drainingABacklogLargerThanTheWindow_fetchesNoRecordAgain_whileTheCacheHoldsIt() {
        String topic = TestCluster.newTopic("refill");
        int entries = 6_000;
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            for (int i = 0; i < entries; i += 500) {
                List<WalEntry> batch = new ArrayList<>();
                for (int j = i; j < i + 500; j++) {
                    batch.add(WalEntry.builder("accounts", "credit").key("acct-" + (j % 600)).targets("primary")
                            .payloadJson("{\"n\":" + j + "}").build());
                }
                log.append(batch);
            }
            Wal wal = Wal.builder(log).config(WalConfig.builder().windowEntries(500).build()).target(primary).build()
                    .start(); // its startup scan reads the whole log once
            long scanned = log.recordsFetched();
            Await.until(() -> primary.applied().size() == entries, () -> "applied " + primary.applied().size());
            long fetched = log.recordsFetched() - scanned;
            System.out.printf("draining %d entries through a window of 500: %d records fetched (the startup scan "
                    + "%d)%n", entries, fetched, scanned);
            wal.stop(Duration.ofSeconds(10));
            assertTrue(fetched <= entries / 10, "fetched " + fetched + " records to drain " + entries + " entries");
        }
    }

    /** A replay by time reads from Kafka only the entries created within its bounds: the log holds every creation time. */
    @Test
    void scanCreated_fetchesOnlyTheEntriesCreatedWithinTheBounds() {
        String topic = TestCluster.newTopic("by-time");
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            List<WalEntry> entries = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                entries.add(WalEntry.builder("accounts", "credit").key("acct-" + i).targets("primary")
                        .payloadJson("{\"n\":" + i + "}").createdAt(t0.plusSeconds(i)).build());
            }
            log.append(entries);
            long before = log.recordsFetched();
            try (Stream<WalEntry> lastFive = log.scanCreated(1, t0.plusSeconds(25), null)) {
                assertEquals(List.of(26L, 27L, 28L, 29L, 30L), lastFive.map(WalEntry::seq).toList());
            }
            assertEquals(5, log.recordsFetched() - before, "only the 5 entries created within the bounds were fetched");
        }
    }

    /** The cache is bounded by its bytes: the least recently read entry goes first, and is fetched again. */
    @Test
    void readCache_keepsTheEntriesReadLately_withinItsBytes() {
        String topic = TestCluster.newTopic("cache");
        try (KafkaWalStorage log = cluster.log(topic).partitions(1).open()) {
            log.append(List.of(TestEntries.entry(1), TestEntries.entry(2), TestEntries.entry(3)));
            Map<String, Object> config = KafkaWalStorage.consumerConfig(cluster.log(topic).build());
            long twoEntries = 2L * (RecordReader.CACHED_ENTRY_OVERHEAD + TestEntries.entry(1).payload().length());
            try (RecordReader reader = new RecordReader(new KafkaConsumer<>(config), topic, Duration.ofSeconds(30),
                    PayloadReading.asStored(), twoEntries)) {
                for (long seq = 1; seq <= 3; seq++) {
                    assertEquals(seq, reader.read(List.of(new RecordReader.Location(seq, 0, seq - 1))).get(seq).seq());
                }
                long fetched = reader.recordsFetched();
                assertEquals(TestEntries.entry(3).payload(), reader.read(List.of(new RecordReader.Location(3, 0, 2)))
                        .get(3L).payload());
                reader.read(List.of(new RecordReader.Location(2, 0, 1)));
                assertEquals(fetched, reader.recordsFetched(), "the two read last come from memory");
                reader.read(List.of(new RecordReader.Location(1, 0, 0)));
                assertTrue(reader.recordsFetched() > fetched, "the first was let go, and is fetched again");
            }
        }
    }

    /**
     * Retention through the engine: records are deleted from Kafka (deleteRecords) only below the
     * lowest checkpoint of every target and past the retention period. A lagging target holds them
     * back, before and after the retention passes; once it has caught up they go, entries younger
     * than the retention stay, and the log reopens on what is left.
     */
    @Test
    void retention_deletesRecordsEveryTargetFinished_pastTheRetention_neverWhatALaggingTargetNeeds() throws Exception {
        String topic = TestCluster.newTopic("retention");
        ManualClock clock = ManualClock.atEpochOfTests();
        ScriptedSyncTarget fast = new ScriptedSyncTarget("fast", clock);
        ScriptedSyncTarget slow = new ScriptedSyncTarget("slow", clock).down();
        WalConfig config = WalConfig.builder().retention(Duration.ofHours(1)).checkpointInterval(Duration.ofMillis(50))
                .breakerOpenDuration(Duration.ofMillis(100)).build();
        int old = 30;
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            Wal wal = Wal.builder(log).config(config).clock(clock).ticker(Ticker.system()).target(fast).target(slow)
                    .build().start();
            for (int i = 0; i < old; i++) {
                wal.write(WalEntry.builder("accounts", "credit").key("acct-" + (i % 7)).payloadJson("{\"n\":" + i + "}"));
            }
            Await.until(() -> log.checkpoint("fast") == old, () -> "fast checkpoint " + log.checkpoint("fast"));
            Map<TopicPartition, Long> end = offsets(topic, OffsetSpec.latest());

            clock.stepWall(Duration.ofMinutes(30));
            assertEquals(0, wal.admin().compact().entriesDropped(), "younger than the retention, slow lagging");
            clock.stepWall(Duration.ofMinutes(60));
            assertEquals(0, wal.admin().compact().entriesDropped(), "past the retention, but slow still needs them");
            assertEquals(zeros(end), offsets(topic, OffsetSpec.earliest()), "nothing deleted in Kafka");

            slow.up();
            Await.until(() -> log.checkpoint("slow") == old, () -> "slow checkpoint " + log.checkpoint("slow"));
            for (int i = 0; i < 5; i++) { // written now: younger than the retention
                wal.write(WalEntry.builder("accounts", "credit").key("acct-" + i).payloadJson("{\"young\":" + i + "}"));
            }
            Await.until(() -> log.checkpoint("slow") == old + 5 && log.checkpoint("fast") == old + 5,
                    () -> "checkpoints " + log.checkpoint("fast") + ", " + log.checkpoint("slow"));

            assertEquals(old, wal.admin().compact().entriesDropped());
            assertEquals(end, offsets(topic, OffsetSpec.earliest()), "every old record deleted from Kafka");
            assertEquals(5, log.stats().entries());
            wal.stop(Duration.ofSeconds(10));
        }
        try (KafkaWalStorage reopened = cluster.log(topic).open()) {
            assertEquals(old + 5, reopened.lastSeq(), "the seq floor survives the deletion");
            assertEquals(5, reopened.stats().entries());
            assertEquals(Optional.empty(), reopened.read(1));
            try (java.util.stream.Stream<WalEntry> left = reopened.scan(1)) {
                assertEquals(List.of(31L, 32L, 33L, 34L, 35L), left.map(WalEntry::seq).toList());
            }
            assertEquals(old + 6, reopened.append(List.of(TestEntries.entry(1, "fast"))).firstSeq());
        }
        assertEquals(old + 5, fast.applied().size());
        assertEquals(old + 5, slow.applied().size());
    }

    private static Map<TopicPartition, Long> zeros(Map<TopicPartition, Long> like) {
        Map<TopicPartition, Long> out = new HashMap<>();
        like.keySet().forEach(tp -> out.put(tp, 0L));
        return out;
    }

    private static Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(topic, p), spec);
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    @Test
    void inspectorAndExistingLog_openOnlyALogThatExists_withItsOwnPartitionCount_andWriteNothing() throws Exception {
        String topic = TestCluster.newTopic("inspect");
        String absent = "topic '" + topic + "' does not exist (bootstrap servers " + cluster.bootstrapServers()
                + "): no wal4j log '" + topic + "' is there to open, and an existing log is never created";
        assertEquals(absent, assertThrows(IllegalStateException.class,
                () -> KafkaLogInspector.open(cluster.log(topic).build())).getMessage());
        assertEquals(absent, assertThrows(IllegalStateException.class,
                () -> cluster.log(topic).existingLog(true).open()).getMessage());
        try (KafkaWalStorage log = cluster.log(topic).open()) { // created only now
            for (int i = 1; i <= 3; i++) {
                log.append(List.of(TestEntries.entry(i, "primary", "replica")));
            }
            log.appendStatus(List.of(StatusRecord.of(1, "primary", EntryStatus.APPLIED, 1, TestEntries.T0),
                    new StatusRecord(2, "primary", EntryStatus.DEAD, 3, TestEntries.T0, "constraint violated"),
                    new StatusRecord(3, "replica", EntryStatus.REJECTED, 1, TestEntries.T0, "insufficient funds")));
            log.saveCheckpoint("primary", 1).join();
        }
        Map<TopicPartition, Long> end = offsets(topic, OffsetSpec.latest());

        try (KafkaLogInspector inspector = KafkaLogInspector.open(cluster.log(topic).partitions(7).build())) {
            assertEquals(3, inspector.settings().partitions(), "the topic's own count, not the 7 configured");
            assertTrue(inspector.settings().existingLog());
            assertEquals(3, inspector.lastSeq());
            assertEquals(3, inspector.entries());
            assertTrue(inspector.bytes() > 0);
            assertEquals(0, inspector.awaitingDeletion());
            assertEquals(List.of("primary", "replica"), inspector.targets());
            assertEquals(Map.of("primary", 1L), inspector.checkpoints());
            assertEquals(1, inspector.checkpoint("primary"));
            assertEquals(0, inspector.checkpoint("replica"));
            assertEquals(3, inspector.unfinished());
            assertEquals(1, inspector.unfinished("primary"));
            assertEquals(2, inspector.unfinished("replica"));
            assertEquals(List.of(3L), inspector.unfinished("primary", 0, 10).stream().map(t -> t.entry().seq()).toList());
            assertEquals(1, inspector.deadLetterCount());
            assertEquals(1, inspector.deadLetterCount("primary"));
            assertEquals(0, inspector.deadLetterCount("replica"));
            assertEquals(1, inspector.rejectedCount("replica"));
            var dead = inspector.deadLetters(null, 0, 10);
            assertEquals(1, dead.size());
            assertEquals("constraint violated", dead.get(0).reason());
            assertEquals("{\"n\":2,\"amount\":20}", dead.get(0).entry().payload());
            assertEquals(Optional.empty(), inspector.read(9));
            WalEntry second = inspector.read(2).orElseThrow();
            assertEquals(Map.of("primary", EntryStatus.DEAD, "replica", EntryStatus.PENDING), inspector.statuses(second));
            try (java.util.stream.Stream<WalEntry> all = inspector.scan(2)) {
                assertEquals(List.of(2L, 3L), all.map(WalEntry::seq).toList());
            }
            assertTrue(inspector.toString().contains(topic), inspector.toString());
        }
        assertEquals(end, offsets(topic, OffsetSpec.latest()), "the inspector wrote nothing");
        try (KafkaWalStorage existing = cluster.log(topic).partitions(5).existingLog(true).open()) {
            assertEquals(3, existing.settings().partitions());
            assertEquals(3, existing.lastSeq());
        }
    }

    /**
     * Payload encryption through a started Wal: the target gets the payload as written, the record's
     * value (read with a plain consumer) holds only the AES-GCM stored form, the entry header names
     * the codec, and the checksum covers the bytes written.
     */
    @Test
    void payloadCodec_wal_targetSeesPlaintext_whileTheRecordValueIsCiphertext() {
        String topic = TestCluster.newTopic("encrypted");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        try (KafkaWalStorage log = cluster.log(topic).payloadCodec(codec("k1", 1)).open()) {
            assertEquals("aes-gcm", java.util.Objects.requireNonNull(log.settings().payloadCodec()).name());
            Wal wal = Wal.builder(log).target(primary).build().start();
            for (int i = 0; i < 5; i++) {
                assertTrue(wal.writeAsync(WalEntry.builder("accounts", "credit").key("acct-" + i)
                        .payloadJson("{\"secret\":\"PLAINTEXT-MARKER-" + i + "\"}")).join().durable());
            }
            Await.until(() -> primary.applied().size() == 5, () -> "primary applied " + primary.applied().size());
            wal.stop(Duration.ofSeconds(10));
        }
        for (WalEntry applied : primary.applied()) {
            assertTrue(applied.payload().startsWith("{\"secret\":\"PLAINTEXT-MARKER-"), applied.payload());
        }
        List<ConsumerRecord<byte[], byte[]>> records = plainConsumerRead(topic);
        assertEquals(5, records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String value = new String(r.value(), StandardCharsets.UTF_8);
            byte[] header = r.headers().lastHeader(EntryCodec.ENTRY_HEADER).value();
            assertTrue(!value.contains("PLAINTEXT-MARKER"), value);
            assertTrue(value.startsWith("{\"kid\":\"k1\",\"iv\":\""), value);
            assertTrue(new String(header, StandardCharsets.UTF_8).endsWith(",\"payloadCodec\":\"aes-gcm\"}"));
            assertArrayEquals(EntryCodec.checksum(header, r.value()),
                    r.headers().lastHeader(EntryCodec.CRC_HEADER).value(), "the checksum covers what is written");
        }
        try (KafkaLogInspector stored = KafkaLogInspector.open(cluster.log(topic).build());
             KafkaLogInspector open = KafkaLogInspector.open(cluster.log(topic).payloadCodec(codec("k1", 1)).build())) {
            assertTrue(stored.read(1).orElseThrow().payload().startsWith("{\"kid\":\"k1\""),
                    "without a codec the inspector shows the stored form");
            assertTrue(open.read(1).orElseThrow().payload().contains("PLAINTEXT-MARKER"));
        }
    }

    /**
     * A record encrypted under key id k1 is refused, naming topic, partition, offset, entry id and
     * key id and never the key, when read with another key under k1, with k2 only, or with no codec
     * (which also keeps a Wal from starting); the log itself opens, since loading reads no payload.
     */
    @Test
    void payloadCodec_wrongKeyUnknownKeyIdOrNone_isRefusedNamingTheRecordTheEntryAndTheKeyId() {
        String topic = TestCluster.newTopic("wrongkey");
        WalEntry entry = TestEntries.entry(1);
        try (KafkaWalStorage log = cluster.log(topic).payloadCodec(codec("k1", 1)).open()) {
            log.append(List.of(entry));
        }
        ConsumerRecord<byte[], byte[]> r = plainConsumerRead(topic).get(0);
        String record = "record at topic '" + topic + "' partition " + r.partition() + " offset " + r.offset();
        try (KafkaWalStorage wrong = cluster.log(topic).payloadCodec(codec("k1", 2)).open()) {
            String m = assertThrows(WalPayloadException.class, () -> wrong.read(1)).getMessage();
            assertTrue(m.contains(record) && m.contains(entry.id()) && m.contains("'k1'")
                    && m.contains("authentication tag does not verify"), m);
            assertTrue(!m.contains(java.util.Base64.getEncoder().encodeToString(key(1)))
                    && !m.contains(java.util.Base64.getEncoder().encodeToString(key(2))), m);
        }
        try (KafkaWalStorage unknown = cluster.log(topic).payloadCodec(codec("k2", 1)).open()) {
            String m = assertThrows(WalPayloadException.class, () -> unknown.read(1)).getMessage();
            assertTrue(m.contains(record) && m.contains(entry.id()) && m.contains("key id 'k1'")
                    && m.contains("[k2]"), m);
        }
        try (KafkaWalStorage none = cluster.log(topic).open()) {
            String m = assertThrows(WalPayloadException.class, () -> none.read(1)).getMessage();
            assertEquals("entry seq 1 (id " + entry.id() + ", namespace " + entry.namespace() + ") in the " + record
                    + " holds a payload encoded by payload codec 'aes-gcm' with key id 'k1', but the log was opened "
                    + "without a payload codec; give the payload keys (KafkaLogSettings.Builder.payloadCodec, or wal "
                    + "--payload-key-file) to read it", m);
            ScriptedSyncTarget target = new ScriptedSyncTarget("primary", Clock.systemUTC());
            assertThrows(WalPayloadException.class, () -> Wal.builder(none).target(target).build().start());
            assertEquals(List.of(), target.applied(), "nothing, least of all ciphertext, reaches a target");
        }
    }

    /** Plain records written before encryption was turned on read as written beside encrypted ones. */
    @Test
    void payloadCodec_onAnExistingPlainLog_readsBothKinds_andRefusesAStoredFormOverTheLimit() {
        String topic = TestCluster.newTopic("mixed");
        List<WalEntry> plain = TestEntries.batch(1, 3);
        List<WalEntry> encrypted = TestEntries.batch(4, 3);
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            log.append(plain);
        }
        try (KafkaWalStorage log = cluster.log(topic).payloadCodec(codec("k1", 1)).open()) {
            log.append(encrypted);
        }
        List<String> expected = new ArrayList<>();
        plain.forEach(e -> expected.add(e.payload()));
        encrypted.forEach(e -> expected.add(e.payload()));
        try (KafkaWalStorage log = cluster.log(topic).payloadCodec(codec("k1", 1)).open();
             java.util.stream.Stream<WalEntry> all = log.scan(1)) {
            assertEquals(expected, all.map(WalEntry::payload).toList());
        }
        int withCodec = 0;
        for (ConsumerRecord<byte[], byte[]> r : plainConsumerRead(topic)) {
            if (new String(r.headers().lastHeader(EntryCodec.ENTRY_HEADER).value(), StandardCharsets.UTF_8)
                    .contains("\"payloadCodec\"")) {
                withCodec++;
            }
        }
        assertEquals(3, withCodec);
        try (KafkaWalStorage small = cluster.log(topic).payloadCodec(codec("k1", 1)).maxEntryBytes(100).open()) {
            org.wal4j.EntryTooLargeException e = assertThrows(org.wal4j.EntryTooLargeException.class,
                    () -> small.append(List.of(WalEntry.builder("accounts", "credit")
                            .targets(List.of("primary")).payloadJson("{\"n\":\"" + "x".repeat(80) + "\"}").build())));
            assertEquals(100, e.limit());
            assertEquals(6, small.lastSeq(), "nothing was written");
        }
    }

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) seed);
        return k;
    }

    private static PayloadCodec codec(String keyId, int seed) {
        return PayloadEncryption.builder().currentKey(keyId, key(seed)).build();
    }

    /** Every record of the log topic as a plain consumer of no group reads it. */
    private static List<ConsumerRecord<byte[], byte[]>> plainConsumerRead(String topic) {
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                new TopicPartition(topic, 2));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                cluster.bootstrapServers(), "key.deserializer", org.apache.kafka.common.serialization
                        .ByteArrayDeserializer.class.getName(), "value.deserializer", org.apache.kafka.common
                        .serialization.ByteArrayDeserializer.class.getName()))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic + " back took over 30 s");
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void readingATopicKafkaCannotServe_failsWithTheTopicNamed() {
        Map<String, Object> config = KafkaWalStorage.consumerConfig(cluster.log("absent").build());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            RecordReader reader = new RecordReader(consumer, "absent", Duration.ofSeconds(1), PayloadReading.asStored(), 0);
            org.wal4j.WalIOException e = assertThrows(org.wal4j.WalIOException.class,
                    () -> reader.readAll("absent", 1, r -> { }));
            assertTrue(e.getMessage().startsWith("Reading topic 'absent' back failed: "), e.getMessage());
            e = assertThrows(org.wal4j.WalIOException.class,
                    () -> reader.read(List.of(new RecordReader.Location(1, 0, 0))));
            assertTrue(e.getMessage().startsWith("Reading entries of topic 'absent' partition 0 "), e.getMessage());
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readRaw(String topic) {
        Map<String, Object> config = KafkaWalStorage.consumerConfig(cluster.log(topic).build());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            new RecordReader(consumer, topic, Duration.ofSeconds(30), PayloadReading.asStored(), 0).readAll(topic, 3,
                    out::add);
        }
        return out;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(KafkaWalStorage.producerConfig(cluster.log("raw").build()));
    }
}
