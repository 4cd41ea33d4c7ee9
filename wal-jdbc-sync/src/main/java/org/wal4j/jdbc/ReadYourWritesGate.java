package org.wal4j.jdbc;

import java.time.Duration;
import org.wal4j.LaneId;
import org.wal4j.Wal;

/**
 * Read-your-writes for a repository: before a {@link LaneRead} runs, the lanes of its key are
 * flushed on the primary target ({@link Wal#flushLane(LaneId, String, Duration)}: served
 * first, retry backoff cut) and the read waits until every call written to them before is
 * settled there. Another target (a replica that is down) never holds the read. If the lanes are
 * not settled within the timeout the read does not run: {@link StaleReadException}.
 *
 * <p>Thread-safe.
 */
final class ReadYourWritesGate {
    private final Wal wal;
    private final String target;
    private final Duration timeout;

    ReadYourWritesGate(Wal wal, String target, Duration timeout) {
        this.wal = wal;
        this.target = target;
        this.timeout = timeout;
    }

    void beforeRead(LaneRead read, Object[] args) {
        String key = read.key(args);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String namespace : read.namespaces()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!wal.flushLane(LaneId.of(namespace, key), target, left)) {
                throw new StaleReadException(read.display() + ": lane " + namespace + "/" + key + " still has calls that "
                        + "target '" + target + "' has not applied after " + timeout + ", so the read did not run (it would "
                        + "not see them); they stay in the log and will be applied", namespace, key, target, timeout);
            }
        }
    }
}
