package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wal4j.testing.Await;
import org.wal4j.testing.ScriptedSyncTarget;

/** The engine runs each target's breaker with that target's own settings ({@link WalConfig#breakerFor}). */
class PerTargetBreakerTest {
    private static final Lifecycle FIXED_2S = Lifecycle.builder().backoff(Backoff.FIXED)
            .backoffBase(Duration.ofSeconds(2)).jitter(false).maxAttempts(100).build();

    private final Harness h = new Harness("primary", "search");

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aTargetsOwnOpenDuration_endsItsOpenPeriod_whileAnotherTargetKeepsTheWalWideOne() {
        ScriptedSyncTarget primary = h.target("primary").probeKnown(false).down();
        ScriptedSyncTarget search = h.target("search").probeKnown(false).down();
        h.configure(c -> c.defaultLifecycle(FIXED_2S).breakerMinimumCalls(1).breakerSlidingWindowSize(1)
                .breakerOpenDuration(Duration.ofSeconds(30)).breakerProbeInterval(Duration.ZERO)
                .breakerFor("search", b -> b.openDuration(Duration.ofSeconds(3))));
        h.start();
        long seq = h.write("orders", "a").seq();
        Await.until(() -> h.wal.stats().target("primary").breakerState() == BreakerState.OPEN
                && h.wal.stats().target("search").breakerState() == BreakerState.OPEN, "both breakers open");
        // the workers finish the failed round (and schedule their wake-ups) before the clock moves:
        // a worker that reads the clock after the advance would start its open period from there
        h.quiesce();
        primary.up();
        search.up();

        h.clock.advance(Duration.ofSeconds(3).plusMillis(1));
        h.quiesce();
        h.clock.advance(Duration.ZERO);
        h.quiesce();
        assertEquals(List.of(seq), search.appliedSeqs(), "search not drained when its own 3 s open period ended");
        assertEquals(BreakerState.CLOSED, h.wal.stats().target("search").breakerState());
        assertEquals(BreakerState.OPEN, h.wal.stats().target("primary").breakerState(),
                "primary follows the Wal-wide 30 s open duration");
        assertEquals(List.of(), primary.appliedSeqs());
    }
}
