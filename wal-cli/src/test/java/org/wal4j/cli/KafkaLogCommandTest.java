package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.AuditEvent;
import org.wal4j.EntryStatus;
import org.wal4j.Wal;
import org.wal4j.WalAction;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.storage.kafka.KafkaWalStorage;
import org.wal4j.storage.kafka.SharedKafkaWalStorage;
import org.wal4j.storage.kafka.TestCluster;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.TestEntries;

/**
 * {@code status}, {@code dump} and {@code dlq list|requeue|discard} on a Kafka log, against a real
 * in-process 3-broker KRaft cluster (one for the class): the same commands print the same as for a
 * file log of the same entries, changes land in the companion topic, and the options refuse what
 * makes no sense, clearly.
 */
class KafkaLogCommandTest {
    private static final Instant DEAD_AT = Instant.parse("2026-01-01T00:00:02Z");

    private static TestCluster cluster;

    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Seqs 1..6 for primary and replica (DlqCommandTest's log): dead 2 and 5 for primary, 5 for
     * replica, the rest applied; checkpoints primary 1, replica 4; then 7 and 8, pending for both.
     */
    private static void write(WalStorage storage, List<WalEntry> entries) {
        for (WalEntry entry : entries) {
            storage.append(List.of(entry));
        }
        for (long seq = 1; seq <= 6; seq++) {
            for (String target : List.of("primary", "replica")) {
                boolean dead = (seq == 2 || seq == 5) && (target.equals("primary") || seq == 5);
                storage.appendStatus(List.of(dead
                        ? new StatusRecord(seq, target, EntryStatus.DEAD, 4, DEAD_AT, "unique constraint " + seq)
                        : StatusRecord.of(seq, target, EntryStatus.APPLIED, 1, DEAD_AT)));
            }
        }
        storage.saveCheckpoint("primary", 1).join();
        storage.saveCheckpoint("replica", 4).join();
    }

    /** Entries 1..8 for primary and replica (each with its own random id). */
    private static List<WalEntry> entries() {
        List<WalEntry> out = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            out.add(TestEntries.entry(i, "primary", "replica"));
        }
        return out;
    }

    private static String kafkaLog(String prefix, List<WalEntry> entries) {
        String topic = TestCluster.newTopic(prefix);
        try (KafkaWalStorage storage = cluster.log(topic).open()) {
            write(storage, entries);
        }
        return topic;
    }

    private static String kafkaLog(String prefix) {
        return kafkaLog(prefix, entries());
    }

    private static KafkaWalStorage reopen(String topic) {
        return cluster.log(topic).open();
    }

    private String[] on(String topic, String... command) {
        String[] args = new String[command.length + 4];
        System.arraycopy(command, 0, args, 0, command.length);
        args[command.length] = "--bootstrap-servers";
        args[command.length + 1] = cluster.bootstrapServers();
        args[command.length + 2] = "--topic";
        args[command.length + 3] = topic;
        return args;
    }

    @Test
    void dumpDlqListAndStatus_printTheSameAsForAFileLogOfTheSameEntries() {
        List<WalEntry> entries = entries();
        String topic = kafkaLog("same", entries);
        try (FileWalStorage file = TestLogs.open(dir)) {
            write(file, entries);
        }
        String d = dir.toString();

        assertSame(cli.run("dump", "--dir", d), cli.run(on(topic, "dump")), 8);
        assertSame(cli.run("dump", "--dir", d, "--status", "DEAD", "--target", "primary"),
                cli.run(on(topic, "dump", "--status", "DEAD", "--target", "primary")), 2);
        // entry i was created at T0 + i ms: from 3 ms inclusive to 6 ms exclusive, entries 3 to 5 (read alone from Kafka)
        String from = TestEntries.T0.plusMillis(3).toString();
        String to = TestEntries.T0.plusMillis(6).toString();
        assertSame(cli.run("dump", "--dir", d, "--from", from, "--to", to),
                cli.run(on(topic, "dump", "--from", from, "--to", to)), 3);
        assertSame(cli.run("dlq", "list", "--dir", d), cli.run(on(topic, "dlq", "list")), 5);
        assertSame(cli.run("dlq", "list", "--dir", d, "--json"), cli.run(on(topic, "dlq", "list", "--json")), 3);
        List<String> fileStatus = cli.run("status", "--dir", d).outLines();
        List<String> kafkaStatus = cli.run(on(topic, "status")).outLines();
        // the per-target table: every figure the same
        assertEquals(fileStatus.subList(fileStatus.size() - 3, fileStatus.size()),
                kafkaStatus.subList(kafkaStatus.size() - 3, kafkaStatus.size()));
        assertEquals(List.of(
                "TARGET   CHECKPOINT  LAG ENTRIES  LAG SECONDS  OLDEST SEQ  DEAD LETTERS  REJECTED",
                "primary           1            2       3600.0           7             2         0",
                "replica           4            2       3600.0           7             1         0"),
                kafkaStatus.subList(kafkaStatus.size() - 3, kafkaStatus.size()));
    }

