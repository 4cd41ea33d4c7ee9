package org.wal4j.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.wal4j.NamespaceStats;
import org.wal4j.WalEntry;
import org.wal4j.WalFullException;
import org.wal4j.spi.AppendChecks;

/**
 * Per target, the entries PENDING or RETRYING and their payload bytes, and the limit on them. A
 * write reserves room for each target its entries name before it is appended (so concurrent
 * writers cannot overshoot together) and blocks, up to the write timeout, while a target is at
 * its limit; the target's worker releases room as entries finish (applied, dead-lettered,
 * expired). A requeue or re-apply adds to the counts without blocking.
 *
 * <p>A target with nothing unfinished always lets a write through, however large, so a single
 * entry above the byte limit is not refused forever.
 *
 * <p>The same counts are kept per namespace, with the age of each namespace's oldest entry
 * ({@link NamespaceBacklog}), under the same lock, so that the per-namespace figures always add up
 * to the target's: {@link #backlog} reads them without touching the log.
 *
 * <p>Thread-safe: one lock guards the counters.
 */
final class Backpressure {
    /** Runs before every wait and after every wake-up; throws if writes are no longer accepted. */
    interface OpenCheck {
        void check();
    }

    private final long maxEntries;
    private final long maxBytes;
    private final Timekeeper time;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    /** The targets with counters: fixed at construction, so read without the lock. */
    private final Set<String> limited;
    @GuardedBy("lock")
    private final Map<String, long[]> counts = new HashMap<>();
    @GuardedBy("lock")
    private final Map<String, NamespaceBacklog> backlogs = new HashMap<>();

