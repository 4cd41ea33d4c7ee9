package org.wal4j.testing;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.NamespaceStats;
import org.wal4j.TargetStats;
import org.wal4j.WalEntry;
import org.wal4j.WalStats;
import org.wal4j.spi.WalStorage;

/**
 * Checks that must hold after any scenario, whatever happened during it (Caffeine's
 * validation-listener habit): exactly-once effect, lane order, and a storage whose statuses and
 * checkpoints agree.
 */
public final class WalInvariants {
    private WalInvariants() {
    }

    /**
     * {@code target} applied every entry of {@code expected} exactly once and nothing else, and
     * the entries of each lane in write (seq) order.
     */
    public static void assertAppliedExactlyOnceInLaneOrder(ScriptedSyncTarget target, Collection<WalEntry> expected) {
        List<WalEntry> applied = target.applied();
        Set<String> keys = new HashSet<>();
        for (WalEntry e : applied) {
            if (!keys.add(e.idempotencyKey())) {
                throw new AssertionError("entry " + e.seq() + " (key " + e.idempotencyKey() + ") took effect twice");
            }
        }
        Set<String> wanted = new HashSet<>();
        expected.forEach(e -> wanted.add(e.idempotencyKey()));
        if (!keys.equals(wanted)) {
            Set<String> missing = new HashSet<>(wanted);
            missing.removeAll(keys);
            Set<String> extra = new HashSet<>(keys);
            extra.removeAll(wanted);
            throw new AssertionError("applied " + keys.size() + " entries, expected " + wanted.size() + "; missing "
                    + missing + ", unexpected " + extra);
        }
        assertLaneOrder(applied);
    }

    /**
     * Within each (namespace, key) lane, {@code applied} is in increasing seq order; an entry of
     * several lanes ({@link WalEntry#lanes()}) counts in each of them.
     */
    public static void assertLaneOrder(List<WalEntry> applied) {
        Map<LaneId, Long> last = new HashMap<>();
        for (WalEntry e : applied) {
            for (LaneId lane : e.lanes()) {
                Long before = last.put(lane, e.seq());
                if (before != null && before > e.seq()) {
                    throw new AssertionError("lane " + lane + ": entry " + e.seq() + " was applied after entry "
                            + before);
                }
            }
        }
    }

    /**
     * Every entry the storage holds that names {@code target} and has a seq at or below the
     * target's checkpoint is terminal for it; with {@code settled}, every entry naming it is.
     */
    public static void assertStorageConsistent(WalStorage storage, String target, boolean settled) {
        long checkpoint = storage.checkpoint(target);
        if (checkpoint > storage.lastSeq()) {
            throw new AssertionError("checkpoint " + checkpoint + " of '" + target + "' is past the last seq "
                    + storage.lastSeq());
        }
        try (Stream<WalEntry> all = storage.scan(1)) {
            all.filter(e -> e.targets().contains(target)).forEach(e -> {
                Optional<EntryStatus> status = storage.status(e.seq(), target);
                EntryStatus s = status.orElseThrow(() -> new AssertionError("no status of entry " + e.seq()
                        + " for '" + target + "'"));
                if ((settled || e.seq() <= checkpoint) && !s.isTerminal()) {
                    throw new AssertionError("entry " + e.seq() + " is " + s + " for '" + target + "'"
                            + (settled ? "" : " but at or below the checkpoint " + checkpoint));
                }
            });
        }
    }

    /**
     * Every target's {@link TargetStats#namespaces() namespaces} add up to its figures: their
     * entries sum to {@link TargetStats#unfinishedEntries()}, their largest lag is
     * {@link TargetStats#lagSeconds()}, a namespace without entries has no lag, and none is negative.
     */
    public static void assertStatsAddUp(WalStats stats) {
        for (TargetStats target : stats.targets().values()) {
            long entries = 0;
            double lag = 0;
            for (NamespaceStats ns : target.namespaces().values()) {
                if (ns.unfinishedEntries() < 0 || ns.lagSeconds() < 0
                        || (ns.unfinishedEntries() == 0 && ns.lagSeconds() != 0)) {
                    throw new AssertionError("target '" + target.target() + "', namespace '" + ns.namespace() + "': "
                            + ns.unfinishedEntries() + " unfinished entries with a lag of " + ns.lagSeconds() + " s");
                }
                entries += ns.unfinishedEntries();
                lag = Math.max(lag, ns.lagSeconds());
            }
            if (entries != target.unfinishedEntries() || lag != target.lagSeconds()) {
                throw new AssertionError("target '" + target.target() + "' has " + target.unfinishedEntries()
                        + " unfinished entries and a lag of " + target.lagSeconds() + " s, but its namespaces "
                        + target.namespaces().keySet() + " add up to " + entries + " entries and a lag of " + lag + " s");
            }
        }
    }
}
