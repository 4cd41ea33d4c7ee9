package org.wal4j.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When, on the engine's monotonic timeline, this process first saw each entry, and how far the
 * wall clock stood from that timeline then: what turns an entry's wall-clock {@code createdAt}
 * into monotonic deadlines ({@link #toEngine}) and into an age that a wall-clock step cannot
 * zero ({@link #age}).
 *
 * <p>It keeps a few <em>samples</em>, each covering a range of sequence numbers: every entry in
 * {@code (previous.upToSeq, upToSeq]} was appended while the wall clock stood {@code offset}
 * ahead of the engine timeline, at or before engine time {@code seenBy}. The first sample covers
 * the entries already in the log when the engine started (seen by then; offset as the wall clock
 * read then). A new sample starts when the offset moved by more than {@link #OFFSET_TOLERANCE} (the
 * wall clock was stepped) or the current sample is older than {@link #RESOLUTION}; so a steady
 * writer adds one sample a second. Samples of finished entries are dropped ({@link #forgetBelow});
 * past {@link #MAX_SAMPLES}, neighbours with the same offset (within the tolerance) are merged, which only coarsens the
 * "seen by" bound of old entries (to about 1/1000 of their age).
 *
 * <p>Thread-safe: the append path records, the workers and {@code stats()} read.
 */
final class AppendTimeline {
    /** Offset changes smaller than this are clock drift and slewing, not steps. */
    static final Duration OFFSET_TOLERANCE = Duration.ofMillis(50);
    /** A sample stops taking new appends once it is this old, bounding how early "seen by" may be. */
    static final Duration RESOLUTION = Duration.ofSeconds(1);
    static final int MAX_SAMPLES = 2048;

    private static final class Sample {
        long upToSeq;
        Instant seenBy;
        final Instant opened;
        final Duration offset;

        Sample(long upToSeq, Instant seenBy, Duration offset) {
            this.upToSeq = upToSeq;
            this.seenBy = seenBy;
            this.opened = seenBy;
            this.offset = offset;
        }
    }

    private final Timekeeper time;
    // ascending upToSeq; never empty
    @GuardedBy("this")
    private final List<Sample> samples = new ArrayList<>();

    /** Starts with the entries up to {@code lastSeqAtStart}, already in the log, seen now. */
    AppendTimeline(Timekeeper time, long lastSeqAtStart) {
        this.time = time;
        Instant now = time.now();
        samples.add(new Sample(lastSeqAtStart, now, Duration.between(now, time.wallNow())));
    }

    /** Notes that entries up to {@code lastSeq} were just acknowledged. */
    synchronized void appended(long lastSeq) {
        Instant now = time.now();
        Duration offset = Duration.between(now, time.wallNow());
        Sample last = samples.get(samples.size() - 1);
        if (lastSeq <= last.upToSeq) {
            return; // acknowledged out of order: covered already, by an earlier "seen by"
        }
        boolean sameOffset = offset.minus(last.offset).abs().compareTo(OFFSET_TOLERANCE) <= 0;
        if (sameOffset && samples.size() > 1 && Duration.between(last.opened, now).compareTo(RESOLUTION) < 0) {
            last.upToSeq = lastSeq;
            last.seenBy = now;
            return;
        }
        samples.add(new Sample(lastSeq, now, offset));
        if (samples.size() > MAX_SAMPLES) {
            mergeNeighbours();
        }
    }

    /**
     * The engine-timeline instant of a wall-clock {@code wallDeadline} derived from entry
     * {@code seq}'s stamps (its {@code createdAt} plus a delay or time to live, or its last status
     * change plus a backoff), read with the wall clock's offset of when the entry was appended (for
     * entries older than this process: of when the engine started). Guard against a wall clock that
     * was behind when the entry was stamped (or a {@code createdAt} set in the future): the result
     * is never later than {@code nominal} after {@code loadedAt}, the engine time the caller saw
     * the entry.
     */
    Instant toEngine(long seq, Instant wallDeadline, Duration nominal, Instant loadedAt) {
        Instant engine = wallDeadline.minus(sampleOf(seq).offset);
        Instant cap = loadedAt.plus(nominal);
        return engine.isAfter(cap) ? cap : engine;
    }

    /**
     * How long entry {@code seq}, created at wall time {@code createdAt}, has waited: its
     * {@code createdAt} on the engine timeline (with the offset of its append), but never less than
     * the time since this process certainly held it, so a {@code createdAt} in the future (a clock
     * that was ahead) or a wall clock stepped back cannot make a waiting entry look new.
     */
    Duration age(long seq, Instant createdAt) {
        Instant now = time.now();
        Sample s = sampleOf(seq);
        Duration sinceCreated = Duration.between(createdAt.minus(s.offset), now);
        Duration sinceSeen = Duration.between(s.seenBy, now);
        Duration age = sinceCreated.compareTo(sinceSeen) >= 0 ? sinceCreated : sinceSeen;
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** Drops the samples of entries below {@code seq}, all finished for every target. */
    synchronized void forgetBelow(long seq) {
        while (samples.size() > 1 && samples.get(0).upToSeq < seq) {
            samples.remove(0);
        }
    }

    synchronized int samples() {
        return samples.size();
    }

    private synchronized Sample sampleOf(long seq) {
        int lo = 0;
        int hi = samples.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (samples.get(mid).upToSeq < seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        // past the last sample: appended but not yet noted (the ack is racing); the newest sample is nearest
        return samples.get(lo);
    }

    /** Halves the samples where neighbours share an offset; the merged "seen by" is the later one. */
    @GuardedBy("this")
    private void mergeNeighbours() {
        List<Sample> merged = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            Sample next = i + 1 < samples.size() - 1 ? samples.get(i + 1) : null; // the newest stays as it is
            if (next != null && next.offset.minus(s.offset).abs().compareTo(OFFSET_TOLERANCE) <= 0) {
                Sample m = new Sample(next.upToSeq, next.seenBy, s.offset);
                merged.add(m);
                i++;
            } else {
                merged.add(s);
            }
        }
        samples.clear();
        samples.addAll(merged);
        while (samples.size() > MAX_SAMPLES) {
            // only after as many wall-clock steps as samples: the oldest entries then borrow the next sample's bounds
            samples.remove(0);
        }
    }
}