    private static void assertSame(Cli.Result file, Cli.Result kafka, int lines) {
        assertEquals(0, file.exitCode(), file::toString);
        assertEquals(0, kafka.exitCode(), kafka::toString);
        assertEquals("", kafka.err());
        assertEquals(lines, kafka.outLines().size(), kafka::toString);
        assertEquals(file.out(), kafka.out());
    }

    @Test
    void status_namesTopicAndPartitions_inTextAndJson() throws Exception {
        String topic = kafkaLog("status");

        Cli.Result r = cli.run(on(topic, "status", "--kafka-property", "client.id=wal-cli-test"));

        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.outLines();
        assertEquals("Log           Kafka topic " + topic + " at " + cluster.bootstrapServers(), lines.get(0));
        assertEquals("Writer        not known: a Kafka log has no lock", lines.get(1));
        assertTrue(lines.get(2).matches("Partitions    3 \\(.+ of entries held\\)"), lines.get(2));
        assertEquals("Entries       8 (last seq 8)", lines.get(3));
        assertEquals("Unfinished    4", lines.get(4));
        assertEquals("Dead letters  3", lines.get(5));

        JsonNode n = Json.MAPPER.readTree(cli.run(on(topic, "status", "--json")).out());
        assertEquals(topic, n.get("topic").asText());
        assertEquals(topic + ".status", n.get("companionTopic").asText());
        assertEquals(cluster.bootstrapServers(), n.get("bootstrapServers").asText());
        assertEquals(3, n.get("partitions").asInt());
        assertEquals(8, n.get("entries").asLong());
        assertEquals(8, n.get("lastSeq").asLong());
        assertEquals(3, n.get("deadLetters").asLong());
        assertEquals(0, n.get("awaitingDeletion").asInt());
        assertEquals("primary", n.get("targets").get(0).get("name").asText());
        assertEquals(2, n.get("targets").get(0).get("deadLetters").asLong());
        assertFalse(n.has("segmentFiles"));
    }

    @Test
    void requeue_writesPendingToTheCompanionTopic_auditsIt_andSaysWhenItTakesEffect() {
        String topic = kafkaLog("requeue");

        Cli.Result r = cli.run(on(topic, "dlq", "requeue", "--seq", "5", "--user", "alice"));

        assertEquals(0, r.exitCode(), r::toString);
        List<String> out = r.outLines();
        assertEquals("requeued 2 dead letters as alice", out.get(out.size() - 2));
        assertEquals("note: a Kafka log has no lock: an application running on topic '" + topic + "' does not see "
                + "this change until it next opens the log (restart it to apply requeued entries now)",
                out.get(out.size() - 1));
        try (KafkaWalStorage log = reopen(topic)) {
            assertEquals(Optional.of(EntryStatus.PENDING), log.status(5, "primary"));
            assertEquals(Optional.of(EntryStatus.PENDING), log.status(5, "replica"));
            assertEquals(Optional.of(EntryStatus.DEAD), log.status(2, "primary"));
            TrackedEntry requeued = log.unfinished("primary", 0, 10).get(0);
            assertEquals(5, requeued.entry().seq());
            assertEquals(0, requeued.attempts());
            assertEquals("requeued by alice", requeued.reason());
            assertEquals(8, log.lastSeq());
        }
        assertEquals(List.of(5L, 5L), cli.audit.stream().map(AuditEvent::seq).toList());
        assertEquals("wal dlq requeue: was DEAD after 4 attempts: unique constraint 5", cli.audit.get(0).detail());
        assertEquals("1 dead letter", cli.run(on(topic, "dlq", "list")).outLines().get(2));
    }

