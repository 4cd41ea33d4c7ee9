package org.wal4j.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.wal4j.EntryStatus;
import org.wal4j.WalEntry;
import org.wal4j.spi.AppendChecks;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.WalStorage;

/**
 * The backpressure of a log shared by several instances. A write reserves room here (as on any log)
 * but its entry may be applied by another instance, and this instance applies entries others
 * wrote; so this instance counts its own writes until they finish, wherever they finish, and each
 * once: an entry is released for a target when the first of its outcome here or the status another
 * instance recorded arrives. On a log with one writer every outcome is released as it is.
 *
 * <p>Thread-safe.
 */
final class OwnWrites {
    private final boolean shared;
    private final Backpressure backpressure;
    private final WalStorage storage;
    /** By seq: an own entry and the targets it is still unfinished for (guarded by the set itself). */
    private final Map<Long, Open> open = new ConcurrentHashMap<>();

    private record Open(WalEntry entry, long bytes, Set<String> targets) {
    }

    OwnWrites(boolean shared, Backpressure backpressure, WalStorage storage) {
        this.shared = shared;
        this.backpressure = backpressure;
        this.storage = storage;
    }

    /** This instance's entries were appended (with their seqs); those already finished elsewhere are released. */
    void appended(List<WalEntry> entries, Set<String> ourTargets) {
        if (!shared) {
            return;
        }
        for (WalEntry e : entries) {
            Set<String> targets = new HashSet<>(e.targets());
            targets.retainAll(ourTargets);
            open.put(e.seq(), new Open(e, AppendChecks.utf8Length(e.payload()), targets));
            for (String target : List.copyOf(targets)) {
                if (storage.status(e.seq(), target).map(EntryStatus::isTerminal).orElse(false)) {
                    finished(e.seq(), target);
                }
            }
        }
    }

    /** Entries finished for {@code target} by this instance's worker. */
    void finishedHere(String target, List<WalEntry> finished, long bytes) {
        if (!shared) {
            backpressure.release(target, finished, bytes);
            return;
        }
        for (WalEntry e : finished) {
            finished(e.seq(), target);
        }
    }

    /** Entry {@code seq} reached a terminal status for {@code target}, here or on another instance. */
    void finished(long seq, String target) {
        Open o = open.get(seq);
        if (o == null) {
            return;
        }
        boolean release;
        boolean last;
        synchronized (o.targets) {
            release = o.targets.remove(target);
            last = o.targets.isEmpty();
        }
        if (last) {
            open.remove(seq, o);
        }
        if (release) {
            backpressure.release(target, List.of(o.entry), o.bytes);
        }
    }

    /** How many own entries are unfinished for some target; for tests and figures. */
    int size() {
        return open.size();
    }

    /** Statuses another instance recorded: the terminal ones release this instance's entries. */
    void finishedElsewhere(List<StatusRecord> records) {
        for (StatusRecord r : records) {
            if (r.status().isTerminal()) {
                finished(r.seq(), r.target());
            }
        }
    }
}
