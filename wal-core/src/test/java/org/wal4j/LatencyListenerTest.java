package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.event.LatencyListener;

/** {@link Wal#addListener(LatencyListener)}: every sample, to listeners added and removed at any time. */
@Timeout(60)
class LatencyListenerTest {
    private final Harness h = new Harness("primary", "replica");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static final class Recording implements LatencyListener {
        final List<Long> writes = new CopyOnWriteArrayList<>();
        final List<String> applies = new CopyOnWriteArrayList<>();

        @Override
        public void writeLatency(long nanos) {
            writes.add(nanos);
        }

        @Override
        public void applyLatency(String target, long nanos) {
            assertTrue(nanos >= 0, "apply latency " + nanos);
            applies.add(target);
        }
    }

    @Test
    void addListener_afterStart_hearsEachWriteOnce_andEachApplyCallPerTarget_untilRemoved() {
        h.start();
        Recording recording = new Recording();
        h.wal.addListener(recording);

        h.write("orders", "a");
        h.write("orders", "b");
        h.settledAll(2);

        assertEquals(2, recording.writes.size(), "one sample per write call");
        assertTrue(recording.writes.stream().allMatch(n -> n >= 0), "write latencies " + recording.writes);
        long calls = h.wal.stats().target("primary").applyCalls() + h.wal.stats().target("replica").applyCalls();
        assertEquals(calls, recording.applies.size(), "one sample per apply call: " + recording.applies);
        assertTrue(recording.applies.containsAll(List.of("primary", "replica")), recording.applies.toString());

        assertTrue(h.wal.removeListener(recording));
        assertFalse(h.wal.removeListener(recording), "removed already");
        h.write("orders", "c");
        h.settledAll(3);
        assertEquals(2, recording.writes.size(), "no sample after removal");
    }

    @Test
    void aListenerThatThrows_reachesNeitherTheWriterNorTheOtherListeners() {
        h.start();
        AtomicInteger thrown = new AtomicInteger();
        h.wal.addListener(new LatencyListener() {
            @Override
            public void writeLatency(long nanos) {
                thrown.incrementAndGet();
                throw new IllegalStateException("metrics broke");
            }

            @Override
            public void applyLatency(String target, long nanos) {
                thrown.incrementAndGet();
                throw new IllegalStateException("metrics broke");
            }
        });
        Recording recording = new Recording();
        h.wal.addListener(recording);

        h.write("orders", "a");
        h.write("orders", "a");
        h.settledAll(2);

        assertEquals(2, recording.writes.size());
        assertTrue(thrown.get() >= 4, "called on every sample, despite throwing: " + thrown.get());
        assertEquals(List.of(1L, 2L), h.target("primary").appliedSeqs(), "both applied, in their lane's order");
    }
}
