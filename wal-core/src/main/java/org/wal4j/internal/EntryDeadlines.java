package org.wal4j.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.wal4j.Lifecycle;
import org.wal4j.WalEntry;

/**
 * When an entry loaded into a window may next be attempted, and when its time to live ends, on
 * the engine's monotonic timeline. An entry only carries wall-clock stamps (its {@code createdAt},
 * its last status change): they are turned into engine time once, when the entry is loaded, with
 * the wall clock's offset of when this process first saw the entry ({@link AppendTimeline}), and
 * the countdowns then run on monotonic time: a later wall-clock step moves none of them.
 *
 * <p>The rule for entries older than this process (recovered after a restart, where monotonic
 * time does not carry over): their deadlines are read from their wall-clock stamps against the
 * wall clock as it read when the engine started. Guard against a wildly wrong wall clock: no
 * deadline is ever more than its nominal duration (initial delay, backoff, time to live) after the
 * moment the entry is loaded, so a clock that was behind (or a {@code createdAt} in the future)
 * never makes an entry wait longer than asked; a clock that was ahead can only make it due (or
 * expired) sooner, as the stamps would say anyway.
 *
 * <p>Not thread-safe: confined to one worker thread (the random generator is the worker's).
 */
final class EntryDeadlines {
    private final AppendTimeline timeline;
    private final RandomGenerator random;

    EntryDeadlines(AppendTimeline timeline, RandomGenerator random) {
        this.timeline = timeline;
        this.random = random;
    }

    /**
     * Engine time of the next attempt of {@code e}, loaded at {@code now} after {@code attempts} charged
     * attempts; a null {@code lastChangeAt} (the status never changed) counts from its {@code createdAt}.
     */
    Instant dueAt(WalEntry e, int attempts, @Nullable Instant lastChangeAt, Instant now) {
        Lifecycle lifecycle = e.lifecycle();
        if (attempts == 0) {
            Duration delay = lifecycle.initialDelay();
            return timeline.toEngine(e.seq(), e.createdAt().plus(delay), delay, now);
        }
        Instant last = lastChangeAt != null ? lastChangeAt : e.createdAt();
        Duration backoff = Backoffs.delayAfter(lifecycle, attempts, random);
        return timeline.toEngine(e.seq(), last.plus(backoff), backoff, now);
    }

    /** Engine time at which {@code e}'s time to live ends, or null if it has none. */
    @Nullable Instant expiresAt(WalEntry e, Instant now) {
        Duration ttl = e.lifecycle().ttl().orElse(null);
        return ttl == null ? null : timeline.toEngine(e.seq(), e.createdAt().plus(ttl), ttl, now);
    }
}
