package org.wal4j.micrometer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wal4j.Backoff;
import org.wal4j.Lifecycle;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.WriteResult;
import org.wal4j.testing.Await;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * A real Wal on the in-memory storage, a manual clock and two scripted targets, {@code primary}
 * and {@code replica}, retrying every 2 s (1000 attempts), for the metrics tests.
 */
final class WalFixture implements AutoCloseable {
    static final Lifecycle PATIENT = Lifecycle.builder().backoff(Backoff.FIXED).backoffBase(Duration.ofSeconds(2))
            .jitter(false).maxAttempts(1000).build();

    final ManualClock clock = ManualClock.atEpochOfTests();
    final ScriptedSyncTarget primary = new ScriptedSyncTarget("primary", clock);
    final ScriptedSyncTarget replica = new ScriptedSyncTarget("replica", clock);
    final Wal wal;

    WalFixture() {
        wal = Wal.builder(InMemoryWalStorage.create()).target(primary).target(replica).clock(clock)
                .config(WalConfig.builder().defaultLifecycle(PATIENT).build()).build();
    }

    WalFixture start() {
        wal.start();
        return this;
    }

    WriteResult write(String namespace, String key) {
        return wal.write(WalEntry.builder(namespace, "op").key(key).payloadJson("{\"n\":1}"));
    }

    /** Moves the clock and waits until every worker acted on it. */
    void advance(Duration d) {
        clock.advance(d);
        clock.awaitIdle(Await.LIMIT);
    }

    /** Advances the clock a second at a time until every entry written is settled for every target. */
    void advanceUntilSettled() {
        CompletableFuture<Void> all = wal.awaitAllApplied(Duration.ofDays(365));
        long deadline = System.nanoTime() + Await.LIMIT.toNanos();
        while (!all.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("entries not settled within " + Await.LIMIT + ": " + wal.stats());
            }
            clock.advance(Duration.ofSeconds(1));
            try {
                all.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not yet: advance again
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        clock.awaitIdle(Await.LIMIT);
    }

    @Override
    public void close() {
        wal.stop(Duration.ofSeconds(5));
    }
}