    /**
     * A Kafka log has no lock: discard runs beside the application's open log. It issues no seq (the
     * writer's next append is seq 9, and the reopened log holds every seq once), and the running
     * log does not see it: its own index still says DEAD until it is reopened.
     */
    @Test
    void discard_besideARunningWriter_issuesNoSeq_andTheWriterSeesItWhenItReopens() throws Exception {
        String topic = kafkaLog("beside");
        try (KafkaWalStorage running = reopen(topic)) {
            Cli.Result r = cli.run(on(topic, "dlq", "discard", "--all", "--json"));

            assertEquals(0, r.exitCode(), r::toString);
            JsonNode n = Json.MAPPER.readTree(r.out());
            assertEquals(3, n.get("count").asInt());
            assertTrue(n.get("note").asText().startsWith("a Kafka log has no lock"), n::toString);
            assertEquals(9, running.append(List.of(TestEntries.entry(9, "primary"))).firstSeq());
            assertEquals(Optional.of(EntryStatus.DEAD), running.status(2, "primary"), "not seen while running");
        }
        try (KafkaWalStorage reopened = reopen(topic)) { // a seq held twice would refuse this open
            assertEquals(9, reopened.lastSeq());
            assertEquals(Optional.of(EntryStatus.DISCARDED), reopened.status(2, "primary"));
            assertEquals(Optional.of(EntryStatus.DISCARDED), reopened.status(5, "replica"));
            assertEquals(List.of(), reopened.deadLetters(null, 0, 10));
        }
        assertEquals(Set.of(WalAction.DISCARD), Set.copyOf(cli.audit.stream().map(AuditEvent::action).toList()));
    }

