package org.wal4j.storage.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The log's segments by first seq. Invariants: at most one segment is being written, the one with
 * the highest first seq (the writer adds a new one only after it is created, forced and its
 * directory entry forced); every entry in a segment has a seq at or above the segment's first seq
 * and below the next segment's first seq.
 *
 * <p>Thread-safe: readers look up concurrently with the writer adding segments and compaction
 * replacing or removing closed ones.
 */
final class SegmentSet {
    private final ConcurrentSkipListMap<Long, SegmentFile> segments = new ConcurrentSkipListMap<>();

    void add(SegmentFile segment) {
        segments.put(segment.firstSeq, segment);
    }

    /** Installs {@code next} in place of {@code previous} and retires {@code previous}. */
    void replace(SegmentFile previous, SegmentFile next) {
        if (!segments.replace(previous.firstSeq, previous, next)) {
            throw new IllegalStateException("segment " + previous + " is no longer current");
        }
        previous.retire();
    }

    void remove(SegmentFile segment) {
        if (segments.remove(segment.firstSeq, segment)) {
            segment.retire();
        }
    }

    /** The segment that holds {@code seq} if any segment does, acquired; null if none. */
    SegmentFile acquireFloor(long seq) {
        while (true) {
            Map.Entry<Long, SegmentFile> e = segments.floorEntry(seq);
            if (e == null) {
                return null;
            }
            if (e.getValue().acquire()) {
                return e.getValue();
            }
        }
    }

    /** The first segment after the one starting at {@code firstSeq}, acquired; null if none. */
    SegmentFile acquireNext(long firstSeq) {
        while (true) {
            Map.Entry<Long, SegmentFile> e = segments.higherEntry(firstSeq);
            if (e == null) {
                return null;
            }
            if (e.getValue().acquire()) {
                return e.getValue();
            }
        }
    }

    SegmentFile last() {
        Map.Entry<Long, SegmentFile> e = segments.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** Every segment except the last (the one being written), in order. */
    List<SegmentFile> closed() {
        List<SegmentFile> all = new ArrayList<>(segments.values());
        if (!all.isEmpty()) {
            all.remove(all.size() - 1);
        }
        return all;
    }

    List<SegmentFile> all() {
        return new ArrayList<>(segments.values());
    }

    int count() {
        return segments.size();
    }

    long bytes() {
        long total = 0;
        for (SegmentFile s : segments.values()) {
            total += s.end();
        }
        return total;
    }

    /** Retires every segment: their read channels close once no reader holds them. */
    void retireAll() {
        for (SegmentFile s : segments.values()) {
            if (segments.remove(s.firstSeq, s)) {
                s.retire();
            }
        }
    }
}
