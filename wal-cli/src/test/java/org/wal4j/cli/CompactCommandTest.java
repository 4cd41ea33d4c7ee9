package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.storage.file.SmallDisk;
import org.wal4j.testing.TestEntries;

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

    @SuppressWarnings("try") // the storage is opened only for the lock it holds; the body never uses it
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

    /**
     * RELIABILITY row 17 from the operator's side: the log's tmpfs 100 % full, {@code wal compact}
     * frees the segments holding nothing to keep without writing, then rewrites the one that keeps
     * the checkpoint in the space that freed. Needs root to mount; the storage's own test covers
     * the fault-injecting fallback.
     */
    @Test
    void compact_onAFullDisk_freesTheSegmentsHoldingNothingToKeep() throws Exception {
        try (SmallDisk disk = mountOrAbort()) {
            Path log = disk.root().resolve("log");
            appliedLog(log, 200, seq -> true, 190);
            int before = segmentFiles(log);
            disk.fill();
            assertEquals(0, disk.usableBytes());

            Cli.Result r = cli.run("compact", "--dir", log.toString(), "--retention", "30m", "--json");

            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("", r.err());
            JsonNode n = Json.MAPPER.readTree(r.out());
            assertEquals(190, n.get("entriesDropped").asLong(), r::toString);
            long deleted = n.get("segmentsDeleted").asLong();
            assertTrue(deleted > 10, r::toString);
            assertEquals(before - deleted, segmentFiles(log), r::toString);
            assertTrue(disk.usableBytes() > 0);
            assertEquals(0, cli.run("verify", "--dir", log.toString()).exitCode());
        }
    }

    /** Every segment keeps something (odd entries are never applied): nothing can be freed without a rewrite. */
    @Test
    void compact_onAFullDisk_whenEverySegmentNeedsARewrite_failsWithTheReason_andChangesNothing() throws Exception {
        try (SmallDisk disk = mountOrAbort()) {
            Path log = disk.root().resolve("log");
            appliedLog(log, 60, seq -> seq % 2 == 0, 60);
            java.util.List<String> before = names(log);
            disk.fill();

            Cli.Result r = cli.run("compact", "--dir", log.toString(), "--retention", "30m");

            assertEquals(1, r.exitCode(), r::toString);
            assertEquals("", r.out());
            assertEquals("wal compact: Compaction of " + log.resolve("00000000000000000001.wal") + " failed: the disk "
                    + "is full (IOException: No space left on device); nothing was compacted; the rest is left for "
                    + "the next compaction, the log is not poisoned and accepts writes\n", r.err());
            assertEquals(before, names(log), "no temp file left, nothing changed");
            assertEquals(0, cli.run("verify", "--dir", log.toString()).exitCode());
            disk.free();
            Cli.Result retry = cli.run("compact", "--dir", log.toString(), "--retention", "30m", "--json");
            assertEquals(0, retry.exitCode(), retry::toString);
            assertEquals(30, Json.MAPPER.readTree(retry.out()).get("entriesDropped").asLong(), retry::toString);
        }
    }

    private SmallDisk mountOrAbort() throws IOException {
        try {
            SmallDisk disk = SmallDisk.mount(dir.resolve("mnt"), 1024);
            System.out.println("CompactCommandTest: real tmpfs of 1 MiB on " + disk.root());
            return disk;
        } catch (IOException e) {
            if (SmallDisk.mustMount()) {
                fail("running as root, the tmpfs variant must run, but mounting failed: " + e.getMessage());
            }
            System.out.println("CompactCommandTest: cannot mount a tmpfs (" + e.getMessage() + "); the full-disk "
                    + "fallback on the fault-injecting file system is FullDiskCompactionTest's");
            Assumptions.abort("needs root to mount a tmpfs: " + e.getMessage());
            throw e;
        }
    }

    /**
     * {@code count} entries in segments of 2 KiB, each group of 4 followed by APPLIED records for
     * those {@code applied} accepts, then a checkpoint and 12 pending entries; closed.
     */
    private static void appliedLog(Path log, int count, java.util.function.LongPredicate applied, long checkpoint) {
        try (FileWalStorage storage = FileWalStorage.open(FileStorageConfig.builder(log).segmentBytes(2048).build())) {
            for (int i = 1; i <= count; i++) {
                storage.append(List.of(TestEntries.entry(i)));
                if (i % 4 == 0) {
                    java.util.List<StatusRecord> statuses = new java.util.ArrayList<>();
                    for (long seq = i - 3; seq <= i; seq++) {
                        if (applied.test(seq)) {
                            statuses.add(StatusRecord.of(seq, "primary", EntryStatus.APPLIED, 1, TestEntries.T0));
                        }
                    }
                    storage.appendStatus(statuses);
                }
            }
            storage.saveCheckpoint("primary", checkpoint).join();
            for (int i = count + 1; i <= count + 12; i++) {
                storage.append(List.of(TestEntries.entry(i))); // pending: the segments before them are closed
            }
        }
    }

    private static int segmentFiles(Path log) throws IOException {
        return (int) names(log).stream().filter(n -> n.endsWith(".wal")).count();
    }

    private static java.util.List<String> names(Path log) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(log)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private long entries() throws Exception {
        return Json.MAPPER.readTree(cli.run("status", "--dir", dir.toString(), "--json").out()).get("entries").asLong();
    }
}
