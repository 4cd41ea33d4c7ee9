package org.wal4j.storage.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wal4j.EntryOutcome;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.Ticker;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;
import org.wal4j.WalState;
import org.wal4j.WalUnavailableException;
import org.wal4j.WriteResult;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.testing.Await;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * Several instances on one shared log, in one JVM (each its own storage, consumer group member and
 * {@code Wal}; the targets are shared objects, as a database is): every instance writes every lane,
 * each partition is applied by one instance, and partitions move when an instance leaves.
 */
class SharedKafkaLogTest {
    private static final int PARTITIONS = 6;
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.assertHealthy();
        cluster.close();
    }

    private static SharedKafkaWalStorage open(String topic, String group) {
        return cluster.log(topic).partitions(PARTITIONS).clientProperty("session.timeout.ms", 6000)
                .clientProperty("heartbeat.interval.ms", 1000).openShared(group);
    }

    private static Wal wal(SharedKafkaWalStorage log, ScriptedSyncTarget... targets) {
        Wal.Builder b = Wal.builder(log).config(WalConfig.builder().applyPartitions(PARTITIONS).build());
        for (ScriptedSyncTarget t : targets) {
            b.target(t);
        }
        return b.build().start();
    }

    private static CompletableFuture<WriteResult> write(Wal wal, String writer, int i, int lanes) {
        return wal.writeAsync(WalEntry.builder("accounts", "credit").key("acct-" + (i % lanes))
                .idempotencyKey(writer + "-" + i).payloadJson("{\"n\":" + i + "}"));
    }

    /** The broker's order: the log as an instance reads it (each partition in offset order), by idempotency key. */
    private static Map<String, Integer> brokerOrder(SharedKafkaWalStorage log) {
        Map<String, Integer> order = new HashMap<>();
        try (Stream<WalEntry> all = log.scan(1)) {
            all.forEach(e -> order.put(e.idempotencyKey(), order.size()));
        }
        return order;
    }

    /** Each lane's entries (idempotency keys) in the order an instance reads them. */
    private static Map<LaneId, List<String>> lanes(SharedKafkaWalStorage log) {
        Map<LaneId, List<String>> lanes = new HashMap<>();
        try (Stream<WalEntry> all = log.scan(1)) {
            all.forEach(e -> lanes.computeIfAbsent(LaneId.of(e), l -> new ArrayList<>()).add(e.idempotencyKey()));
        }
        return lanes;
    }

    /** Every entry of {@code order} applied exactly once, and each lane in the broker's order. */
    private static void assertExactlyOnceInBrokerOrder(ScriptedSyncTarget target, Map<String, Integer> order) {
        Set<String> seen = new HashSet<>();
        Map<LaneId, Integer> last = new HashMap<>();
        for (WalEntry e : target.applied()) {
            assertTrue(seen.add(e.idempotencyKey()), () -> e.idempotencyKey() + " took effect twice");
            Integer position = order.get(e.idempotencyKey());
            assertTrue(position != null, () -> e.idempotencyKey() + " was applied but is not in the log");
            Integer before = last.put(LaneId.of(e), position);
            assertTrue(before == null || before < position, () -> "lane " + LaneId.of(e) + ": "
                    + e.idempotencyKey() + " applied after an entry the broker put after it");
        }
        assertEquals(order.keySet(), seen, "every entry in the log was applied");
    }

    @Test
    void threeInstances_writeTheSameLanes_eachEntryAppliedOnce_inBrokerOrder_andPartitionsAreShared() {
        String topic = TestCluster.newTopic("shared");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        List<SharedKafkaWalStorage> logs = new ArrayList<>();
        List<Wal> wals = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SharedKafkaWalStorage log = open(topic, "shared-group");
                logs.add(log);
                wals.add(wal(log, primary));
            }
            Await.until(() -> logs.stream().mapToInt(l -> l.ownedPartitions().size()).sum() == PARTITIONS
                    && logs.stream().allMatch(l -> !l.ownedPartitions().isEmpty()),
                    () -> "partitions shared by the three instances: " + logs.stream().map(l -> l.ownedPartitions()).toList());
            List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                for (int w = 0; w < wals.size(); w++) {
                    writes.add(write(wals.get(w), "w" + w, i, 10));
                }
            }
            writes.forEach(f -> assertTrue(f.join().durable()));
            Await.until(() -> primary.applied().size() >= 900, () -> "applied " + primary.applied().size());
            Map<String, Integer> order = brokerOrder(logs.get(0));
            assertEquals(900, order.size());
            assertEquals(lanes(logs.get(0)), lanes(logs.get(2)), "every instance reads each lane in the same order");
            assertExactlyOnceInBrokerOrder(primary, order);
            for (Wal wal : wals) {
                // a write of this instance, applied by whichever owns its partition
                WriteResult mine = wal.write(WalEntry.builder("accounts", "debit").key("acct-3").payloadJson("{}"));
                EntryOutcome outcome = wal.awaitApplied(mine.seq(), Duration.ofSeconds(20)).join();
                assertEquals(EntryStatus.APPLIED, outcome.statusByTarget().get("primary"),
                        "awaitApplied answers for an entry another instance may apply");
            }
        } finally {
            wals.forEach(w -> w.stop(Duration.ofSeconds(10)));
            logs.forEach(SharedKafkaWalStorage::close);
        }
    }

    @Test
    void anInstanceLeaving_handsItsPartitionsOver_andNothingIsAppliedTwiceOrLost() throws Exception {
        String topic = TestCluster.newTopic("handover");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC()).slow(Duration.ofMillis(2));
        SharedKafkaWalStorage first = open(topic, "handover-group");
        Wal a = wal(first, primary);
        SharedKafkaWalStorage second = open(topic, "handover-group");
        Wal b = wal(second, primary);
        try {
            Await.until(() -> first.ownedPartitions().size() + second.ownedPartitions().size() == PARTITIONS
                    && !second.ownedPartitions().isEmpty(), "partitions shared by two instances");
            List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                writes.add(write(a, "a", i, 12));
                writes.add(write(b, "b", i, 12));
            }
            writes.forEach(CompletableFuture::join);
            a.stop(Duration.ofSeconds(10)); // leaves the group mid-apply: its partitions go to b
            Await.until(() -> second.ownedPartitions().size() == PARTITIONS, "b owns every partition");
            for (int i = 400; i < 500; i++) {
                b.write(WalEntry.builder("accounts", "credit").key("acct-" + (i % 12)).idempotencyKey("b-" + i)
                        .payloadJson("{}"));
            }
            Await.until(() -> primary.applied().size() >= 900, () -> "applied " + primary.applied().size());
            assertExactlyOnceInBrokerOrder(primary, brokerOrder(second));
        } finally {
            b.stop(Duration.ofSeconds(10));
            first.close();
            second.close();
        }
    }

    /**
     * What one instance recorded, every instance sees: a dead letter made by the owner of its
     * partition is listed, counted and requeued from the other instance, and the owner applies it;
     * the lag either reports is the whole log's; a lane applied by the other instance is awaited
     * (read-your-writes) from the writing one.
     */
    @Test
    void deadLettersLagAndLanes_areVisibleAndActionable_fromEveryInstance() {
        String topic = TestCluster.newTopic("visible");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC())
                .failPermanently(e -> e.payload().contains("poison"), "poisoned");
        SharedKafkaWalStorage first = open(topic, "visible-group");
        Wal a = wal(first, primary);
        SharedKafkaWalStorage second = open(topic, "visible-group");
        Wal b = wal(second, primary);
        try {
            Await.until(() -> first.ownedPartitions().size() + second.ownedPartitions().size() == PARTITIONS
                    && !first.ownedPartitions().isEmpty() && !second.ownedPartitions().isEmpty(),
                    "partitions shared by two instances");
            // a lane that b applies, written by a
            String lane = laneOwnedBy(second);
            WriteResult poison = a.write(WalEntry.builder("accounts", "credit").key(lane).idempotencyKey("poison-1")
                    .payloadJson("{\"poison\":true}"));
            EntryOutcome dead = a.awaitApplied(poison.seq(), Duration.ofSeconds(20)).join();
            assertEquals(EntryStatus.DEAD, dead.statusByTarget().get("primary"), "b dead-lettered it; a heard");
            assertEquals(List.of("poison-1"), a.admin().deadLetters(org.wal4j.DeadLetterFilter.all())
                    .map(d -> d.entry().idempotencyKey()).toList(), "a lists the dead letter b made");

            primary.down();
            for (int i = 0; i < 20; i++) {
                b.write(WalEntry.builder("accounts", "credit").key("other-" + i).payloadJson("{}"));
            }
            Await.until(() -> a.stats().targets().get("primary").unfinishedEntries() == 20,
                    () -> "a reports the whole log's lag: " + a.stats().targets().get("primary").unfinishedEntries());
            WriteResult behind = a.write(WalEntry.builder("accounts", "credit").key(lane).payloadJson("{}"));
            CompletableFuture<List<EntryOutcome>> laneSettled = a.awaitApplied(
                    new LaneId("accounts", lane), Duration.ofSeconds(30));
            assertTrue(!laneSettled.isDone(), "the lane has an entry b has not applied yet");
            primary.failPermanently(e -> false, "healed").up();
            assertTrue(laneSettled.join().stream().anyMatch(o -> o.seq() == behind.seq()),
                    "a waited for the entry of its lane that b applied");

            assertEquals(1, a.admin().requeue(org.wal4j.DeadLetterFilter.all()), "a requeues b's dead letter");
            Await.until(() -> primary.applied().stream().anyMatch(e -> e.idempotencyKey().equals("poison-1")),
                    "b applied the entry a requeued");
            Await.until(() -> a.stats().targets().get("primary").unfinishedEntries() == 0
                    && b.stats().targets().get("primary").unfinishedEntries() == 0, "no lag left on either instance");
            assertEquals(0, a.admin().deadLetters(org.wal4j.DeadLetterFilter.all()).count());
        } finally {
            a.stop(Duration.ofSeconds(10));
            b.stop(Duration.ofSeconds(10));
        }
    }

    /**
     * Retention on a shared log: records are deleted from Kafka only below every target's checkpoint
     * of their partition and past the retention period, each partition by its owner; a lagging
     * target holds them back on every instance.
     */
    @Test
    void retention_deletesEachPartitionBelowEveryTargetsCheckpoint_neverWhatALaggingTargetNeeds() throws Exception {
        String topic = TestCluster.newTopic("retention");
        ManualClock clock = ManualClock.atEpochOfTests();
        ScriptedSyncTarget fast = new ScriptedSyncTarget("fast", clock);
        ScriptedSyncTarget slow = new ScriptedSyncTarget("slow", clock).down();
        WalConfig config = WalConfig.builder().applyPartitions(PARTITIONS).retention(Duration.ofHours(1))
                .compactionInterval(Duration.ofHours(1)).checkpointInterval(Duration.ofMillis(50)).build();
        SharedKafkaWalStorage first = open(topic, "retention-group");
        Wal a = Wal.builder(first).config(config).clock(clock).ticker(Ticker.system()).target(fast).target(slow)
                .build().start();
        SharedKafkaWalStorage second = open(topic, "retention-group");
        Wal b = Wal.builder(second).config(config).clock(clock).ticker(Ticker.system()).target(fast).target(slow)
                .build().start();
        // a third instance that only reads, keeping no entry it read (each read goes to Kafka) and never compacting
        SharedKafkaWalStorage reader = cluster.log(topic).partitions(PARTITIONS).readCacheBytes(0)
                .openShared("retention-group");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            Await.until(() -> first.ownedPartitions().size() + second.ownedPartitions().size() == PARTITIONS
                    && !second.ownedPartitions().isEmpty(), "partitions shared by two instances");
            for (int i = 0; i < 30; i++) {
                a.write(WalEntry.builder("accounts", "credit").key("acct-" + i).payloadJson("{}"));
            }
            Await.until(() -> fast.applied().size() == 30, () -> "fast applied " + fast.applied().size());
            // each instance sees both owners' checkpoints per partition, as a seq of its own numbering
            Await.until(() -> first.checkpoint("fast") == 30 && second.checkpoint("fast") == 30,
                    () -> "fast's checkpoint " + first.checkpoint("fast") + " and " + second.checkpoint("fast"));
            assertEquals(0, first.checkpoint("slow"), "slow saved none");
            clock.stepWall(Duration.ofHours(2));
            assertEquals(0, a.admin().compact().entriesDropped() + b.admin().compact().entriesDropped(),
                    "past the retention, but slow still needs them");
            assertEquals(Map.of(), deleted(admin, topic), "nothing deleted in Kafka");

            slow.up();
            Await.until(() -> slow.applied().size() == 30, () -> "slow applied " + slow.applied().size());
            Await.until(() -> checkpointed(first, 30) && checkpointed(second, 30),
                    () -> "every partition's checkpoint saved for both targets: " + first.checkpoints());
            assertEquals(30, second.checkpoint("slow"));
            try (KafkaLogInspector inspector = KafkaLogInspector.open(cluster.log(topic).build())) {
                assertEquals(Map.of("fast", 30L, "slow", 30L), inspector.checkpoints(), "wal status shows them too");
            }
            Await.until(() -> checkpointed(reader, 30), () -> "the reader sees the checkpoints: " + reader.checkpoints());
            Set<Integer> deletedByA = first.ownedPartitions();
            long inBsPartitions = lanes(reader).entrySet().stream().filter(l -> !deletedByA.contains(partition(l.getKey())))
                    .mapToLong(l -> l.getValue().size()).sum();
            assertEquals(30, a.admin().compact().entriesDropped(), "a forgets all 30");
            // the reader still holds the entries of a's partitions, whose records a deleted: it leaves them out
            try (Stream<WalEntry> left = reader.scan(1)) {
                assertEquals(inBsPartitions, left.count(), "a scan before its own compaction passes over what a deleted");
            }
            assertEquals(30, b.admin().compact().entriesDropped(), "b forgets all 30");
            Map<Integer, Long> gone = deleted(admin, topic);
            assertEquals(30, gone.values().stream().mapToLong(Long::longValue).sum(),
                    "every record deleted, each partition by its owner: " + gone);
            slow.down();
            WriteResult after = b.write(WalEntry.builder("accounts", "credit").key("acct-1").payloadJson("{}"));
            assertEquals(EntryStatus.APPLIED, b.awaitApplied(after.seq(), "fast", Duration.ofSeconds(20)).join()
                    .statusByTarget().get("fast"), "the log goes on after its records were deleted");

            // an operator deletes the record slow still needs: a read of it fails, naming the cause
            Await.until(() -> reader.lastSeq() == 31, () -> "the reader follows the log: " + reader.lastSeq());
            int partition = partition(LaneId.of("accounts", "acct-1"));
            admin.deleteRecords(Map.of(new TopicPartition(topic, partition), RecordsToDelete.beforeOffset(-1)))
                    .all().get();
            WalIOException underneath = assertThrows(WalIOException.class, () -> reader.read(31));
            assertTrue(underneath.getMessage().contains("partition " + partition + " no longer holds 1 of the entries")
                    && underneath.getMessage().contains("the log's retention did not delete"), underneath.getMessage());
        } finally {
            a.stop(Duration.ofSeconds(10));
            b.stop(Duration.ofSeconds(10));
            reader.close();
        }
    }

    private static int partition(LaneId lane) {
        return ApplyPartitions.of(lane, PARTITIONS);
    }

    /** True when the checkpoints of both targets cover {@code entries} records over all partitions. */
    private static boolean checkpointed(SharedKafkaWalStorage log, int entries) {
        Map<String, Map<Integer, Long>> checkpoints = log.checkpoints();
        for (String target : List.of("fast", "slow")) {
            long covered = checkpoints.getOrDefault(target, Map.of()).values().stream().mapToLong(o -> o + 1).sum();
            if (covered < entries) {
                return false;
            }
        }
        return true;
    }

    /** Per partition of the log topic, how many records Kafka deleted (its log start offset), where any. */
    private static Map<Integer, Long> deleted(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        }
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(earliest).all().get().forEach((tp, info) -> {
            if (info.offset() > 0) {
                out.put(tp.partition(), info.offset());
            }
        });
        return out;
    }

    /**
     * The two forms of a Kafka log tell each other apart: a shared log's records carry no seq, the
     * probe and an operator's inspector see it, and each form refuses the other's topic.
     */
    @Test
    void aSharedLog_isToldApartFromOneWithOneWriter_inspected_andEachFormRefusesTheOthersTopic() throws Exception {
        String topic = TestCluster.newTopic("forms");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        try (SharedKafkaWalStorage log = open(topic, "forms-group")) {
            assertTrue(!SharedKafkaWalStorage.isShared(log.settings()), "an empty log is not known to be shared");
            Wal wal = wal(log, primary);
            try {
                Await.until(() -> log.ownedPartitions().size() == PARTITIONS, "one instance owns every partition");
                WriteResult first = wal.write(WalEntry.builder("accounts", "credit").key("acct-1").payloadJson("{}"));
                wal.write(WalEntry.builder("accounts", "credit").key("acct-2").payloadJson("{\"n\":2}"));
                assertEquals(EntryStatus.APPLIED, wal.awaitApplied(first.seq(), Duration.ofSeconds(20)).join()
                        .statusByTarget().get("primary"));
                assertEquals("{}", log.read(first.seq()).orElseThrow().payload());
                log.sync().get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(log.whenDurable(first.seq()).isDone(), "read back, so durable");
                assertEquals(0, log.checkpoint("primary"), "checkpoints are per partition, by offset");
            } finally {
                wal.stop(Duration.ofSeconds(10));
            }
        }
        KafkaLogSettings settings = cluster.log(topic).partitions(PARTITIONS).build();
        assertTrue(SharedKafkaWalStorage.isShared(settings));
        try (KafkaLogInspector inspector = KafkaLogInspector.open(settings)) {
            assertTrue(inspector.shared());
            assertEquals(2, inspector.entries());
            assertEquals(0, inspector.unfinished("primary"), "the statuses, named by partition and offset, were read");
            assertEquals(Set.of("{}", "{\"n\":2}"), inspector.scan(1).map(WalEntry::payload).collect(Collectors.toSet()));
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> cluster.log(topic)
                .partitions(PARTITIONS).open());
        assertTrue(refused.getMessage().contains("is shared by several instances (its records carry no seq): open it "
                + "with openShared(group)"), refused.getMessage());

        String single = TestCluster.newTopic("single");
        try (KafkaWalStorage log = cluster.log(single).partitions(PARTITIONS).open()) {
            log.append(WalEntry.builder("accounts", "credit").key("acct-1").targets(List.of("primary"))
                    .payloadJson("{}").build());
        }
        assertTrue(!SharedKafkaWalStorage.isShared(cluster.log(single).partitions(PARTITIONS).build()));
        org.wal4j.WalIOException wrongForm = assertThrows(org.wal4j.WalIOException.class, () -> open(single, "g"));
        assertTrue(wrongForm.getMessage().contains("carries seq 1: it was written by a log with one writer "
                + "(KafkaWalStorage), not by a shared log; open it with KafkaWalStorage.open"), wrongForm::getMessage);
        assertThrows(IllegalArgumentException.class, () -> SharedKafkaWalStorage.open(settings, " "));
    }

    /** A key whose lane lies in a partition {@code log} owns. */
    private static String laneOwnedBy(SharedKafkaWalStorage log) {
        for (int i = 0; ; i++) {
            if (log.ownedPartitions().contains(log.partitionOf(new LaneId("accounts", "lane-" + i)))) {
                return "lane-" + i;
            }
        }
    }

    /**
     * An operator's slip: instances of one service naming different consumer groups (say, a group
     * per pod) would each be given every partition and apply it. The first instance records the
     * log's group; an instance of another is refused when its Wal starts, before it joins anything.
     */
    @Test
    void anInstanceOfAnotherGroup_isRefusedAtStart_andTheLogsGroupGoesOnAndGrows() {
        String topic = TestCluster.newTopic("groups");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        SharedKafkaWalStorage first = open(topic, "orders-service");
        Wal a = wal(first, primary);
        SharedKafkaWalStorage stray = open(topic, "orders-service-pod-2");
        SharedKafkaWalStorage second = null;
        Wal c = null;
        try {
            Wal b = Wal.builder(stray).config(WalConfig.builder().applyPartitions(PARTITIONS).build()).target(primary)
                    .build();
            IllegalStateException e = assertThrows(IllegalStateException.class, b::start);
            assertEquals("The shared log '" + topic + "' belongs to consumer group 'orders-service' (recorded in topic '"
                    + topic + ".status' by its first instance), but this instance joins group 'orders-service-pod-2': "
                    + "every instance of a shared log must name the same group, openShared(\"orders-service\"); two "
                    + "groups would each apply every partition. To move the log to another group, stop every instance "
                    + "and delete the record with key 'group/orders-service' (a tombstone) from partition 0 of that "
                    + "topic", e.getMessage());
            assertEquals(WalState.STOPPED, b.state());
            Await.until(() -> first.ownedPartitions().size() == PARTITIONS, "the log's group keeps every partition");
            for (int i = 0; i < 30; i++) {
                write(a, "a", i, 12).join();
            }
            Await.until(() -> primary.applied().size() == 30, () -> "applied " + primary.applied().size());

            second = open(topic, "orders-service");
            c = wal(second, primary);
            SharedKafkaWalStorage joined = second;
            Await.until(() -> !joined.ownedPartitions().isEmpty()
                    && first.ownedPartitions().size() + joined.ownedPartitions().size() == PARTITIONS,
                    "an instance of the log's group still joins");
        } finally {
            if (c != null) {
                c.stop(Duration.ofSeconds(10));
            }
            a.stop(Duration.ofSeconds(10));
            stray.close();
        }
    }

    /** Two instances of different groups starting on a new log at once: both agree on the first recorded. */
    @Test
    void twoGroupsRecordingAtOnce_agreeOnTheFirst_andOnlyItsInstanceStarts() throws Exception {
        String topic = TestCluster.newTopic("race");
        List<SharedKafkaWalStorage> logs = List.of(open(topic, "blue"), open(topic, "green"));
        List<Wal> wals = new ArrayList<>();
        for (SharedKafkaWalStorage log : logs) {
            wals.add(Wal.builder(log).config(WalConfig.builder().applyPartitions(PARTITIONS).build())
                    .target(new ScriptedSyncTarget("primary", Clock.systemUTC())).build());
        }
        try {
            List<CompletableFuture<Wal>> starts = wals.stream().map(w -> CompletableFuture.supplyAsync(w::start)).toList();
            List<String> refused = new ArrayList<>();
            List<String> started = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try {
                    starts.get(i).join();
                    started.add(logs.get(i).group());
                } catch (CompletionException e) {
                    assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
                    refused.add(e.getCause().getMessage());
                }
            }
            assertEquals(1, started.size(), "started " + started + ", refused " + refused);
            assertTrue(refused.get(0).contains("belongs to consumer group '" + started.get(0) + "'"), refused.get(0));
        } finally {
            wals.forEach(w -> w.stop(Duration.ofSeconds(10)));
        }
    }

    /** The way out the refusal names: with every instance stopped, a tombstone frees the log for another group. */
    @Test
    void aLogsGroup_deletedWithATombstone_isRecordedAnewByTheNextGroup() {
        String topic = TestCluster.newTopic("regroup");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", Clock.systemUTC());
        SharedKafkaWalStorage old = open(topic, "old-name");
        Wal a = wal(old, primary);
        write(a, "a", 1, 1).join();
        a.stop(Duration.ofSeconds(10));
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(KafkaWalStorage.producerConfig(
                cluster.log(topic).build()))) {
            raw.send(new ProducerRecord<>(topic + KafkaLogSettings.COMPANION_SUFFIX, 0,
                    "group/old-name".getBytes(StandardCharsets.UTF_8), null)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        SharedKafkaWalStorage renamed = open(topic, "new-name");
        Wal b = wal(renamed, primary);
        try {
            Await.until(() -> renamed.ownedPartitions().size() == PARTITIONS, "the new group owns the log");
            Await.until(() -> primary.applied().size() == 1, () -> "applied " + primary.applied().size());
            SharedKafkaWalStorage stale = open(topic, "old-name");
            Wal c = Wal.builder(stale).config(WalConfig.builder().applyPartitions(PARTITIONS).build()).target(primary)
                    .build();
            assertTrue(assertThrows(IllegalStateException.class, c::start).getMessage()
                    .contains("belongs to consumer group 'new-name'"));
        } finally {
            b.stop(Duration.ofSeconds(10));
        }
    }

    /**
     * A record the log cannot read (a foreign producer wrote to its topic) stops every instance that
     * follows the log: it refuses writes, naming the record, rather than number entries past a gap.
     */
    @Test
    void aForeignRecordInTheLogTopic_stopsTheFollower_whichRefusesWritesNamingTheRecord() throws Exception {
        String topic = TestCluster.newTopic("foreign");
        try (SharedKafkaWalStorage log = open(topic, "foreign-group")) {
            log.append(WalEntry.builder("accounts", "credit").key("a").targets("primary").payloadJson("{}").build());
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(KafkaWalStorage.producerConfig(
                    cluster.log(topic).build()))) {
                raw.send(new ProducerRecord<>(topic, 0, "k".getBytes(StandardCharsets.UTF_8),
                        "not an entry".getBytes(StandardCharsets.UTF_8))).get();
            }
            Await.until(() -> log.stats().state() == org.wal4j.spi.StorageState.POISONED, "the follower stopped");
            org.wal4j.WalUnavailableException e = assertThrows(org.wal4j.WalUnavailableException.class,
                    () -> log.append(WalEntry.builder("accounts", "credit").key("b").targets("primary").payloadJson("{}")
                            .build()));
            assertTrue(e.getMessage().startsWith("The shared Kafka log '" + topic + "' refuses writes since an earlier "
                    + "failure, until it is reopened: ") && e.getMessage().contains("record at topic '" + topic
                    + "' partition 0 offset "), e.getMessage());
        }
    }

    /** {@code sync()} forces everything written so far: the status records too, not only the appends. */
    @Test
    void sync_coversTheStatusesRecorded() {
        String topic = TestCluster.newTopic("sync");
        try (SharedKafkaWalStorage log = open(topic, "sync-group")) {
            long seq = log.append(WalEntry.builder("accounts", "credit").key("a").targets("primary").payloadJson("{}")
                    .build());
            CompletableFuture<Void> status = log.appendStatusAsync(List.of(new org.wal4j.spi.StatusRecord(seq, "primary",
                    EntryStatus.DEAD, 3, java.time.Instant.now(), "boom")));
            log.sync().join();
            assertTrue(status.isDone() && !status.isCompletedExceptionally(), "sync waited for the status record");
        }
    }

    /**
     * A client's call that timed out on one instance, retried on another with the same idempotency
     * key: the second instance returns the original (its own seq for it) and appends nothing.
     */
    @Test
    void aWriteRetriedOnAnotherInstance_withTheSameIdempotencyKey_isNotAppendedTwice() {
        String topic = TestCluster.newTopic("retried");
        ScriptedSyncTarget target = new ScriptedSyncTarget("primary", Clock.systemUTC());
        SharedKafkaWalStorage first = open(topic, "retried-group");
        SharedKafkaWalStorage second = open(topic, "retried-group");
        Wal a = wal(first, target);
        Wal b = wal(second, target);
        try {
            WriteResult original = a.write(WalEntry.builder("accounts", "credit").key("acct-1")
                    .idempotencyKey("req-7").payloadJson("{}"));
            // the second instance has read the entry back and its engine knows the key
            Await.until(() -> b.stats().idempotencyKeys() == 1, () -> "keys known: " + b.stats().idempotencyKeys());
            WriteResult retried = b.write(WalEntry.builder("accounts", "credit").key("acct-1")
                    .idempotencyKey("req-7").payloadJson("{}"));
            assertTrue(retried.duplicate(), retried.toString());
            assertEquals(original.id(), retried.id(), "the original entry");
            assertEquals(1, retried.seq(), "numbered as the second instance holds it");
            assertEquals(EntryStatus.APPLIED, b.awaitApplied(retried.seq(), Duration.ofSeconds(20)).join()
                    .statusByTarget().get("primary"));
            assertEquals(1, second.lastSeq(), "nothing appended");
            assertEquals(1, target.applied().size(), "applied once");
        } finally {
            a.stop(Duration.ofSeconds(10));
            b.stop(Duration.ofSeconds(10));
        }
    }

    /** The log topic made compacted under a running shared log: it refuses writes from its next compaction. */
    @Test
    void aLogTopicMadeCompactedUnderTheRunningLog_refusesWritesFromTheNextCompaction() throws Exception {
        String topic = TestCluster.newTopic("compacted");
        try (SharedKafkaWalStorage log = open(topic, "compacted-group");
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            log.append(WalEntry.builder("accounts", "credit").key("a").targets("primary").payloadJson("{}").build());
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact"),
                            AlterConfigOp.OpType.SET)))).all().get();
            Await.until(() -> {
                try {
                    log.compact(0, java.time.Instant.now());
                    return false;
                } catch (WalUnavailableException e) {
                    return e.getMessage().contains("has cleanup.policy=compact");
                }
            }, "the log to see its topic compacted");
            WalUnavailableException e = assertThrows(WalUnavailableException.class, () -> log.append(
                    WalEntry.builder("accounts", "credit").key("a").targets("primary").payloadJson("{}").build()));
            assertTrue(e.getMessage().contains("Kafka would delete entries no target has applied yet"), e.getMessage());
        }
    }

    @Test
    void aWal_whosePartitionsDifferFromTheLog_isRefused() {
        String topic = TestCluster.newTopic("refused");
        try (SharedKafkaWalStorage log = open(topic, "refused-group")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wal.builder(log)
                    .config(WalConfig.builder().applyPartitions(4).build())
                    .target(new ScriptedSyncTarget("primary", Clock.systemUTC())).build());
            assertTrue(e.getMessage().contains("target 'primary' has 4 apply partitions but the shared log")
                    && e.getMessage().contains("is divided into 6"), e.getMessage());
        }
    }
}
