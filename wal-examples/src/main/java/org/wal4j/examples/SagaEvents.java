package org.wal4j.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.wal4j.WalEntry;
import org.wal4j.event.EntryApplied;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.event.EntryExpired;
import org.wal4j.event.EntryRetried;
import org.wal4j.event.WalEvent;
import org.wal4j.event.WalListener;

/**
 * Prints what happens to each saga step, from wal4j's events, one line per step and outcome, and
 * remembers what the example checks at the end: the attempts each applied entry took, how long
 * after its creation it was applied, and which entries were dead-lettered. (A failure is an
 * {@link EntryRetried} event only when it uses up one of the entry's attempts: while a target's
 * probe says it is down, its failures use none, and the entries just wait.)
 *
 * <p>Thread-safe: events arrive on the targets' worker threads.
 */
final class SagaEvents implements WalListener {
    /** An applied entry: after how many attempts, and how long after its creation. */
    record Applied(int attempts, Duration afterCreation) {
    }

    private final PrintStream out;
    private volatile long startNanos = System.nanoTime();
    private final Map<Long, Applied> applied = new ConcurrentHashMap<>();
    private final Map<Long, String> deadLettered = new ConcurrentHashMap<>();

    SagaEvents(PrintStream out) {
        this.out = out;
    }

    /** Counts the time {@link #say} prints from now. */
    void startClock() {
        startNanos = System.nanoTime();
    }

    /** Prints {@code text} after the time since the clock started (this listener's creation, by default). */
    void say(String text) {
        out.printf(Locale.ROOT, "  [%4.2f s] %s%n", (System.nanoTime() - startNanos) / 1e9, text);
    }

    @Override
    public void onEvent(WalEvent event) {
        if (event instanceof EntryApplied e) {
            Duration after = Duration.between(e.entry().createdAt(), e.at());
            applied.put(e.entry().seq(), new Applied(e.attempts(), after));
            step(e.entry(), String.format(Locale.ROOT, "applied to %s (attempt %d, %.2f s after it was written)",
                    e.target(), e.attempts(), after.toMillis() / 1000.0));
        } else if (event instanceof EntryRetried e) {
            step(e.entry(), String.format(Locale.ROOT, "%s: attempt %d of %d failed, next in %d ms", e.reason(),
                    e.attempts(), e.entry().lifecycle().maxAttempts(), Duration.between(e.at(), e.nextAttemptAt())
                            .toMillis()));
        } else if (event instanceof EntryDeadLettered e) {
            deadLettered.put(e.entry().seq(), e.reason());
            step(e.entry(), "DEAD-LETTERED by " + e.target() + ": " + e.reason());
        } else if (event instanceof EntryExpired e) {
            step(e.entry(), "EXPIRED: not delivered to " + e.target() + " within its time to live ("
                    + e.entry().lifecycle().ttl().map(Duration::toMillis).orElse(0L) + " ms)");
        }
    }

    private void step(WalEntry entry, String what) {
        say(String.format(Locale.ROOT, "%-13s %-7s seq %-2d %s", entry.namespace(), entry.key(), entry.seq(), what));
    }

    /** How entry {@code seq} was applied, or null if it was not (yet). */
    Applied applied(long seq) {
        return applied.get(seq);
    }

    /** The reason entry {@code seq} was dead-lettered, or null if it never was. */
    String deadLetterReason(long seq) {
        return deadLettered.get(seq);
    }
}
