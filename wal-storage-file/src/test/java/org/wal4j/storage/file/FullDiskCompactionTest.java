package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WalIOException;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageState;
import org.wal4j.storage.file.FaultInjectingFileSystem.Op;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY row 17: the disk 100 % full, then compaction. Segments in which nothing is left are
 * deleted without writing a byte that needs space (before each delete the manifest marks the
 * segment by overwriting one of its slots in place, on a disk filled again just before); the rewrites that need space come after, and when one fails
 * (ENOSPC) the space freed stays freed, the failure is reported with its reason, the temp file is
 * gone and the log stays writable: an append into the preallocated segment succeeds, and a retry
 * with room compacts the rest. Runs on a real tmpfs filled by a filler file (as root); without
 * root it falls back to the fault-injecting file system and prints which variant ran.
 */
class FullDiskCompactionTest {
    private static final int ENTRIES = 300;
    private static final long CHECKPOINT = 270;
    /**
     * Dead letters are never dropped: the segments holding them keep something and are rewritten.
     * Every segment before the first of them holds nothing to keep; so do most after it, but
     * those wait for the rewrite before them (they hold the status records of entries it drops).
     */
    private static final long FIRST_DEAD = 200;
    private static final Set<Long> DEAD = Set.of(FIRST_DEAD, 250L);
    private static final Pattern FAILURE = Pattern.compile("Compaction of (\\S+) failed: the disk is full "
            + "\\(IOException: No space left on device\\); so far (\\d+) segments were deleted and 0 rewritten, "
            + "dropping (\\d+) entries and reclaiming (\\d+) bytes; the rest is left for the next compaction, the log "
            + "is not poisoned and accepts writes");

    @TempDir
    Path tmp;

    private final List<WalEntry> acked = new ArrayList<>();

    /** The disk under the log: how to fill it and free it again. */
    private interface Disk {
        Path logDir();

        WalFileSystem fileSystem();

        void fill();

        void free();
    }

    @Test
    void fullDisk_compactionFreesWholeSegmentsWithoutWriting_andAFailedRewriteLeavesTheLogWritable()
            throws IOException {
        SmallDisk mounted;
        try {
            mounted = SmallDisk.mount(tmp.resolve("mnt"), 1024);
        } catch (IOException e) {
            if (SmallDisk.mustMount()) {
                fail("running as root, the tmpfs variant must run, but mounting failed: " + e.getMessage());
            }
            System.out.println("FullDiskCompactionTest: variant fault-injecting file system (no tmpfs: "
                    + e.getMessage() + ")");
            runScenario(new InjectedDisk(tmp.resolve("log")));
            return;
        }
        try {
            System.out.println("FullDiskCompactionTest: variant real tmpfs of 1 MiB on " + mounted.root());
            runScenario(new TmpfsDisk(mounted));
        } finally {
            mounted.close();
        }
    }

    private void runScenario(Disk disk) {
        FileStorageConfig config = FileStorageConfig.builder(disk.logDir()).segmentBytes(2048).preallocate(true)
                .fileSystem(disk.fileSystem()).build();
        FileWalStorage log = FileWalStorage.open(config);
        try {
            build(log);
            List<Path> before = Logs.segments(disk.logDir());
            int closedBefore = before.size() - 1;
            int wholeBeforeFirstRewrite = segmentHolding(before, FIRST_DEAD);
            Path active = Logs.lastSegment(disk.logDir());
            disk.fill();

            WalIOException failure = assertThrows(WalIOException.class,
                    () -> log.compact(CHECKPOINT, Instant.MAX));

            Matcher m = FAILURE.matcher(failure.getMessage());
            assertTrue(m.matches(), failure.getMessage());
            int deleted = Integer.parseInt(m.group(2));
            assertEquals(wholeBeforeFirstRewrite, deleted, "deleted without writing: every segment before the "
                    + "first that keeps something, of " + closedBefore);
            assertTrue(deleted > closedBefore / 2, deleted + " of " + closedBefore);
            assertEquals(before.get(deleted).toString(), m.group(1), "the first rewrite failed");
            assertEquals(closedBefore + 1 - deleted, Logs.segments(disk.logDir()).size(), "freed stays freed");
            assertTrue(Logs.names(disk.logDir()).stream().noneMatch(n -> n.endsWith(".tmp")),
                    Logs.names(disk.logDir()).toString());
            if (disk instanceof TmpfsDisk t) {
                t.hog.assertNoWriteBeforeTheLastDelete(deleted);
            }
            assertEquals(StorageState.OPEN, log.stats().state(), "a failed compaction is not a failed append");
            appendAcked(log, ENTRIES + 1); // fits in the preallocated segment although the disk is full
            assertEquals(active, Logs.lastSegment(disk.logDir()));
            assertEquals(ENTRIES + 1, log.durableSeq());

            disk.free();
            CompactionResult retry = log.compact(CHECKPOINT, Instant.MAX);
            long droppedFirst = Long.parseLong(m.group(3));
            assertEquals(CHECKPOINT - DEAD.size() - droppedFirst, retry.entriesDropped(), retry.toString());
            assertTrue(retry.segmentsRewritten() > 0, retry.toString());
            appendAcked(log, ENTRIES + 2);
        } finally {
            log.close();
        }
        try (FileWalStorage reopened = FileWalStorage.open(FileStorageConfig.builder(disk.logDir())
                .segmentBytes(2048).preallocate(true).build())) {
            assertTrue(reopened.recoveryReport().clean(), reopened.recoveryReport().toString());
            for (WalEntry e : acked) {
                boolean dropped = e.seq() <= CHECKPOINT && !DEAD.contains(e.seq());
                assertEquals(dropped ? Optional.empty() : Optional.of(e), reopened.read(e.seq()), "seq " + e.seq());
            }
            assertEquals(ENTRIES + 3, reopened.append(TestEntries.entry(ENTRIES + 3)));
        }
    }

