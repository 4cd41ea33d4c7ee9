package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * {@link TargetStats#namespaces()}: each namespace's backlog for each target, kept as entries are
 * written, loaded at start, finished and requeued, adding up to the target's figures.
 */
@Timeout(60)
class NamespaceStatsTest {
    private static final Lifecycle PATIENT = Lifecycle.builder().backoff(Backoff.FIXED)
            .backoffBase(Duration.ofSeconds(2)).jitter(false).maxAttempts(1000).build();

    private final Harness h = new Harness("primary", "replica");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static void assertNamespace(TargetStats stats, String namespace, long entries, double lagSeconds) {
        NamespaceStats ns = stats.namespaces().get(namespace);
        assertEquals(namespace, ns.namespace());
        assertEquals(entries, ns.unfinishedEntries(), stats.target() + "/" + namespace + " entries");
        assertEquals(lagSeconds, ns.lagSeconds(), 1e-9, stats.target() + "/" + namespace + " lag");
    }

    /** The namespaces add up to the target: entries sum, the lag is the largest. */
    private static void assertAddsUp(TargetStats stats) {
        long entries = 0;
        double lag = 0;
        for (NamespaceStats ns : stats.namespaces().values()) {
            entries += ns.unfinishedEntries();
            lag = Math.max(lag, ns.lagSeconds());
        }
        assertEquals(stats.unfinishedEntries(), entries, stats.target() + ": namespaces' entries add up");
        assertEquals(stats.lagSeconds(), lag, 1e-9, stats.target() + ": lag is its namespaces' largest");
    }

    @Test
    void namespaces_showEachNamespacesBacklog_whileATargetIsDown_andZerosAfterItRecovers() {
        h.configure(c -> c.defaultLifecycle(PATIENT));
        h.target("replica").down();
        h.start();
        h.write("orders", "a");
        h.advance(Duration.ofSeconds(2));
        h.write("orders", "b");
        h.write("payments", "c");
        h.advance(Duration.ofSeconds(3));

        WalStats stats = h.wal.stats();
        TargetStats replica = stats.target("replica");
        assertEquals(List.of("orders", "payments"), List.copyOf(replica.namespaces().keySet()));
        assertNamespace(replica, "orders", 2, 5.0);
        assertNamespace(replica, "payments", 1, 3.0);
        assertEquals(3, replica.unfinishedEntries());
        assertEquals(5.0, replica.lagSeconds(), 1e-9);
        assertAddsUp(replica);
        TargetStats primary = stats.target("primary");
        assertNamespace(primary, "orders", 0, 0);
        assertNamespace(primary, "payments", 0, 0);
        assertAddsUp(primary);

        h.target("replica").up();
        h.advanceUntilSettled(3, Duration.ofSeconds(1));
        TargetStats recovered = h.wal.stats().target("replica");
        assertNamespace(recovered, "orders", 0, 0);
        assertNamespace(recovered, "payments", 0, 0);
        assertEquals(0, recovered.lagSeconds());
        assertAddsUp(recovered);
    }

    @Test
    void namespaces_countTheEntriesFoundInTheLog_afterARestart() {
        h.configure(c -> c.defaultLifecycle(PATIENT));
        h.target("replica").down();
        h.start();
        h.write("orders", "a");
        h.write("payments", "b");
        h.write("payments", "c");
        h.advance(Duration.ofSeconds(4));

        h.crashAndRestart();
        h.advance(Duration.ofSeconds(1));

        TargetStats replica = h.wal.stats().target("replica");
        assertNamespace(replica, "orders", 1, 5.0);
        assertNamespace(replica, "payments", 2, 5.0);
        assertAddsUp(replica);
        assertEquals(Map.of(), h.wal.stats().target("primary").namespaces(), "nothing unfinished for primary at start");
    }

    @Test
    void namespaces_dropADeadLetter_andCountItAgainWhenRequeued() {
        ScriptedSyncTarget primary = h.target("primary").failPermanently(e -> e.namespace().equals("payments"), "no");
        h.start();
        h.write("orders", "a");
        h.write("payments", "b");
        h.settledAll(2);
        assertNamespace(h.wal.stats().target("primary"), "payments", 0, 0);

        primary.down();
        assertEquals(1, h.wal.admin().requeue(DeadLetterFilter.builder().namespace("payments").build()));
        h.advance(Duration.ofSeconds(7));
        TargetStats requeued = h.wal.stats().target("primary");
        assertNamespace(requeued, "payments", 1, 7.0);
        assertAddsUp(requeued);
    }
}
