package org.wal4j.micrometer;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.micrometer.core.instrument.Clock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.Wal;
import org.wal4j.WalState;
import org.wal4j.WalStats;

/**
 * The snapshot of {@link Wal#stats()} the meters read: taken again only when older than
 * {@link WalMetricsOptions#statsMaxAge()}, so the dozens of gauges and counters of one scrape share
 * one snapshot. {@code stats()} reads counters and in-memory figures only (no storage read, no
 * target call), so taking one never waits on a disk or a database.
 *
 * <p>Each new snapshot is handed to a listener (outside this object's lock), which registers the
 * series of namespaces seen for the first time.
 *
 * <p>Thread-safe.
 */
final class StatsSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(StatsSnapshots.class);

    private final Wal wal;
    private final Clock clock;
    private final long maxAgeNanos;
    private final Consumer<WalStats> onNew;
    @GuardedBy("this")
    private @Nullable WalStats last;
    @GuardedBy("this")
    private long takenAt;

    StatsSnapshots(Wal wal, WalMetricsOptions options, Consumer<WalStats> onNew) {
        this.wal = wal;
        this.clock = options.clock();
        this.maxAgeNanos = options.statsMaxAge().toNanos();
        this.onNew = onNew;
    }

    /**
     * The current snapshot, or the last one taken if a new one cannot be (the Wal's storage refused
     * after a stop); null if none could ever be taken.
     */
    @Nullable WalStats current() {
        WalStats taken;
        synchronized (this) {
            long now = clock.monotonicTime();
            if (last != null && now - takenAt < maxAgeNanos) {
                return last;
            }
            try {
                taken = wal.stats();
            } catch (RuntimeException e) {
                LOG.debug("wal4j metrics: stats() of {} failed; the meters keep the last snapshot", wal, e);
                return last;
            }
            last = taken;
            takenAt = now;
        }
        onNew.accept(taken);
        return taken;
    }

    /**
     * The current snapshot while the Wal has live figures (running, stopping or failed), else null:
     * before {@code start()} nothing is counted yet, and after {@code stop()} nothing drains, so a
     * backlog gauge would show a figure that no longer means anything.
     */
    @Nullable WalStats live() {
        WalState state = wal.state();
        if (state == WalState.NEW || state == WalState.STOPPED) {
            return null;
        }
        return current();
    }
}
