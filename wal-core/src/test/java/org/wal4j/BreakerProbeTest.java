package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.event.BreakerStateChanged;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * An open breaker probes its target every {@code breakerProbeInterval} (1 s by default): the
 * backlog resumes within about a second of the target's return instead of after the 30 s open
 * duration, and a dead target is probed at most once per interval.
 */
@Timeout(60)
class BreakerProbeTest {
    private static final Lifecycle FIXED_1S = Lifecycle.builder().backoff(Backoff.FIXED)
            .backoffBase(Duration.ofSeconds(1)).jitter(false).maxAttempts(1000).build();

    private final Harness h = new Harness("primary");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private BreakerState breaker() {
        return h.wal.stats().target("primary").breakerState();
    }

    @Test
    void byDefault_theBacklogResumesWithinASecondOfTheTargetsReturn_andADeadTargetIsProbedOncePerSecond() {
        ScriptedSyncTarget target = h.primary().down();
        h.configure(c -> c.defaultLifecycle(FIXED_1S).breakerMinimumCalls(2).breakerSlidingWindowSize(2));
        h.start();
        for (int i = 0; i < 10; i++) {
            h.write("orders", "k" + i);
        }
        for (int i = 0; i < 5 && breaker() != BreakerState.OPEN; i++) {
            h.advance(Duration.ofSeconds(1)); // the first failures back off one second
        }
        assertEquals(BreakerState.OPEN, breaker());
        int calls = target.calls();
        int probes = target.probes();

        for (int step = 0; step < 100; step++) { // ten seconds of a dead target, in steps of 100 ms
            h.advance(Duration.ofMillis(100));
        }
        int probesWhileDead = target.probes() - probes;
        assertTrue(probesWhileDead >= 9 && probesWhileDead <= 10,
                "a dead target is probed once per second while the breaker is open, but was probed "
                        + probesWhileDead + " times in 10 s");
        assertEquals(calls, target.calls(), "no apply call while the breaker is open");
        assertEquals(BreakerState.OPEN, breaker());

        target.up();
        h.advance(Duration.ofSeconds(1));
        h.advance(Duration.ZERO);
        Await.until(() -> target.appliedSeqs().size() == 10, () -> "the backlog did not resume within 1 s of "
                + "the target's return (open duration 30 s, 11 s since it opened); applied "
                + target.appliedSeqs() + ", breaker " + breaker());
        assertEquals(BreakerState.CLOSED, breaker());
        List<String> transitions = h.events(BreakerStateChanged.class).stream()
                .map(e -> e.from() + "->" + e.to()).collect(Collectors.toList());
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), transitions);
    }

    @Test
    void aProbeIntervalOfZero_waitsOutTheOpenDuration() {
        ScriptedSyncTarget target = h.primary().down();
        h.configure(c -> c.defaultLifecycle(FIXED_1S).breakerMinimumCalls(2).breakerSlidingWindowSize(2)
                .breakerProbeInterval(Duration.ZERO));
        h.start();
        long seq = h.write("orders", "a").seq();
        for (int i = 0; i < 5 && breaker() != BreakerState.OPEN; i++) {
            h.advance(Duration.ofSeconds(1));
        }
        assertEquals(BreakerState.OPEN, breaker());
        int probes = target.probes();
        target.up();
        h.advance(Duration.ofSeconds(29));
        assertEquals(BreakerState.OPEN, breaker());
        assertEquals(probes, target.probes(), "probed although probing is off");
        h.advance(Duration.ofSeconds(2));
        h.advance(Duration.ZERO);
        Await.until(() -> target.appliedSeqs().contains(seq), "drained after the open duration");
    }

    @Test
    void aProbeAnsweringUnknown_leavesTheBreakerOpenForItsDuration() {
        ScriptedSyncTarget target = h.primary().probeKnown(false).down();
        h.configure(c -> c.defaultLifecycle(FIXED_1S).breakerMinimumCalls(2).breakerSlidingWindowSize(2));
        h.start();
        h.write("orders", "a");
        for (int i = 0; i < 5 && breaker() != BreakerState.OPEN; i++) {
            h.advance(Duration.ofSeconds(1));
        }
        target.up();
        h.advance(Duration.ofSeconds(5));
        assertEquals(BreakerState.OPEN, breaker(), "a target without a probe must not be trusted to be back");
        assertEquals(List.of(), target.appliedSeqs());
    }
}
