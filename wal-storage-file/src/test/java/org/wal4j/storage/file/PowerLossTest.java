package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WalException;
import org.wal4j.spi.StatusRecord;
import org.wal4j.storage.file.FaultInjectingFileSystem.CrashMode;
import org.wal4j.storage.file.FaultInjectingFileSystem.Op;
import org.wal4j.testing.TestEntries;

/**
 * RELIABILITY rows 4 and 5: a scripted workload (appends across rotations, status records, a
 * checkpoint, a compaction that rewrites and deletes segments) is run once to count its I/O
 * calls, then once per call index with a simulated power loss right after that call, in each
 * crash mode. A crash right after a write into a slot of the {@code MANIFEST} (overwritten in
 * place, not yet forced) in a partial mode tears that slot: part of the new line, then zeros,
 * garbage or the older line's bytes; the other slot must stand. After every crash the log must open (under {@code FAIL}: a power loss is never
 * corruption), hold every acknowledged entry exactly once, in a gap-free order, keep a saved
 * checkpoint, not bring back entries a finished compaction removed, leave no temp file, and accept
 * appends again.
 */
class PowerLossTest {
    @TempDir
    Path root;

    /** What the workload was told before the power went. */
    private static final class Ledger {
        final Map<Long, WalEntry> acked = new TreeMap<>();
        final Set<Long> compacted = new HashSet<>();
        long checkpoint;
        boolean finished;
    }

    private static FileStorageConfig config(Path dir, FaultInjectingFileSystem fs) {
        return FileStorageConfig.builder(dir).segmentBytes(1024).fileSystem(fs).build();
    }

    /** The script. Stops at the first failure, as a process whose disk vanished would. */
    private static void workload(FileStorageConfig config, Ledger ledger) {
        FileWalStorage log;
        try {
            log = FileWalStorage.open(config);
        } catch (WalException e) {
            return;
        }
        try {
            for (int i = 1; i <= 18; i++) {
                WalEntry e = TestEntries.sized(i, 80 + i * 7);
                long seq = log.append(e);
                ledger.acked.put(seq, e.withSeq(seq));
                if (i == 9) {
                    List<StatusRecord> applied = new ArrayList<>();
                    for (long s = 1; s <= 7; s++) {
                        applied.add(StatusRecord.of(s, "primary", EntryStatus.APPLIED, 1, Instant.EPOCH));
                    }
                    log.appendStatus(applied);
                    log.saveCheckpoint("primary", 7).join();
                    ledger.checkpoint = 7;
                }
                if (i == 13) {
                    log.compact(7, Instant.MAX);
                    for (long s = 1; s <= 7; s++) {
                        if (log.read(s).isEmpty()) {
                            ledger.compacted.add(s);
                        }
                    }
                }
            }
            log.appendStatus(List.of(new StatusRecord(8, "primary", EntryStatus.DEAD, 3, Instant.EPOCH, "gone")));
            log.close();
            ledger.finished = true;
        } catch (WalException | java.util.concurrent.CompletionException e) {
            try {
                log.close();
            } catch (WalException ignored) {
                // the disk is gone; close releases what it can
            }
        }
    }

