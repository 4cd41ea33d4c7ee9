package org.wal4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.wal4j.event.WalEvent;
import org.wal4j.event.WalListener;
import org.wal4j.spi.Instrumentation;
import org.wal4j.testing.Await;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;

/**
 * A Wal on an in-memory storage and a manual clock, with scripted targets and recorded events and
 * audit events. Each test gets its own.
 */
final class Harness implements AutoCloseable {
    final ManualClock clock = ManualClock.atEpochOfTests();
    final Map<String, ScriptedSyncTarget> targets = new LinkedHashMap<>();
    final List<WalEvent> events = new CopyOnWriteArrayList<>();
    final List<AuditEvent> audits = new CopyOnWriteArrayList<>();
    final List<Wal> wals = new ArrayList<>();
    /** Listeners added to every Wal this harness starts, after the one that records {@link #events}. */
    final List<WalListener> listeners = new CopyOnWriteArrayList<>();
    InMemoryWalStorage storage = InMemoryWalStorage.create();
    WalConfig.Builder config = WalConfig.builder();
    AccessPolicy policy = AccessPolicy.allowAll();
    Instrumentation instrumentation = Instrumentation.NONE;
    Wal wal;

    Harness(String... targetNames) {
        for (String name : targetNames) {
            targets.put(name, new ScriptedSyncTarget(name, clock));
        }
    }

    ScriptedSyncTarget target(String name) {
        return targets.get(name);
    }

    ScriptedSyncTarget primary() {
        return targets.values().iterator().next();
    }

    Harness configure(Consumer<WalConfig.Builder> change) {
        change.accept(config);
        return this;
    }

    Wal start() {
        Wal.Builder b = Wal.builder(storage).config(config.build()).clock(clock).accessPolicy(policy)
                .auditSink(audits::add).listener(events::add).instrumentation(instrumentation);
        targets.values().forEach(b::target);
        listeners.forEach(b::listener);
        wal = b.build().start();
        wals.add(wal);
        return wal;
    }

    /**
     * Simulates a crash and a restart: the storage is reopened from what it wrote (the old Wal's
     * storage is closed under it, so it fails and stops), and a new Wal starts on it.
     */
    Wal crashAndRestart() {
        Wal old = wal;
        storage = storage.reopen();
        old.stop(Duration.ZERO);
        return start();
    }

    /** A clean stop and a restart on the reopened storage. */
    Wal stopAndRestart() {
        wal.stop(Duration.ofSeconds(5));
        storage = storage.reopen();
        return start();
    }

    WriteResult write(String namespace, String key) {
        return wal.write(WalEntry.builder(namespace, "op").key(key).payloadJson("{\"n\":1}"));
    }

    WriteResult write(WalEntry.Builder entry) {
        return wal.write(entry);
    }

    /**
     * Returns once every worker is idle: it has done everything due at the clock's current time
     * (bisection and retry rounds included) and waits for the clock to move or for a call. Asked
     * of the workers themselves ({@link ManualClock#awaitIdle}), since calls into a target run on
     * a thread of their own and a round of commands through a worker no longer shows that its
     * batch is over.
     */
    void quiesce() {
        clock.awaitIdle(Await.LIMIT);
    }

    /** Waits (real time, bounded) until {@code seq} is settled for every target it names. */
    /** Moves the clock (wall and ticker) by {@code d}, then waits until every worker has acted on it. */
    void advance(Duration d) {
        clock.advance(d);
        quiesce();
    }

    EntryOutcome settled(long seq) {
        try {
            return wal.awaitApplied(seq, Duration.ofDays(365)).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("entry " + seq + " not settled: " + e, e);
        }
    }

    /**
     * Advances the clock by {@code step} until entries 1 to {@code lastSeq} are settled: for
     * scenarios where a breaker may have opened at any clock time of a race with the test thread.
     */
    void advanceUntilSettled(long lastSeq, Duration step) {
        for (long seq = 1; seq <= lastSeq; seq++) {
            java.util.concurrent.CompletableFuture<EntryOutcome> f = wal.awaitApplied(seq, Duration.ofDays(365));
            long deadline = System.nanoTime() + Await.LIMIT.toNanos();
            while (!f.isDone()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("entry " + seq + " not settled; statuses " + entries().size());
                }
                clock.advance(step);
                try {
                    f.get(20, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // not yet: advance again
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    void settledAll(long lastSeq) {
        for (long seq = 1; seq <= lastSeq; seq++) {
            settled(seq);
        }
    }

    <T extends WalEvent> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (WalEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    EntryStatus status(long seq, String target) {
        return storage.status(seq, target).orElseThrow();
    }

    List<WalEntry> entries() {
        return storage.read(1, Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        for (Wal w : wals) {
            w.stop(Duration.ZERO);
        }
    }
}
