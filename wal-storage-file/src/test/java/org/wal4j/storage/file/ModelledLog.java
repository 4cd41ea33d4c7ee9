package org.wal4j.storage.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.WalException;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;
import org.wal4j.storage.file.FaultInjectingFileSystem.CrashMode;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.TestEntries;

/**
 * A file log on a {@link FaultInjectingFileSystem} next to its model, for the stateful test of
 * RELIABILITY row 9. The model is an {@link InMemoryWalStorage} (the reference semantics of
 * {@link WalStorage}) rebuilt from the list of operations the log acknowledged, in log order, and
 * the part of that list known forced to disk.
 *
 * <h2>What a crash may do</h2>
 * Appends (under {@code SyncPolicy.ALWAYS}), checkpoints that move, syncs, compactions and clean
 * closes force everything before them; status records alone are written but not forced. So after a
 * power loss the log must equal the model of the forced operations followed by the first
 * {@code k} unforced status records, for some {@code k} (a lost status record reverts its entry to
 * its earlier status; nothing is invented), and, if an append was cut short by the crash, followed
 * by a prefix of that append's entries (written but never acknowledged: they may or may not be
 * there). Checkpoints are forced, so they never go back.
 *
 * <p>Not thread-safe: one chain drives it.
 */
final class ModelledLog implements AutoCloseable {
    static final List<String> TARGETS = List.of("primary", "replica");
    static final Instant T0 = TestEntries.T0;

    /** One operation the log acknowledged, replayable against a model. */
    sealed interface Op permits Append, Status, Checkpoint, Compact {
    }

    record Append(List<WalEntry> entries) implements Op {
    }

    record Status(StatusRecord record) implements Op {
    }

    record Checkpoint(String target, long seq) implements Op {
    }

    record Compact(long safePoint, Instant createdBefore) implements Op {
    }

    final Path dir;
    final FaultInjectingFileSystem fs;
    final FileStorageConfig config;
    final Stats stats;
    FileWalStorage log;
    InMemoryWalStorage model = InMemoryWalStorage.create();
    private final List<Op> ops = new ArrayList<>();
    /** {@code ops[0, forced)} are on disk whatever happens. */
    private int forced;
    private int ticks;

    /** Counters over every chain of a run, for the report. */
    static final class Stats {
        long chains;
        long actions;
        long crashes;
        long crashesDuringAppend;
        long crashedReopens;
        long statusRecordsLostInCrashes;
        long unacknowledgedEntriesFound;
        long entriesCompacted;
        long reopens;
        long maxStatusOnlyParts;

        @Override
        public String toString() {
            return chains + " chains, " + actions + " actions, " + crashes + " power losses (" + crashesDuringAppend
                    + " in the middle of an append, " + crashedReopens + " more during the reopen), "
                    + statusRecordsLostInCrashes + " unforced status records lost, " + unacknowledgedEntriesFound
                    + " unacknowledged entries found after a crash, " + entriesCompacted + " entries compacted, "
                    + reopens + " clean reopens, up to " + maxStatusOnlyParts + " status-only segment parts in a log";
        }
    }

