package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.kafka.KafkaWalStorage;
import org.wal4j.storage.kafka.TestCluster;
import org.wal4j.testing.TestEntries;

/**
 * The packaged command line against a Kafka log, as an operator runs it: {@code bin/wal} in a child
 * process (the shaded jar, Kafka's client inside) talking to the in-process cluster of this JVM.
 * Runs in the {@code integration-test} phase, after {@code package}.
 */
class KafkaLauncherIT {
    private static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path LAUNCHER = MODULE.resolveSibling("bin").resolve("wal");

    private static TestCluster cluster;

    @TempDir
    Path dir;

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

    private record Run(int exitCode, String out, String err) {
    }

    private Run launch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--bootstrap-servers", cluster.bootstrapServers()));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/wal did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void launcher_statusListAndRequeue_onAKafkaLog() throws Exception {
        String topic = TestCluster.newTopic("launcher");
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            for (int i = 1; i <= 4; i++) {
                log.append(List.of(TestEntries.entry(i, "primary")));
            }
            log.appendStatus(List.of(new StatusRecord(3, "primary", EntryStatus.DEAD, 5,
                    Instant.parse("2026-01-01T00:00:02Z"), "constraint violated")));
        }

        Run status = launch("status", "--topic", topic, "--kafka-property", "client.id=wal-cli-launcher");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.out().contains("\nEntries       4 (last seq 4)\n"), status.out());
        assertTrue(status.out().contains("\nDead letters  1\n"), status.out());

        Run list = launch("dlq", "list", "--topic", topic);
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.out().endsWith("1 dead letter\n"), list.out());

        Run requeue = launch("dlq", "requeue", "--topic", topic, "--seq", "3", "--user", "alice");
        assertEquals(0, requeue.exitCode(), requeue::toString);
        assertTrue(requeue.out().contains("requeued 1 dead letter as alice\nnote: a Kafka log has no lock"),
                requeue.out());
        try (KafkaWalStorage log = cluster.log(topic).open()) {
            assertEquals(Optional.of(EntryStatus.PENDING), log.status(3, "primary"));
        }

        Run absent = launch("status", "--topic", topic + "-absent");
        assertEquals(1, absent.exitCode(), absent::toString);
        assertTrue(absent.err().startsWith("wal status: topic '" + topic + "-absent' does not exist"), absent.err());
    }
}
