package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.testing.TestEntries;

class StatusCommandTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    @Test
    void status_printsSizesLagPerTargetAndDeadLetters() {
        TestLogs.standard(dir);
        long bytes = size(dir.resolve("00000000000000000001.wal"));

        Cli.Result r = cli.run("status", "--dir", dir.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals("Log           " + dir, lines.get(0));
        assertTrue(lines.get(1).startsWith("Writer        not held (last held by pid "), lines.get(1));
        assertEquals("Segments      1 (" + Sizes.bytes(bytes) + ")", lines.get(2));
        assertEquals("Entries       10 (last seq 10)", lines.get(3));
        assertEquals("Unfinished    7", lines.get(4));
        assertEquals("Dead letters  1", lines.get(5));
        assertEquals("", lines.get(6));
        // lag seconds: Cli.NOW is one hour after TestEntries.T0; the oldest unfinished is created T0 + seq ms
        assertEquals(List.of(
                "TARGET   CHECKPOINT  LAG ENTRIES  LAG SECONDS  OLDEST SEQ  DEAD LETTERS  REJECTED",
                "primary           6            3       3600.0           8             1         0",
                "replica           3            7       3600.0           4             0         0"), lines.subList(7, 10));
        assertEquals(10, lines.size());
    }

    @Test
    void status_andDump_showRejectedEntries_apartFromDeadLetters() throws Exception {
        TestLogs.standard(dir);
        try (FileWalStorage storage = TestLogs.open(dir)) {
            storage.appendStatus(List.of(new StatusRecord(4, "replica", EntryStatus.REJECTED, 1,
                    TestEntries.T0.plusSeconds(3), "insufficient funds")));
        }

        List<String> lines = cli.run("status", "--dir", dir.toString()).outLines();
        assertEquals("Dead letters  1", lines.get(5));
        assertEquals("replica           3            6       3600.0           5             0         1", lines.get(9));
        JsonNode replica = Json.MAPPER.readTree(cli.run("status", "--dir", dir.toString(), "--json").out())
                .get("targets").get(1);
        assertEquals(1, replica.get("rejected").asLong());
        assertEquals(0, replica.get("deadLetters").asLong());
        Cli.Result dump = cli.run("dump", "--dir", dir.toString(), "--status", "REJECTED");
        assertEquals(0, dump.exitCode(), dump::toString);
        assertTrue(dump.out().contains("REJECTED"), dump.out());
        assertEquals(1, dump.outLines().stream().filter(l -> l.contains("REJECTED")).count(), dump.out());
    }

    @Test
    void status_json_carriesTheSameFigures() throws Exception {
        TestLogs.standard(dir);

        Cli.Result r = cli.run("status", "--dir", dir.toString(), "--json");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(1, r.outLines().size());
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals(dir.toString(), n.get("dir").asText());
        assertEquals("NOT_HELD", n.get("writer").get("state").asText());
        assertEquals(false, n.get("writer").get("held").asBoolean());
        assertEquals(1, n.get("segments").asInt());
        assertEquals(10, n.get("entries").asLong());
        assertEquals(10, n.get("lastSeq").asLong());
        assertEquals(7, n.get("unfinished").asLong());
        assertEquals(1, n.get("deadLetters").asLong());
        JsonNode primary = n.get("targets").get(0);
        assertEquals("primary", primary.get("name").asText());
        assertEquals(6, primary.get("checkpoint").asLong());
        assertEquals(3, primary.get("lagEntries").asLong());
        assertEquals(3599.992, primary.get("lagSeconds").asDouble(), 1e-9);
        assertEquals(8, primary.get("oldestUnfinishedSeq").asLong());
        assertEquals(1, primary.get("deadLetters").asLong());
        JsonNode replica = n.get("targets").get(1);
        assertEquals("replica", replica.get("name").asText());
        assertEquals(7, replica.get("lagEntries").asLong());
        assertEquals("00000000000000000001.wal", n.get("segmentFiles").get(0).get("file").asText());
    }

    @SuppressWarnings("try") // the storage is opened only for the lock it holds; the body never uses it
    @Test
    void status_whileThisJvmHoldsTheLog_namesTheHolder() {
        TestLogs.standard(dir);
        try (FileWalStorage held = TestLogs.open(dir)) {
            Cli.Result r = cli.run("status", "--dir", dir.toString());

            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.outLines().get(1).matches("Writer {8}held by pid " + ProcessHandle.current().pid()
                    + " on host \\S+ since \\S+"), r.outLines().get(1));
        }
    }

    @Test
    void status_listsSegmentsOnRequest() {
        TestLogs.standard(dir);

        Cli.Result r = cli.run("status", "--dir", dir.toString(), "--segments");

        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.outLines();
        assertEquals("SEGMENT                   FIRST SEQ  LAST SEQ  BYTES  CREATED", lines.get(11).replaceAll(
                "BYTES +", "BYTES  "), lines.get(11));
        assertTrue(lines.get(12).startsWith("00000000000000000001.wal          1        10"), lines.get(12));
    }

    @Test
    void status_ofACorruptLog_isOneLineAndExitOne() throws Exception {
        TestLogs.standard(dir);
        Path segment = dir.resolve("00000000000000000001.wal");
        byte[] bytes = Files.readAllBytes(segment);
        long offset = VerifyCommandTest.lineStart(bytes, 2);
        bytes[(int) offset + 40] ^= 0x02;
        Files.write(segment, bytes);

        Cli.Result r = cli.run("status", "--dir", dir.toString());

        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().matches("wal status: Corrupt record in " + java.util.regex.Pattern.quote(segment.toString())
                + " at offset " + offset + ": stored checksum is [0-9a-f]{8} but computed checksum is [0-9a-f]{8}\n"),
                r.err());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
