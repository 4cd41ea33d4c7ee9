package org.wal4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each benchmark operation does what its figure claims: the record of the payload's size really
 * lands in the file, queue or table, as many times as the operation ran, and a trial cleans up.
 */
class BenchmarkOperationsTest {

    private static final int SIZE = 256;
    private final byte[] payload = Payloads.json(SIZE);

    @Test
    void rawWriteAndForce_appendsThePayloadPerCall() throws Exception {
        FileChannelForceBenchmark benchmark = new FileChannelForceBenchmark();
        benchmark.payloadBytes = SIZE;
        benchmark.open();
        try {
            benchmark.writeAndForce();
            benchmark.writeAndForceLatency();
            assertEquals(3L * SIZE, benchmark.writeAndForce());
            assertArrayEquals(repeat(payload, 3), Files.readAllBytes(benchmark.directory.resolve("log-0")));
        } finally {
            benchmark.close();
        }
        assertFalse(Files.exists(benchmark.directory));
    }

    @Test
    void rawWrite_appendsThePayloadPerCall() throws Exception {
        FileChannelWriteBenchmark benchmark = new FileChannelWriteBenchmark();
        benchmark.payloadBytes = SIZE;
        benchmark.open();
        try {
            benchmark.write_t1();
            assertEquals(2L * SIZE, benchmark.write_t1());
            assertArrayEquals(repeat(payload, 2), Files.readAllBytes(benchmark.directory.resolve("log-0")));
        } finally {
            benchmark.close();
        }
        assertFalse(Files.exists(benchmark.directory));
    }

    @Test
    void groupCommit_appendsThePayloadPerCall() throws Exception {
        GroupCommitBenchmark benchmark = new GroupCommitBenchmark();
        benchmark.payloadBytes = SIZE;
        benchmark.open();
        try {
            benchmark.append_t1();
            benchmark.append_t16();
            benchmark.append_t64();
            assertArrayEquals(repeat(payload, 3), Files.readAllBytes(benchmark.directory.resolve("log-0")));
        } finally {
            benchmark.close();
        }
        assertFalse(Files.exists(benchmark.directory));
    }

    @Test
    void tape_addsOneElementPerCall() throws Exception {
        TapeQueueFileBenchmark benchmark = new TapeQueueFileBenchmark();
        benchmark.payloadBytes = SIZE;
        benchmark.open();
        try {
            benchmark.add_t1();
            benchmark.addSynchronized_t64();
            assertEquals(2, benchmark.queue.size());
            assertArrayEquals(payload, benchmark.queue.peek());
        } finally {
            benchmark.close();
        }
        assertFalse(Files.exists(benchmark.directory));
    }

    @Test
    void chronicle_appendsOneExcerptOfThePayloadPerCall() {
        ChronicleQueueBenchmark benchmark = new ChronicleQueueBenchmark();
        benchmark.payloadBytes = SIZE;
        benchmark.open();
        Path directory = benchmark.directory;
        try {
            long first = benchmark.append_t1();
            benchmark.append_t1();
            assertTrue(benchmark.append_t1() > first);
            List<byte[]> excerpts = new ArrayList<>();
            try (ExcerptTailer tailer = benchmark.queue.createTailer()) {
                while (true) {
                    try (DocumentContext document = tailer.readingDocument()) {
                        if (!document.isPresent()) {
                            break;
                        }
                        excerpts.add(document.wire().bytes().toByteArray());
                    }
                }
            }
            assertEquals(3, excerpts.size());
            for (byte[] excerpt : excerpts) {
                assertArrayEquals(payload, excerpt);
            }
        } finally {
            benchmark.close();
        }
        assertFalse(Files.exists(directory));
    }

    @Test
    void outboxInsert_commitsOneRowPerCallWithThePayload() throws Exception {
        PostgresOutboxBenchmark.Outbox outbox = new PostgresOutboxBenchmark.Outbox();
        outbox.payloadBytes = SIZE;
        outbox.create();
        PostgresOutboxBenchmark.Session session = new PostgresOutboxBenchmark.Session();
        PostgresOutboxBenchmark benchmark = new PostgresOutboxBenchmark();
        try {
            session.connect(outbox, 3);
            benchmark.insert_t1(session);
            benchmark.insert_t64(session);
            try (Connection connection = outbox.database.connect();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT aggregate_key, payload::text FROM outbox")) {
                int count = 0;
                ObjectMapper mapper = new ObjectMapper();
                while (rows.next()) {
                    count++;
                    assertEquals("account-3", rows.getString(1));
                    assertEquals(mapper.readTree(payload), mapper.readTree(rows.getString(2)));
                }
                assertEquals(2, count);
            }
        } finally {
            session.disconnect();
            outbox.drop();
        }
        try (EmbeddedPostgresServer.BenchDatabase probe = EmbeddedPostgresServer.shared().createDatabase("probe");
             Connection connection = probe.connect();
             Statement statement = connection.createStatement();
             ResultSet left = statement.executeQuery(
                     "SELECT count(*) FROM pg_database WHERE datname = '" + outbox.database.name() + "'")) {
            left.next();
            assertEquals(0, left.getInt(1), "database " + outbox.database.name() + " dropped");
        }
    }

    @Test
    void embeddedPostgres_isDurablyConfigured() {
        assertEquals("on", EmbeddedPostgresServer.shared().durabilitySettings().get("fsync"));
        assertEquals("on", EmbeddedPostgresServer.shared().durabilitySettings().get("synchronous_commit"));
    }

    private static byte[] repeat(byte[] bytes, int times) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < times; i++) {
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }
}