    /**
     * A log shared by several instances ({@code openShared}): the commands read it as they read any
     * Kafka log (numbering its records as read), and a requeue reaches the running instance that owns
     * the entry's partition, which applies it without a restart.
     */
    @Test
    void onASharedLog_listDumpAndStatusWork_andARequeueIsAppliedByTheRunningOwner() throws Exception {
        String topic = TestCluster.newTopic("shared");
        ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", java.time.Clock.systemUTC())
                .failPermanently(e -> e.payload().contains("poison"), "poisoned");
        try (SharedKafkaWalStorage log = cluster.log(topic).openShared("cli-shared")) {
            Wal wal = Wal.builder(log).config(WalConfig.builder().applyPartitions(3).build()).target(primary).build()
                    .start();
            try {
                for (int i = 0; i < 5; i++) {
                    wal.write(WalEntry.builder("orders", "place").key("o-" + i).payloadJson("{\"n\":" + i + "}"));
                }
                long poison = wal.write(WalEntry.builder("orders", "place").key("o-9")
                        .payloadJson("{\"poison\":1}")).seq();
                assertEquals(EntryStatus.DEAD, wal.awaitApplied(poison, java.time.Duration.ofSeconds(20)).join()
                        .statusByTarget().get("primary"));

                Cli.Result list = cli.run(on(topic, "dlq", "list", "--json"));
                assertEquals(0, list.exitCode(), list::toString);
                assertTrue(list.out().contains("poisoned") && list.out().contains("o-9"), list::toString);
                Cli.Result dump = cli.run(on(topic, "dump", "--json"));
                assertEquals(0, dump.exitCode(), dump::toString);
                assertEquals(6, dump.outLines().size(), dump::toString);
                Cli.Result status = cli.run(on(topic, "status"));
                assertEquals(0, status.exitCode(), status::toString);

                primary.failPermanently(e -> false, "healed");
                Cli.Result requeue = cli.run(on(topic, "dlq", "requeue", "--all"));
                assertEquals(0, requeue.exitCode(), requeue::toString);
                assertTrue(requeue.out().contains("the owner of each entry's partition applies the requeued entries "
                        + "now"), requeue::toString);
                org.wal4j.testing.Await.until(() -> primary.applied().stream()
                        .anyMatch(e -> e.payload().contains("poison")), "the running owner applied the requeued entry");
            } finally {
                wal.stop(java.time.Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void anAbsentLog_isRefusedNamingTheTopic_andNeverCreated() throws Exception {
        String topic = TestCluster.newTopic("absent");

        for (String[] command : List.of(new String[] {"status"}, new String[] {"dump"}, new String[] {"dlq", "list"},
                new String[] {"dlq", "requeue", "--all"})) {
            Cli.Result r = cli.run(on(topic, command));
            assertEquals(1, r.exitCode(), r::toString);
            String name = "wal " + String.join(" ", command).replace(" --all", "");
            assertEquals(name + ": topic '" + topic + "' does not exist (bootstrap servers " + cluster.bootstrapServers()
                    + "): no wal4j log '" + topic + "' is there to open, and an existing log is never created\n",
                    r.err());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get();
            assertFalse(topics.contains(topic), topics::toString);
            assertFalse(topics.contains(topic + ".status"), topics::toString);
        }
    }

    @Test
    void optionsThatMakeNoSense_areUsageErrors_sayingWhy() {
        String servers = cluster.bootstrapServers();
        assertUsage("wal status: --dir cannot be combined with --bootstrap-servers, --topic: a log is either a "
                + "directory (--dir) or a Kafka topic (--bootstrap-servers and --topic), not both",
                "status", "--dir", dir.toString(), "--bootstrap-servers", servers, "--topic", "t");
        assertUsage("wal dlq requeue: --dir cannot be combined with --kafka-property: a log is either a directory "
                + "(--dir) or a Kafka topic (--bootstrap-servers and --topic), not both",
                "dlq", "requeue", "--all", "--dir", dir.toString(), "--kafka-property", "client.id=x");
        assertUsage("wal dump: no log given: --dir DIR for a file log, or --bootstrap-servers and --topic for a "
                + "Kafka log", "dump");
        assertUsage("wal dlq list: --topic is missing: a Kafka log needs both --bootstrap-servers and --topic",
                "dlq", "list", "--bootstrap-servers", servers);
        assertUsage("wal status: --bootstrap-servers is missing: a Kafka log needs both --bootstrap-servers and "
                + "--topic", "status", "--topic", "t");
        assertUsage("wal dlq discard: --kafka-property acks: client property 'acks' is set by the Kafka log itself "
                + "(acks=all is what makes an acknowledgement survive a broker's loss); remove it",
                "dlq", "discard", "--all", "--bootstrap-servers", servers, "--topic", "t", "--kafka-property", "acks=1");
        assertUsage("wal status: --topic: topic must match [a-zA-Z0-9._-]{1,242} but was 'no spaces'",
                "status", "--bootstrap-servers", servers, "--topic", "no spaces");
        assertUsage("wal status: --segments: a Kafka log has no segment files (its status shows the partitions)",
                "status", "--segments", "--bootstrap-servers", servers, "--topic", "t");
    }

    /**
     * On a Kafka log whose payloads are encrypted, dump shows the plaintext with --payload-key-file
     * and the stored form (ciphertext, key id) without it; a wrong key file fails naming the record.
     */
    @Test
    void dump_ofAnEncryptedKafkaLog_showsPlaintextWithThePayloadKeyFile_andTheStoredFormWithout() throws Exception {
        byte[] key = new byte[16];
        java.util.Arrays.fill(key, (byte) 7);
        String topic = TestCluster.newTopic("cli-encrypted");
        try (KafkaWalStorage storage = cluster.log(topic)
                .payloadCodec(org.wal4j.PayloadEncryption.builder().currentKey("k1", key).build()).open()) {
            storage.append(List.of(WalEntry.builder("accounts", "credit").key("acct-1").targets(List.of("primary"))
                    .payloadJson("{\"secret\":\"PLAINTEXT-MARKER\"}").build()));
        }
        Path keys = dir.resolve("keys");
        java.nio.file.Files.writeString(keys, "k1=" + java.util.Base64.getEncoder().encodeToString(key) + "\n");
        Cli.Result open = cli.run(on(topic, "dump", "--payload-key-file", keys.toString()));
        assertEquals(0, open.exitCode(), open::toString);
        assertTrue(open.out().contains("PLAINTEXT-MARKER"), open.out());
        Cli.Result sealed = cli.run(on(topic, "dump"));
        assertEquals(0, sealed.exitCode(), sealed::toString);
        assertFalse(sealed.out().contains("PLAINTEXT-MARKER"), sealed.out());
        assertTrue(sealed.out().contains("\"kid\":\"k1\""), sealed.out());
        Path wrong = dir.resolve("wrong");
        java.nio.file.Files.writeString(wrong, "k1=" + java.util.Base64.getEncoder().encodeToString(new byte[16])
                + "\n");
        Cli.Result refused = cli.run(on(topic, "dump", "--payload-key-file", wrong.toString()));
        assertTrue(refused.exitCode() != 0, refused::toString);
        assertTrue(refused.err().contains("topic '" + topic + "' partition") && refused.err().contains("'k1'")
                && !refused.err().contains("PLAINTEXT-MARKER"), refused.err());
    }

    private void assertUsage(String message, String... args) {
        Cli.Result r = cli.run(args);
        assertEquals(2, r.exitCode(), r::toString);
        String command = message.substring(0, message.indexOf(':'));
        assertEquals(message + " (see '" + command + " --help')\n", r.err());
    }
}