    /** Index in {@code segments} (sorted) of the one holding entry {@code seq}: the last starting at or below it. */
    private static int segmentHolding(List<Path> segments, long seq) {
        int at = -1;
        for (int i = 0; i < segments.size(); i++) {
            if (SegmentFile.seqOf(segments.get(i).getFileName().toString()) <= seq) {
                at = i;
            }
        }
        return at;
    }

    /** Entries 1..300, each group of 4 followed by its status records: APPLIED, or DEAD; then a checkpoint. */
    private void build(FileWalStorage log) {
        for (int i = 1; i <= ENTRIES; i++) {
            appendAcked(log, i);
            if (i % 4 == 0) {
                List<StatusRecord> statuses = new ArrayList<>();
                for (long seq = i - 3; seq <= i; seq++) {
                    statuses.add(StatusRecord.of(seq, "primary", DEAD.contains(seq) ? EntryStatus.DEAD
                            : EntryStatus.APPLIED, 1, TestEntries.T0));
                }
                log.appendStatus(statuses);
            }
        }
        log.saveCheckpoint("primary", CHECKPOINT).join();
        log.rotate().join();
    }

    private void appendAcked(FileWalStorage log, int i) {
        WalEntry e = TestEntries.entry(i);
        acked.add(e.withSeq(log.append(e)));
    }

    /** A real tmpfs; the hog keeps it full for every write. */
    private static final class TmpfsDisk implements Disk {
        final SmallDisk disk;
        final DiskHog hog;

        TmpfsDisk(SmallDisk disk) {
            this.disk = disk;
            this.hog = new DiskHog(disk);
        }

        @Override
        public Path logDir() {
            return disk.root().resolve("log");
        }

        @Override
        public WalFileSystem fileSystem() {
            return hog;
        }

        @Override
        public void fill() {
            disk.fill();
            assertEquals(0, disk.usableBytes(), "the disk is 100 % full");
            hog.armed = true;
        }

        @Override
        public void free() {
            hog.armed = false;
            disk.free();
        }
    }

    /**
     * Over the real file system: once armed, fills the disk again before every write (the disk
     * stays 100 % full, so no write can live on space a delete freed), and records the order of
     * deletes and writes; a write inside a file's existing size is recorded as an overwrite.
     */
    private static final class DiskHog extends ForwardingFileSystem {
        final SmallDisk disk;
        final List<String> events = new ArrayList<>();
        volatile boolean armed;

        DiskHog(SmallDisk disk) {
            this.disk = disk;
        }

        @Override
        public void delete(Path file) throws IOException {
            super.delete(file);
            if (armed && SegmentFile.isSegmentName(file.getFileName().toString())) {
                synchronized (events) {
                    events.add("delete " + file.getFileName());
                }
            }
        }

        @Override
        protected WalFileChannel wrap(WalFileChannel channel, OpenMode mode) {
            return new Channel(channel) {
                @Override
                public int write(ByteBuffer src, long position) throws IOException {
                    if (armed) {
                        disk.fill(); // whatever was freed is taken again: this write finds the disk full
                        boolean inPlace = position + src.remaining() <= channel.size();
                        synchronized (events) {
                            events.add((inPlace ? "overwrite " : "write ") + channel.path().getFileName());
                        }
                    }
                    return super.write(src, position);
                }
            };
        }

        /**
         * Up to the last of the first {@code deletes} deletes, nothing but deletes and the manifest's
         * in-place slot overwrites (each on a disk filled again just before): nothing was written
         * that needed space. Then the rewrite wrote its temp file.
         */
        void assertNoWriteBeforeTheLastDelete(int deletes) {
            synchronized (events) {
                int seen = 0;
                int overwrites = 0;
                int i = 0;
                for (; seen < deletes; i++) {
                    assertTrue(i < events.size(), deletes + " deletes expected: " + events);
                    String e = events.get(i);
                    if (e.startsWith("delete ")) {
                        seen++;
                    } else {
                        assertEquals("overwrite " + Manifest.NAME, e, "only deletes and manifest overwrites: " + events);
                        overwrites++;
                    }
                }
                assertEquals(deletes, overwrites, "the manifest marks each segment before its delete: " + events);
                while (i < events.size() && events.get(i).equals("overwrite " + Manifest.NAME)) {
                    i++;
                }
                assertTrue(i < events.size() && events.get(i).endsWith(".tmp"),
                        "then the rewrite wrote its temp file: " + events);
            }
        }
    }

    /** Without root: writes to a compaction's temp file fail with ENOSPC once the disk is "full". */
    private static final class InjectedDisk implements Disk {
        final Path dir;
        final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(17);

        InjectedDisk(Path dir) {
            this.dir = dir;
        }

        @Override
        public Path logDir() {
            return dir;
        }

        @Override
        public WalFileSystem fileSystem() {
            return fs;
        }

        @Override
        public void fill() {
            fs.failOn(Op.WRITE, p -> p.getFileName().toString().endsWith(".tmp"), 1, true,
                    FaultInjectingFileSystem::noSpace, false);
        }

        @Override
        public void free() {
            fs.clearFaults();
        }
    }
}
