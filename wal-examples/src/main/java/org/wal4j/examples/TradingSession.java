package org.wal4j.examples;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The demo's timeline: the trader calls at most {@value #CALLS_PER_SECOND} times a second (fewer
 * if the disk or the database is slower; it never makes up for lost time with a burst) for the
 * whole duration; the database is cut off for the middle third; a progress line every second
 * (none in the last half second: the caller prints one once the backlog has drained).
 * With a crash action, it runs halfway through, in the middle of the outage.
 *
 * <pre>
 *   0 ───────── 1/3 ─────────── 1/2 ─────────── 2/3 ───────── end
 *   database up │ database down  (crash here)    │ database up
 * </pre>
 *
 * <p>Not thread-safe: run once, on the trader's thread.
 */
final class TradingSession {
    static final int CALLS_PER_SECOND = 100;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Trader trader;
    private final SwitchableDataSource database;
    private final Dashboard dashboard;
    private final Duration duration;
    private final Runnable crash;

    /** @param crash run halfway (it is not expected to return), or null to trade to the end */
    TradingSession(Trader trader, SwitchableDataSource database, Dashboard dashboard, Duration duration,
                   Runnable crash) {
        this.trader = trader;
        this.database = database;
        this.dashboard = dashboard;
        this.duration = duration;
        this.crash = crash;
    }

    void run() throws SQLException, TradeRejectedException, InterruptedException {
        long total = duration.toNanos();
        long start = System.nanoTime();
        long nextProgress = start + SECOND;
        long due = start;
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= total) {
                return;
            }
            if (database.isReachable() && elapsed >= total / 3 && elapsed < total * 2 / 3) {
                database.cutOff();
                dashboard.say(">>> " + capitalized(database.name()) + " goes down: every new connection fails (SQLSTATE "
                        + SwitchableDataSource.CONNECTION_FAILURE + "). Trading goes on.");
            } else if (!database.isReachable() && elapsed >= total * 2 / 3) {
                database.restore();
                dashboard.say(">>> " + capitalized(database.name()) + " is back.");
            }
            if (crash != null && elapsed >= total / 2) {
                crash.run();
            }
            trader.next();
            long now = System.nanoTime();
            if (now >= nextProgress && now - start < total - SECOND / 2) {
                dashboard.progress();
                nextProgress = Math.max(nextProgress + SECOND, now + SECOND / 2);
            }
            due = Math.max(due + SECOND / CALLS_PER_SECOND, now);
            TimeUnit.NANOSECONDS.sleep(due - now);
        }
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