    @Test
    void powerLossAfterEveryIoCall_losesNoAcknowledgedEntry() {
        FaultInjectingFileSystem counting = new FaultInjectingFileSystem(0);
        Ledger clean = new Ledger();
        workload(config(root.resolve("clean"), counting), clean);
        assertTrue(clean.finished);
        assertTrue(!clean.compacted.isEmpty(), "the clean run compacts something");
        long calls = counting.calls();
        CrashMode[] partial = {CrashMode.KEEP_RANDOM_PREFIX, CrashMode.RANDOM_PREFIX_THEN_ZEROS,
            CrashMode.RANDOM_PREFIX_THEN_GARBAGE};
        Map<Op, Integer> byKind = new EnumMap<>(Op.class);
        int crashPoints = 0;
        Map<CrashMode, Integer> tornManifestSlots = new EnumMap<>(CrashMode.class);
        for (long call = 1; call <= calls; call++) {
            // by default every call index with nothing unsynced kept and with one partial mode; every mode under stress
            CrashMode[] modes = Boolean.getBoolean("wal4j.stress") ? CrashMode.values()
                    : new CrashMode[] {CrashMode.DROP_UNSYNCED, partial[(int) (call % 3)]};
            for (CrashMode mode : modes) {
                Path dir = root.resolve("crash-" + call + "-" + mode);
                FaultInjectingFileSystem fs = new FaultInjectingFileSystem(call * 31 + mode.ordinal());
                fs.crashAfterCall(call, mode);
                Ledger ledger = new Ledger();
                workload(config(dir, fs), ledger);
                if (!fs.isDown()) {
                    continue; // timing moved this call index past the end of the workload
                }
                byKind.merge(fs.crashedAfter(), 1, Integer::sum);
                if (fs.crashedAfter() == Op.WRITE && fs.crashedAfterPath().equals(Manifest.path(dir))) {
                    tornManifestSlots.merge(mode, 1, Integer::sum);
                }
                fs.reboot();
                verify(config(dir, fs), ledger, "crash after call " + call + " (" + fs.crashedAfter() + "), " + mode);
                crashPoints++;
            }
        }
        System.out.println("PowerLossTest: " + calls + " I/O calls in the workload, " + crashPoints
                + " crash points exercised, by kind of call crashed after: " + byKind
                + "; right after a MANIFEST slot overwrite, by mode: " + tornManifestSlots);
        assertTrue(crashPoints >= calls, "crash points " + crashPoints + " for " + calls + " calls");
        for (CrashMode torn : partial) {
            assertTrue(tornManifestSlots.getOrDefault(torn, 0) > 0, "a MANIFEST slot torn in mode " + torn + ": "
                    + tornManifestSlots);
        }
        for (Op kind : new Op[] {Op.WRITE, Op.FORCE, Op.CREATE, Op.RENAME, Op.DIRSYNC, Op.DELETE}) {
            assertTrue(byKind.containsKey(kind), "crashed after a " + kind + ": " + byKind);
        }
    }

    private static void verify(FileStorageConfig config, Ledger ledger, String where) {
        try (FileWalStorage log = FileWalStorage.open(config)) {
            long maxAcked = ledger.acked.isEmpty() ? 0 : ((TreeMap<Long, WalEntry>) ledger.acked).lastKey();
            assertTrue(log.lastSeq() >= maxAcked, where + ": lastSeq " + log.lastSeq() + " < acked " + maxAcked);
            for (WalEntry e : ledger.acked.values()) {
                Optional<WalEntry> back = log.read(e.seq());
                if (ledger.compacted.contains(e.seq())) {
                    assertEquals(Optional.empty(), back, where + ": compacted entry " + e.seq() + " came back");
                } else if (e.seq() > 7 || back.isPresent() || ledger.compacted.isEmpty() && ledger.checkpoint == 0) {
                    assertEquals(Optional.of(e), back, where + ": entry " + e.seq());
                }
            }
            long expected = 1;
            Set<String> ids = new HashSet<>();
            try (Stream<WalEntry> all = log.scan(1)) {
                for (WalEntry e : (Iterable<WalEntry>) all::iterator) {
                    while (expected < e.seq() && expected <= 7) {
                        expected++; // only entries up to 7 may be compacted away
                    }
                    assertEquals(expected, e.seq(), where + ": gap before " + e.seq());
                    assertTrue(ids.add(e.id()), where + ": duplicate " + e.id());
                    expected++;
                }
            }
            assertEquals(log.lastSeq(), expected - 1, where + ": scan ends at lastSeq");
            assertTrue(log.checkpoint("primary") >= ledger.checkpoint, where + ": checkpoint");
            assertTrue(Logs.names(config.dir()).stream().noneMatch(n -> n.endsWith(".tmp")),
                    where + ": temp files left: " + Logs.names(config.dir()));
            long next = log.append(TestEntries.entry(1000));
            assertEquals(log.lastSeq(), next);
        }
        try (FileWalStorage log = FileWalStorage.open(config)) {
            assertTrue(log.recoveryReport().clean(), where + ": second reopen " + log.recoveryReport());
        }
    }
}
