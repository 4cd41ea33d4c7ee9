package org.wal4j.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.wal4j.BreakerState;
import org.wal4j.TargetStats;
import org.wal4j.Wal;
import org.wal4j.WalStats;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.event.WalEvent;
import org.wal4j.event.WalListener;

/**
 * What the examples print while they run: a progress line from {@link Wal#stats()} (calls
 * written, applied, pending, lag, and whether each database is reachable), and a line when a
 * target's circuit breaker opens or closes, from wal4j's events. Trial calls that fail while a
 * database is down are counted, not printed.
 *
 * <p>Thread-safe: the events arrive on wal4j's worker threads.
 */
final class Dashboard implements WalListener {
    private final PrintStream out;
    private volatile long startNanos = System.nanoTime();
    private final Map<String, SwitchableDataSource> databases;
    private final Map<String, AtomicInteger> failedTrials = new ConcurrentHashMap<>();
    private volatile Wal wal;

    /** @param databases each target's switchable data source, to show whether it is reachable */
    Dashboard(PrintStream out, Map<String, SwitchableDataSource> databases) {
        this.out = out;
        this.databases = Map.copyOf(databases);
    }

    /** The Wal whose figures {@link #progress()} prints. */
    void watch(Wal wal) {
        this.wal = wal;
    }

    /** Counts the time {@link #say} prints from now. */
    void startClock() {
        startNanos = System.nanoTime();
    }

    /** Prints {@code text} after the time since the clock started (this dashboard's creation, by default). */
    void say(String text) {
        out.printf(Locale.ROOT, "  [%5.1f s] %s%n", seconds(), text);
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Prints one progress line. */
    void progress() {
        WalStats stats = wal.stats();
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "written %,6d", stats.writes()));
        boolean one = stats.targets().size() == 1;
        for (String name : wal.targets()) {
            TargetStats target = stats.target(name);
            String state = databases.get(name).isReachable() ? "up" : "DOWN";
            if (target.breakerState() != BreakerState.CLOSED) {
                state += ", breaker " + target.breakerState();
            }
            // a rejected call is written but never applied: shown once there is one, so the
            // figures add up
            parts.add(one
                    ? String.format(Locale.ROOT, "applied %,6d%s | pending %,5d | lag %4.1f s | database %s",
                            target.applied(), target.rejected() == 0 ? "" : " | rejected " + target.rejected(),
                            target.unfinishedEntries(), target.lagSeconds(), state)
                    : String.format(Locale.ROOT, "%s: applied %,5d%s, pending %,4d, lag %3.1f s, %s", name,
                            target.applied(), target.rejected() == 0 ? "" : ", rejected " + target.rejected(),
                            target.unfinishedEntries(), target.lagSeconds(), state));
        }
        say(String.join(" | ", parts));
    }

    @Override
    public void onEvent(WalEvent event) {
        if (!(event instanceof BreakerStateChanged change)) {
            return;
        }
        AtomicInteger trials = failedTrials.computeIfAbsent(change.target(), t -> new AtomicInteger());
        if (change.from() == BreakerState.CLOSED && change.to() == BreakerState.OPEN) {
            say("wal4j: '" + change.target() + "' is failing; circuit breaker OPEN: applying pauses (a trial call "
                    + "every " + readable(wal.config().breakerOpenDuration()) + "), calls still go to the log");
        } else if (change.from() == BreakerState.HALF_OPEN && change.to() == BreakerState.OPEN) {
            trials.incrementAndGet();
        } else if (change.to() == BreakerState.CLOSED) {
            say("wal4j: trial call to '" + change.target() + "' succeeded (" + trials.getAndSet(0)
                    + " failed before it); breaker CLOSED: the backlog drains in order");
        }
    }

    private static String readable(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
