package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.StatusRecord;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.storage.file.TestEntries;

class CompactCommandTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    /** Two closed segments of 20 entries each, all applied by primary (checkpoint 40), then an active one. */
    private void appliedLog() {
        FileStorageConfig config = FileStorageConfig.builder(dir).segmentBytes(FileStorageConfig.MIN_SEGMENT_BYTES * 4)
                .build();
        try (FileWalStorage storage = FileWalStorage.open(config)) {
            for (int i = 1; i <= 45; i++) {
                storage.append(List.of(TestEntries.entry(i)));
            }
            for (long seq = 1; seq <= 40; seq++) {
                storage.appendStatus(List.of(StatusRecord.of(seq, "primary", EntryStatus.APPLIED, 1,
                        TestEntries.T0)));
            }
            storage.saveCheckpoint("primary", 40).join();
        }
    }

    @Test
    void compact_dropsAppliedEntriesOlderThanRetention_fromClosedSegments() throws Exception {
        appliedLog();
        long before = entries();

        Cli.Result r = cli.run("compact", "--dir", dir.toString(), "--retention", "30m", "--json");

        assertEquals(0, r.exitCode(), r::toString);
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals(40, n.get("safePoint").asLong());
        assertEquals("2026-01-01T00:30:00Z", n.get("createdBefore").asText());
        assertEquals(40, n.get("checkpoints").get("primary").asLong());
        long dropped = n.get("entriesDropped").asLong();
        assertTrue(dropped > 0, r::toString);
        assertEquals(before - dropped, entries());
        assertEquals(0, cli.run("verify", "--dir", dir.toString()).exitCode());
    }

    @Test
    void compact_keepsEntriesYoungerThanTheDefaultRetention() {
        appliedLog();

        Cli.Result r = cli.run("compact", "--dir", dir.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(
                "Up to seq        40 (lowest checkpoint of {primary=40})",
                "Created before   2025-12-25T01:00:00Z (retention PT168H)",
                "Entries dropped  0",
                "Segments         0 rewritten, 0 deleted",
                "Reclaimed        0 B"), r.outLines());
    }

    @Test
    void compact_whileTheLogIsHeld_failsWithOneLineNamingTheHolder() {
        appliedLog();
        try (FileWalStorage held = TestLogs.open(dir)) {
            Cli.Result r = cli.run("compact", "--dir", dir.toString());

            assertEquals(1, r.exitCode(), r::toString);
            assertEquals("", r.out());
            assertTrue(r.err().matches("wal compact: the log in " + java.util.regex.Pattern.quote(dir.toString())
                    + " is in use by pid " + ProcessHandle.current().pid() + " on host \\S+ since \\S+; "
                    + "compaction needs the log to itself: stop the application first\n"), r.err());
        }
    }

    private long entries() throws Exception {
        return Json.MAPPER.readTree(cli.run("status", "--dir", dir.toString(), "--json").out()).get("entries").asLong();
    }
}
