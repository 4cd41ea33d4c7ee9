package org.wal4j.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.wal4j.NamespaceStats;
import org.wal4j.WalEntry;

/**
 * One target's unfinished entries per namespace, and how long the oldest of each namespace has
 * waited: the figures behind {@link NamespaceStats}, kept as entries become unfinished and finish,
 * so that reading them costs a walk over the namespaces and never a read of the log.
 *
 * <p>Per namespace the entries are counted in <em>cohorts</em>, one per second of
 * {@code createdAt} (an entry's {@code createdAt} never changes, so the entry that finishes is
 * taken from the cohort it was counted in, whatever the order). A cohort remembers the earliest
 * {@code createdAt} counted into it, and the engine time and wall-clock offset of its first entry,
 * from which its age is read as {@link AppendTimeline#age} reads an entry's: the {@code createdAt}
 * on the engine timeline, never less than the time since the cohort was first counted. The lag is
 * the largest age of a cohort (usually the earliest's; after a wall-clock step, entries stamped
 * ahead of time sit in later cohorts but may have waited longer, so every cohort is asked); when
 * the earliest entry of a cohort finished and others of the same second still wait, it reads up to
 * one second high. Cost: one cohort per namespace and second of backlog, independent of the write
 * rate (an hour-long outage of a steady writer: 3,600 per namespace, a few microseconds to read).
 *
 * <p>Invariant: a namespace's {@code entries} is the sum of its cohorts' counts; no cohort is
 * empty. Namespaces stay once seen (with zero entries), so a figure does not come and go.
 *
 * <p>Not thread-safe: confined to its owner's lock ({@link Backpressure}'s).
 */
final class NamespaceBacklog {
    private static final class Cohort {
        long entries;
        Instant oldestCreatedAt;
        /** Engine time when the cohort's first entry was counted. */
        final Instant seenAt;
        /** How far the wall clock stood ahead of the engine timeline then. */
        final Duration offset;

        Cohort(Instant createdAt, Instant seenAt, Duration offset) {
            this.oldestCreatedAt = createdAt;
            this.seenAt = seenAt;
            this.offset = offset;
        }

        Duration age(Instant now) {
            Duration sinceCreated = Duration.between(oldestCreatedAt.minus(offset), now);
            Duration sinceSeen = Duration.between(seenAt, now);
            Duration age = sinceCreated.compareTo(sinceSeen) >= 0 ? sinceCreated : sinceSeen;
            return age.isNegative() ? Duration.ZERO : age;
        }
    }

    private static final class Namespace {
        long entries;
        /** Key: the epoch second of the cohort's {@code createdAt}s. */
        final TreeMap<Long, Cohort> cohorts = new TreeMap<>();
    }

    private final TreeMap<String, Namespace> namespaces = new TreeMap<>();

    /**
     * Counts {@code entry} as unfinished.
     *
     * @param now    the engine time
     * @param offset the wall clock's reading minus {@code now}
     */
    void add(WalEntry entry, Instant now, Duration offset) {
        Namespace ns = namespaces.computeIfAbsent(entry.namespace(), n -> new Namespace());
        Instant createdAt = entry.createdAt();
        Cohort cohort = ns.cohorts.computeIfAbsent(createdAt.getEpochSecond(), s -> new Cohort(createdAt, now, offset));
        if (createdAt.isBefore(cohort.oldestCreatedAt)) {
            cohort.oldestCreatedAt = createdAt;
        }
        cohort.entries++;
        ns.entries++;
    }

    /** Counts {@code entry} as finished; an entry not counted (nothing to take it from) changes nothing. */
    void remove(WalEntry entry) {
        Namespace ns = namespaces.get(entry.namespace());
        if (ns == null) {
            return;
        }
        Long second = entry.createdAt().getEpochSecond();
        Cohort cohort = ns.cohorts.get(second);
        if (cohort == null) {
            return;
        }
        ns.entries--;
        if (--cohort.entries == 0) {
            ns.cohorts.remove(second);
        }
    }

    /** Per namespace, in name order, its figures at engine time {@code now}. */
    Map<String, NamespaceStats> figures(Instant now) {
        Map<String, NamespaceStats> out = new LinkedHashMap<>();
        for (Map.Entry<String, Namespace> e : namespaces.entrySet()) {
            out.put(e.getKey(), new NamespaceFigures(e.getKey(), e.getValue().entries, lagSeconds(e.getValue(), now)));
        }
        return out;
    }

    /** The largest lag over the namespaces, in seconds; 0 without a backlog. */
    double lagSeconds(Instant now) {
        double lag = 0;
        for (Namespace ns : namespaces.values()) {
            lag = Math.max(lag, lagSeconds(ns, now));
        }
        return lag;
    }

    private static double lagSeconds(Namespace ns, Instant now) {
        Duration lag = Duration.ZERO;
        for (Cohort cohort : ns.cohorts.values()) {
            Duration age = cohort.age(now);
            if (age.compareTo(lag) > 0) {
                lag = age;
            }
        }
        return lag.toMillis() / 1000.0;
    }
}