    Backpressure(List<String> targets, long maxEntries, long maxBytes, Timekeeper time) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.time = time;
        this.limited = Set.copyOf(targets);
        for (String target : targets) {
            counts.put(target, new long[2]);
            backlogs.put(target, new NamespaceBacklog());
        }
        time.onClockMoved(this::wakeAll);
    }

    /**
     * Reserves room for {@code entries}, waiting up to {@code timeout} of clock time.
     *
     * @throws WalFullException if a target stays at its limit for the whole timeout
     */
    void reserve(List<WalEntry> entries, Duration timeout, OpenCheck open) {
        Map<String, long[]> need = new HashMap<>();
        for (WalEntry e : entries) {
            long bytes = AppendChecks.utf8Length(e.payload());
            for (String target : e.targets()) {
                if (limited.contains(target)) {
                    long[] n = need.computeIfAbsent(target, t -> new long[2]);
                    n[0]++;
                    n[1] += bytes;
                }
            }
        }
        Instant deadline = time.now().plus(timeout);
        lock.lock();
        try {
            while (true) {
                open.check();
                Map.Entry<String, long[]> full = fullTarget(need);
                if (full == null) {
                    // a loop, not a lambda: the checker cannot see that a lambda runs while the lock is held
                    for (Map.Entry<String, long[]> n : need.entrySet()) {
                        add(countsOf(n.getKey()), n.getValue()[0], n.getValue()[1]);
                    }
                    countNamespaces(entries);
                    return;
                }
                if (!time.awaitUntil(room, deadline)) {
                    long[] c = countsOf(full.getKey());
                    throw new WalFullException("Wal is full for target '" + full.getKey() + "': " + c[0]
                            + " unfinished entries (limit " + maxEntries + ") and " + c[1]
                            + " unfinished bytes (limit " + maxBytes + "); a write of " + full.getValue()[0]
                            + " entries and " + full.getValue()[1] + " bytes found no room within " + timeout,
                            c[0], maxEntries, c[1], maxBytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for room in the Wal; nothing was written", e);
        } finally {
            lock.unlock();
        }
    }

    /** The first target without room for what the write {@code need}s of it (and that need); null if all have room. */
    @GuardedBy("lock")
    private Map.@Nullable Entry<String, long[]> fullTarget(Map<String, long[]> need) {
        for (Map.Entry<String, long[]> e : need.entrySet()) {
            long[] c = countsOf(e.getKey());
            if (c[0] == 0 && c[1] == 0) {
                continue;
            }
            if (c[0] + e.getValue()[0] > maxEntries || c[1] + e.getValue()[1] > maxBytes) {
                return e;
            }
        }
        return null;
    }

    /**
     * The counters of {@code target}, one of the targets this was built with.
     *
     * @throws IllegalArgumentException for any other target
     */
    @GuardedBy("lock")
    private long[] countsOf(String target) {
        long[] c = counts.get(target);
        if (c == null) {
            throw new IllegalArgumentException("no target '" + target + "'; targets: " + limited);
        }
        return c;
    }

    /** Counts the reserved entries per namespace, for every target of ours they name. */
    @GuardedBy("lock")
    private void countNamespaces(List<WalEntry> entries) {
        Instant now = time.now();
        Duration offset = Duration.between(now, time.wallNow());
        for (WalEntry e : entries) {
            for (String target : e.targets()) {
                NamespaceBacklog backlog = backlogs.get(target);
                if (backlog != null) {
                    backlog.add(e, now, offset);
                }
            }
        }
    }

    /** Gives back room reserved for entries that were not appended. */
    void unreserve(List<WalEntry> entries) {
        for (WalEntry e : entries) {
            long bytes = AppendChecks.utf8Length(e.payload());
            for (String target : e.targets()) {
                release(target, List.of(e), bytes);
            }
        }
    }

    /**
     * Counts entries that became unfinished without a write (requeue, re-apply, found at start).
     *
     * @param bytes the payload bytes of {@code entries}, together
     */
    void add(String target, List<WalEntry> entries, long bytes) {
        lock.lock();
        try {
            long[] c = counts.get(target);
            NamespaceBacklog backlog = backlogs.get(target);
            if (c != null && backlog != null) {
                add(c, entries.size(), bytes);
                Instant now = time.now();
                Duration offset = Duration.between(now, time.wallNow());
                for (WalEntry e : entries) {
                    backlog.add(e, now, offset);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Entries of {@code target} finished: room for writes.
     *
     * @param bytes the payload bytes of {@code finished}, together
     */
    void release(String target, List<WalEntry> finished, long bytes) {
        if (finished.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            long[] c = counts.get(target);
            NamespaceBacklog backlog = backlogs.get(target);
            if (c != null && backlog != null) {
                add(c, -finished.size(), -bytes);
                for (WalEntry e : finished) {
                    backlog.remove(e);
                }
                room.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void add(long[] c, long entries, long bytes) {
        c[0] = Math.max(0, c[0] + entries);
        c[1] = Math.max(0, c[1] + bytes);
    }

    /**
     * One target's backlog, read at once.
     *
     * @param entries    entries PENDING or RETRYING
     * @param bytes      their payload bytes
     * @param lagSeconds how long the oldest has waited, in seconds; 0 without one
     * @param namespaces per namespace, in name order, its part: see {@link NamespaceBacklog}
     */
    record Backlog(long entries, long bytes, double lagSeconds, Map<String, NamespaceStats> namespaces) {
    }

    /**
     * The backlog of {@code target}, its figures read under one lock so that they agree.
     *
     * @throws IllegalArgumentException if this was not built with {@code target}
     */
    Backlog backlog(String target) {
        lock.lock();
        try {
            long[] c = countsOf(target);
            NamespaceBacklog backlog = Objects.requireNonNull(backlogs.get(target), "every target has its backlog");
            Instant now = time.now();
            return new Backlog(c[0], c[1], backlog.lagSeconds(now), backlog.figures(now));
        } finally {
            lock.unlock();
        }
    }

    /** The largest entry count over the targets, and the largest byte count. */
    long[] largest() {
        lock.lock();
        try {
            long[] out = new long[2];
            for (long[] c : counts.values()) {
                out[0] = Math.max(out[0], c[0]);
                out[1] = Math.max(out[1], c[1]);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes blocked writers so they re-check the clock and whether writes are still accepted. */
    void wakeAll() {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
