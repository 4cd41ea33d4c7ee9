package org.wal4j.storage.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;

/**
 * The log's segments by {@link SegmentFile.Id} (first seq, then part). Invariants: at most one
 * segment is being written, the last one (the writer adds a new one only after it is created,
 * forced and its directory entry forced); every entry in a segment has a seq at or above the
 * segment's first seq and below the next segment's first seq, so of several parts with one first
 * seq only the last holds entries.
 *
 * <p>Thread-safe: readers look up concurrently with the writer adding segments and compaction
 * replacing or removing closed ones.
 */
final class SegmentSet {
    private final ConcurrentSkipListMap<SegmentFile.Id, SegmentFile> segments = new ConcurrentSkipListMap<>();

    void add(SegmentFile segment) {
        segments.put(segment.id, segment);
    }

    /** Installs {@code next} in place of {@code previous} and retires {@code previous}. */
    void replace(SegmentFile previous, SegmentFile next) {
        if (!segments.replace(previous.id, previous, next)) {
            throw new IllegalStateException("segment " + previous + " is no longer current");
        }
        previous.retire();
    }

    void remove(SegmentFile segment) {
        if (segments.remove(segment.id, segment)) {
            segment.retire();
        }
    }

    /** The segment that holds {@code seq} if any segment does, acquired; null if none. */
    @Nullable SegmentFile acquireFloor(long seq) {
        while (true) {
            Map.Entry<SegmentFile.Id, SegmentFile> e = segments.floorEntry(SegmentFile.Id.lastPartOf(seq));
            if (e == null) {
                return null;
            }
            if (e.getValue().acquire()) {
                return e.getValue();
            }
        }
    }

    /** The first segment after {@code previous} (null: the first segment), acquired; null if none. */
    @Nullable SegmentFile acquireNext(SegmentFile.@Nullable Id previous) {
        while (true) {
            Map.Entry<SegmentFile.Id, SegmentFile> e = previous == null ? segments.firstEntry()
                    : segments.higherEntry(previous);
            if (e == null) {
                return null;
            }
            if (e.getValue().acquire()) {
                return e.getValue();
            }
        }
    }

    /** The last segment (the active one), or null if there is none. */
    @Nullable SegmentFile last() {
        Map.Entry<SegmentFile.Id, SegmentFile> e = segments.lastEntry();
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
            if (segments.remove(s.id, s)) {
                s.retire();
            }
        }
    }
}
