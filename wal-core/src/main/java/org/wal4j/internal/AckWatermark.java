package org.wal4j.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Map;
import java.util.TreeMap;

/**
 * The highest sequence number such that every append at or below it has been acknowledged by the
 * storage. Appends are acknowledged out of order when writers race; a worker may only treat the
 * log up to this mark as complete (an entry acknowledged above a gap is loaded once the gap
 * closes), so it never skips a slow writer's entry.
 *
 * <p>Thread-safe.
 */
final class AckWatermark {
    @GuardedBy("this")
    private long mark;
    @GuardedBy("this")
    private final TreeMap<Long, Long> above = new TreeMap<>();
    private volatile long published;

    AckWatermark(long start) {
        this.mark = start;
        this.published = start;
    }

    synchronized void acked(long firstSeq, long lastSeq) {
        if (lastSeq <= mark) {
            return;
        }
        if (firstSeq > mark + 1) {
            above.put(firstSeq, lastSeq);
            return;
        }
        mark = lastSeq;
        for (Map.Entry<Long, Long> next = above.firstEntry(); next != null && next.getKey() <= mark + 1;
             next = above.firstEntry()) {
            mark = Math.max(mark, next.getValue());
            above.pollFirstEntry();
        }
        published = mark;
    }

    long get() {
        return published;
    }
}