    ModelledLog(Stats stats, long seed) {
        try {
            this.dir = Files.createTempDirectory("wal4j-model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.stats = stats;
        // real fsyncs add nothing here: what survives a power loss is the fault-injecting layer's record
        this.fs = new FaultInjectingFileSystem(seed, new NoSyncFileSystem());
        this.config = FileStorageConfig.builder(dir).segmentBytes(FileStorageConfig.MIN_SEGMENT_BYTES).fileSystem(fs)
                .build();
        this.log = FileWalStorage.open(config);
        stats.chains++;
    }

    /** A new entry for {@code targets}, created one millisecond after the previous one. */
    WalEntry newEntry(List<String> targets, int payloadBytes) {
        int n = ++ticks;
        return WalEntry.builder("orders", "debit").createdAt(T0.plusMillis(n)).key("k" + (n % 3))
                .payloadJson("{\"n\":" + n + ",\"pad\":\"" + "p".repeat(payloadBytes) + "\"}").targets(targets).build();
    }

    int ticks() {
        return ticks;
    }

    void append(List<WalEntry> batch) {
        AppendResult result = log.append(batch);
        AppendResult expected = model.append(batch);
        requireEqual(expected.firstSeq(), result.firstSeq(), "first seq of the append");
        ops.add(new Append(batch));
        forced = ops.size();
        stats.actions++;
    }

    /**
     * Appends status records. Records that no longer fit the state (a chain shrunk by jqwik replays
     * an action after fewer appends: the seq is not assigned, or its entry names other targets) are
     * left out, so that shrinking only ever reports a real disagreement.
     */
    void status(List<StatusRecord> proposed) {
        List<StatusRecord> records = new ArrayList<>();
        for (StatusRecord r : proposed) {
            Optional<WalEntry> entry = model.read(r.seq());
            if (r.seq() <= model.lastSeq() && (entry.isEmpty() || entry.get().targets().contains(r.target()))) {
                records.add(r);
            }
        }
        if (records.isEmpty()) {
            return;
        }
        log.appendStatus(records);
        model.appendStatus(records);
        for (StatusRecord r : records) {
            ops.add(new Status(r));
        }
        stats.actions++;
    }

    void checkpoint(String target, long proposedSeq) {
        long seq = Math.min(proposedSeq, model.lastSeq()); // a shrunk chain may have fewer entries
        boolean moves = seq > model.checkpoint(target);
        log.saveCheckpoint(target, seq).join();
        model.saveCheckpoint(target, seq).join();
        ops.add(new Checkpoint(target, seq));
        if (moves) {
            forced = ops.size();
        }
        stats.actions++;
    }

    /**
     * Compacts both. The file log never touches the segment being written, so the model compacts
     * up to the seq before the first seq of the last segment file.
     */
    void compact(long safePoint, Instant createdBefore) {
        long activeFirstSeq = SegmentFile.idOf(Logs.lastSegment(dir).getFileName().toString()).firstSeq();
        long effective = Math.min(safePoint, activeFirstSeq - 1);
        CompactionResult result = log.compact(safePoint, createdBefore);
        CompactionResult expected = model.compact(effective, createdBefore);
        requireEqual(expected.entriesDropped(), result.entriesDropped(), "entries dropped by compact(" + safePoint
                + ", " + createdBefore + ") with the active segment from " + activeFirstSeq);
        stats.entriesCompacted += result.entriesDropped();
        ops.add(new Compact(effective, createdBefore));
        forced = ops.size();
        stats.actions++;
    }

    void rotate() {
        log.rotate().join();
        stats.actions++;
    }

    void sync() {
        log.sync().join();
        forced = ops.size();
        stats.actions++;
    }

    void reopen() {
        log.close();
        log = FileWalStorage.open(config);
        forced = ops.size();
        if (!log.recoveryReport().clean()) {
            throw new AssertionError("reopen after a clean close repaired something: " + log.recoveryReport());
        }
        stats.reopens++;
        stats.actions++;
    }

    /**
     * Power loss now; if {@code reopenCallsBeforeCrash > 0}, a second power loss that many I/O calls
     * into the reopen (in {@code reopenMode}); then the reopen, checked against the candidates.
     */
    void crash(CrashMode mode, int reopenCallsBeforeCrash, CrashMode reopenMode) {
        fs.crash(mode);
        abandon();
        reopenAfterCrash(reopenCallsBeforeCrash, reopenMode, null);
    }

    /** Power loss {@code callsBeforeCrash} I/O calls into an append of {@code batch}. */
    void crashDuringAppend(List<WalEntry> batch, int callsBeforeCrash, CrashMode mode) {
        fs.crashAfterCall(fs.calls() + callsBeforeCrash, mode);
        boolean acknowledged;
        try {
            log.append(batch);
            acknowledged = true;
        } catch (WalException e) {
            acknowledged = false;
        }
        if (!fs.isDown()) {
            fs.crash(mode);
        }
        abandon();
        if (acknowledged) {
            model.append(batch);
            ops.add(new Append(batch));
            forced = ops.size();
        }
        stats.crashesDuringAppend++;
        reopenAfterCrash(0, mode, acknowledged ? null : batch);
    }

    private void reopenAfterCrash(int reopenCallsBeforeCrash, CrashMode reopenMode, List<WalEntry> inFlight) {
        fs.reboot();
        if (reopenCallsBeforeCrash > 0) {
            fs.crashAfterCall(fs.calls() + reopenCallsBeforeCrash, reopenMode);
            try {
                FileWalStorage.open(config).close();
            } catch (WalException e) {
                // the power went during recovery
            }
            if (!fs.isDown()) {
                fs.crash(reopenMode);
            }
            fs.reboot();
            stats.crashedReopens++;
        }
        log = FileWalStorage.open(config);
        stats.crashes++;
        stats.actions++;
        adoptMatchingCandidate(inFlight);
    }

    /** Closes the log of before the power loss, which fails: the disk is gone. */
    private void abandon() {
        try {
            log.close();
        } catch (WalException e) {
            // expected: its last force failed
        }
    }

    /** Finds which state the crash left, among the possible ones, and makes it the model. */
    private void adoptMatchingCandidate(List<WalEntry> inFlight) {
        for (String target : TARGETS) {
            if (log.checkpoint(target) < model.checkpoint(target)) {
                throw new AssertionError("checkpoint of " + target + " went back from " + model.checkpoint(target)
                        + " to " + log.checkpoint(target) + " across a power loss");
            }
        }
        int unforced = ops.size() - forced;
        List<List<Op>> candidates = new ArrayList<>();
        for (int k = unforced; k >= 0; k--) {
            candidates.add(new ArrayList<>(ops.subList(0, forced + k)));
        }
        if (inFlight != null) {
            for (int m = inFlight.size(); m >= 1; m--) {
                List<Op> withPart = new ArrayList<>(ops);
                withPart.add(new Append(List.copyOf(inFlight.subList(0, m))));
                candidates.add(0, withPart);
            }
        }
        StringBuilder misses = new StringBuilder();
        for (List<Op> candidate : candidates) {
            InMemoryWalStorage replayed = replay(candidate);
            String difference = difference(log, replayed);
            if (difference == null) {
                long entriesBefore = model.lastSeq();
                stats.statusRecordsLostInCrashes += ops.size() - Math.min(ops.size(), candidate.size());
                stats.unacknowledgedEntriesFound += Math.max(0, replayed.lastSeq() - entriesBefore);
                ops.clear();
                ops.addAll(candidate);
                forced = ops.size(); // recovery forced what survived
                model = replayed;
                return;
            }
            misses.append("\n  with ").append(candidate.size()).append(" of ").append(ops.size())
                    .append(" operations").append(candidate.size() > ops.size() ? " and part of the unacknowledged append"
                    : "").append(": ").append(difference);
        }
        throw new AssertionError("after the power loss the log matches no state it may be in (" + unforced
                + " unforced status records" + (inFlight == null ? "" : ", an unacknowledged append of "
                + inFlight.size()) + "):" + misses);
    }

    private static InMemoryWalStorage replay(List<Op> ops) {
        InMemoryWalStorage m = InMemoryWalStorage.create();
        for (Op op : ops) {
            if (op instanceof Append a) {
                m.append(a.entries());
            } else if (op instanceof Status s) {
                m.appendStatus(List.of(s.record()));
            } else if (op instanceof Checkpoint c) {
                m.saveCheckpoint(c.target(), c.seq()).join();
            } else if (op instanceof Compact c) {
                m.compact(c.safePoint(), c.createdBefore());
            }
        }
        return m;
    }

    /** The invariant after every action: the log shows exactly the model's state. */
    void checkMatchesModel() {
        String difference = difference(log, model);
        if (difference != null) {
            throw new AssertionError("the log differs from its model: " + difference);
        }
        long parts;
        try (Stream<Path> files = Files.list(dir)) {
            parts = files.filter(p -> p.getFileName().toString().contains("_")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stats.maxStatusOnlyParts = Math.max(stats.maxStatusOnlyParts, parts);
    }

    /**
     * The first way {@code log} differs from {@code model}, or null. Equal held entries (all fields,
     * payloads byte for byte) mean every acknowledged entry not compacted away is there, nothing
     * else is, and seqs are gap free but for what compaction removed.
     */
    static String difference(FileWalStorage log, InMemoryWalStorage model) {
        if (log.lastSeq() != model.lastSeq()) {
            return "lastSeq " + log.lastSeq() + ", model " + model.lastSeq();
        }
        List<WalEntry> held;
        List<WalEntry> expected;
        try (Stream<WalEntry> a = log.scan(1); Stream<WalEntry> b = model.scan(1)) {
            held = a.toList();
            expected = b.toList();
        }
        if (!held.equals(expected)) {
            return "entries held " + seqs(held) + ", model " + seqs(expected)
                    + (seqs(held).equals(seqs(expected)) ? " (same seqs, different content)" : "");
        }
        for (WalEntry e : held) {
            for (String target : TARGETS) {
                Optional<EntryStatus> a = log.status(e.seq(), target);
                Optional<EntryStatus> b = model.status(e.seq(), target);
                if (!a.equals(b)) {
                    return "status of " + e.seq() + " for " + target + " is " + a + ", model " + b;
                }
            }
        }
        for (String target : TARGETS) {
            List<TrackedEntry> a = log.unfinished(target, 0, Integer.MAX_VALUE);
            List<TrackedEntry> b = model.unfinished(target, 0, Integer.MAX_VALUE);
            if (!a.equals(b)) {
                return "unfinished for " + target + ": " + describe(a) + ", model " + describe(b);
            }
            if (log.checkpoint(target) != model.checkpoint(target)) {
                return "checkpoint of " + target + " " + log.checkpoint(target) + ", model " + model.checkpoint(target);
            }
        }
        // in seq order; the order of two targets of one entry is not specified
        Comparator<TrackedEntry> bySeqAndTarget = Comparator.comparingLong((TrackedEntry t) -> t.entry().seq())
                .thenComparing(TrackedEntry::target);
        List<TrackedEntry> deadA = log.deadLetters(null, 0, Integer.MAX_VALUE).stream().sorted(bySeqAndTarget).toList();
        List<TrackedEntry> deadB = model.deadLetters(null, 0, Integer.MAX_VALUE).stream().sorted(bySeqAndTarget)
                .toList();
        if (!deadA.equals(deadB)) {
            return "dead letters " + describe(deadA) + ", model " + describe(deadB);
        }
        var s = log.stats();
        var m = model.stats();
        if (s.entries() != m.entries() || s.unfinished() != m.unfinished() || s.deadLetters() != m.deadLetters()) {
            return "stats " + s + ", model " + m;
        }
        return null;
    }

    private static List<Long> seqs(List<WalEntry> entries) {
        return entries.stream().map(WalEntry::seq).toList();
    }

    private static String describe(List<TrackedEntry> tracked) {
        return tracked.stream().map(t -> t.entry().seq() + "/" + t.target() + ":" + t.status() + "#" + t.attempts()
                + (t.reason() == null ? "" : "(" + t.reason() + ")")).toList().toString();
    }

    private static void requireEqual(long expected, long actual, String what) {
        if (expected != actual) {
            throw new AssertionError(what + ": log " + actual + ", model " + expected);
        }
    }

    /** Closes the log (quietly if the disk is down) and deletes the directory. */
    @Override
    public void close() {
        try {
            if (fs.isDown()) {
                fs.reboot();
            }
            log.close();
        } catch (WalException e) {
            // a chain that failed may leave a poisoned log
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ModelledLog{" + dir + ", " + ops.size() + " operations, " + forced + " forced, lastSeq "
                + model.lastSeq() + "}";
    }
}
