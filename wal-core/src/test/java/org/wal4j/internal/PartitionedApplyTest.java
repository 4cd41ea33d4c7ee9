package org.wal4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.AccessPolicy;
import org.wal4j.BreakerState;
import org.wal4j.EntryOutcome;
import org.wal4j.LaneId;
import org.wal4j.Lifecycle;
import org.wal4j.UserContext;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.SyncTarget;
import org.wal4j.testing.Await;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ManualClock;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.WalInvariants;

/**
 * Partitioned, parallel apply: P calls in flight per target, each batch of one partition, a lane
 * never in two calls and always in write order; one breaker for all partitions; a poison entry or
 * an abandoned call holds back only its lane or partition; partitions stop and start at runtime.
 */
@Timeout(60)
class PartitionedApplyTest {
    private static final String T = "t";
    private static final Lifecycle PATIENT = Lifecycle.builder().maxAttempts(1_000_000)
            .backoffBase(Duration.ofMillis(1)).backoffCap(Duration.ofMillis(50)).build();

    private final ManualClock clock = ManualClock.atEpochOfTests();
    private final InMemoryWalStorage storage = InMemoryWalStorage.create();
    private WalEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.stop(Duration.ZERO);
        }
    }

    private void start(SyncTarget target, Consumer<WalConfig.Builder> config) {
        WalConfig.Builder b = WalConfig.builder().defaultLifecycle(PATIENT);
        config.accept(b);
        engine = WalEngine.create(storage, Map.of(T, target), b.build(), clock, clock, AccessPolicy.allowAll(),
                audit -> { }, List.of(), Instrumentation.NONE);
        engine.start();
    }

    private long write(String key) {
        WalEntry e = WalEntry.builder("ns", "op").key(key).payloadJson("{\"n\":1}").createdAt(clock.instant())
                .targets(T).lifecycle(PATIENT).build();
        return engine.write(List.of(e), UserContext.system(), true).join().get(0).seq();
    }

    private TargetWorker worker() {
        return engine.worker(T);
    }

    private static int partitionOf(String key, int partitions) {
        return ApplyPartitions.of(new LaneId("ns", key), partitions);
    }

    /** The first key, counting up from {@code from}, whose lane is in {@code partition} of {@code partitions}. */
    private static String keyIn(int partition, int partitions, int from) {
        for (int i = from; ; i++) {
            if (partitionOf("k" + i, partitions) == partition) {
                return "k" + i;
            }
        }
    }

    private void settled(long seq) {
        try {
            EntryOutcome outcome = engine.awaitApplied(seq, T, Duration.ofDays(365)).get(20, TimeUnit.SECONDS);
            assertTrue(outcome.applied(), "entry " + seq + ": " + outcome);
        } catch (Exception e) {
            throw new AssertionError("entry " + seq + " not applied: " + e, e);
        }
    }

    /**
     * Checks the concurrency contract as it is called: each batch of one partition, a lane in one
     * call at a time; blocks every call at a gate until it opens; counts the calls in flight.
     */
    private static final class GateTarget implements SyncTarget {
        final int partitions;
        final boolean concurrent;
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final Set<LaneId> lanesInCalls = ConcurrentHashMap.newKeySet();
        final Set<Integer> partitionsCalled = ConcurrentHashMap.newKeySet();
        final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<WalEntry> applied = new java.util.concurrent.CopyOnWriteArrayList<>();

        GateTarget(int partitions, boolean concurrent) {
            this.partitions = partitions;
            this.concurrent = concurrent;
        }

        @Override
        public String name() {
            return T;
        }

        @Override
        public boolean concurrentApply() {
            return concurrent;
        }

        @Override
        public ApplyResult apply(List<WalEntry> batch) {
            Set<Integer> parts = new HashSet<>();
            Set<LaneId> mine = new HashSet<>();
            for (WalEntry e : batch) {
                parts.add(ApplyPartitions.of(LaneId.of(e), partitions));
                mine.add(LaneId.of(e));
            }
            if (parts.size() != 1) {
                violations.add("a batch of partitions " + parts);
            }
            partitionsCalled.addAll(parts);
            for (LaneId lane : mine) {
                if (!lanesInCalls.add(lane)) {
                    violations.add("lane " + lane + " in two calls");
                }
            }
            // counted last: whoever sees a call in flight also sees its partition and lanes recorded
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                gate.await();
                Thread.sleep(1); // widen the window in which overlapping calls would show
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                lanesInCalls.removeAll(mine);
                inFlight.decrementAndGet();
            }
            applied.addAll(batch);
            return ApplyResult.applied(batch.size());
        }
    }

    @Test
    void fourPartitions_haveFourCallsInFlight_eachBatchOfOnePartition_noLaneInTwoCalls() {
        GateTarget target = new GateTarget(4, true);
        start(target, c -> c.applyPartitions(4).maxBatchSize(5));
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            seqs.add(write("k" + (i % 40))); // k0..k39 reach all four partitions (k0..k19 do not: none in 3)
        }
        try {
            Await.until(() -> target.inFlight.get() == 4, "a call in flight on each of the 4 partitions");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " " + worker() + " " + target.partitionsCalled, e);
        }
        assertEquals(Set.of(0, 1, 2, 3), target.partitionsCalled);
        target.gate.countDown();
        seqs.forEach(this::settled);
        assertEquals(4, target.maxInFlight.get());
        assertEquals(List.of(), target.violations);
        WalInvariants.assertLaneOrder(target.applied);
        assertEquals(80, target.applied.size());
    }

    @Test
    void aTargetWithoutConcurrentApply_getsOneCallAtATime_fromEveryPartitionInTurn() throws Exception {
        GateTarget target = new GateTarget(4, false);
        start(target, c -> c.applyPartitions(4).maxBatchSize(2));
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            seqs.add(write("k" + (i % 40)));
        }
        Await.until(() -> target.inFlight.get() == 1, "the first call");
        Thread.sleep(50); // a second call, if one were started, would arrive now
        assertEquals(1, target.inFlight.get());
        target.gate.countDown();
        seqs.forEach(this::settled);
        assertEquals(1, target.maxInFlight.get());
        assertEquals(Set.of(0, 1, 2, 3), target.partitionsCalled, "the partitions take turns");
        assertEquals(List.of(), target.violations);
        WalInvariants.assertLaneOrder(target.applied);
    }

    /**
     * Fails at random (fixed seed): throws for a whole batch, or fails an entry retryably (rolling
     * the batch back), or applies it; skips idempotency keys it has applied. Thread-safe.
     */
    private static final class ChaosTarget implements SyncTarget {
        private final SplittableRandom random = new SplittableRandom(20260101);
        private final Set<String> keys = new HashSet<>();
        private final List<WalEntry> applied = new ArrayList<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public String name() {
            return T;
        }

        @Override
        public ApplyResult apply(List<WalEntry> batch) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.yield();
                synchronized (this) {
                    int roll = random.nextInt(10);
                    if (roll < 2) {
                        throw new IllegalStateException("connection reset (chaos)");
                    }
                    if (roll < 4) {
                        return ApplyResult.failed(batch.size(), random.nextInt(batch.size()), false,
                                ApplyResult.FailureKind.RETRYABLE, "deadlock (chaos)", null);
                    }
                    for (WalEntry e : batch) {
                        if (keys.add(e.idempotencyKey())) {
                            applied.add(e);
                        }
                    }
                    return ApplyResult.applied(batch.size());
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }

        synchronized List<WalEntry> applied() {
            return List.copyOf(applied);
        }
    }

    @Test
    void randomFailuresUnderConcurrentApply_everyEntryAppliedOnceInLaneOrder_checkpointNeverPassesAnUnfinishedSeq() {
        ChaosTarget target = new ChaosTarget();
        start(target, c -> c.applyPartitions(4).maxBatchSize(8).checkpointInterval(Duration.ofMillis(10))
                .breakerOpenDuration(Duration.ofMillis(20)).breakerProbeInterval(Duration.ZERO));
        SplittableRandom keys = new SplittableRandom(7);
        List<WalEntry> written = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long seq = write("k" + keys.nextInt(30));
            written.add(storage.read(seq).orElseThrow());
            if (i % 50 == 49) {
                clock.advance(Duration.ofMillis(10));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (target.applied().size() < written.size() || storage.checkpoint(T) < storage.lastSeq()) {
            assertTrue(System.nanoTime() < deadline, "not drained: " + target.applied().size() + " of "
                    + written.size() + " applied, checkpoint " + storage.checkpoint(T));
            WalInvariants.assertStorageConsistent(storage, T, false);
            clock.advance(Duration.ofMillis(10));
            clock.awaitIdle(Await.LIMIT);
        }
        WalInvariants.assertStorageConsistent(storage, T, true);
        List<WalEntry> applied = target.applied();
        WalInvariants.assertLaneOrder(applied);
        assertEquals(written.size(), applied.size());
        assertEquals(new TreeSet<>(written.stream().map(WalEntry::seq).toList()),
                new TreeSet<>(applied.stream().map(WalEntry::seq).toList()));
        assertTrue(target.maxInFlight.get() > 1, "calls ran side by side: " + target.maxInFlight.get());
    }

    @Test
    void aPoisonEntry_stallsOnlyItsLane_everyOtherLaneOfEveryPartitionIsApplied() {
        ScriptedSyncTarget target = new ScriptedSyncTarget(T, clock).poison(e -> e.seq() == 3,
                () -> new ClassCastException("poison (scripted)"));
        start(target, c -> c.applyPartitions(4).breakerFailureRateThreshold(100).breakerMinimumCalls(1000)
                .breakerSlidingWindowSize(1000));
        Map<String, List<Long>> byLane = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "k" + (i % 12);
            byLane.computeIfAbsent(key, k -> new ArrayList<>()).add(write(key));
        }
        String poisoned = "k2"; // seq 3
        byLane.forEach((key, seqs) -> {
            if (!key.equals(poisoned)) {
                seqs.forEach(this::settled);
            }
        });
        clock.awaitIdle(Await.LIMIT);
        assertEquals(List.of(), target.appliedSeqs("ns", poisoned), "the lane waits behind its poison head");
        assertEquals(BreakerState.CLOSED, worker().breakerState());
    }

    @Test
    void aDownTarget_opensTheOneBreaker_andEveryPartitionPauses_untilItIsBack() {
        ScriptedSyncTarget target = new ScriptedSyncTarget(T, clock).down();
        start(target, c -> c.applyPartitions(4).breakerMinimumCalls(4).breakerSlidingWindowSize(4)
                .breakerOpenDuration(Duration.ofMinutes(1)).breakerProbeInterval(Duration.ZERO));
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            seqs.add(write("k" + (i % 20)));
        }
        Await.until(() -> worker().breakerState() == BreakerState.OPEN, "the breaker opens");
        clock.awaitIdle(Await.LIMIT);
        int calls = target.calls();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(10)); // backoffs end, the breaker stays open
            clock.awaitIdle(Await.LIMIT);
        }
        assertEquals(calls, target.calls(), "no partition calls the target while its breaker is open");
        target.up();
        for (int i = 0; i < 100 && target.applied().size() < seqs.size(); i++) {
            clock.advance(Duration.ofSeconds(30));
            clock.awaitIdle(Await.LIMIT);
        }
        seqs.forEach(this::settled);
        WalInvariants.assertLaneOrder(target.applied());
    }

    @Test
    void stopPartition_holdsBackItsLanesOnly_afterItsCallInFlightIsRecorded_andStartResumesThem() throws Exception {
        ScriptedSyncTarget target = new ScriptedSyncTarget(T, clock);
        start(target, c -> c.applyPartitions(4));
        String stoppedKey = keyIn(2, 4, 0);
        ScriptedSyncTarget.Hold hold = target.holdNextCall();
        long held = write(stoppedKey);
        assertTrue(hold.awaitArrival(Await.LIMIT));
        CompletableFuture<Void> stopped = worker().stopPartition(2);
        Await.until(() -> !worker().startedPartitions().contains(2), "partition 2 stopped");
        assertEquals(Set.of(0, 1, 3), worker().startedPartitions());
        Thread.sleep(50);
        assertFalse(stopped.isDone(), "its call is still in flight");
        hold.release();
        stopped.get(20, TimeUnit.SECONDS);
        settled(held);

        List<Long> others = new ArrayList<>();
        List<Long> ofStopped = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String key = "k" + i;
            (partitionOf(key, 4) == 2 ? ofStopped : others).add(write(key));
        }
        others.forEach(this::settled);
        clock.awaitIdle(Await.LIMIT);
        for (long seq : ofStopped) {
            assertFalse(storage.status(seq, T).orElseThrow().isTerminal(), "entry " + seq + " of stopped partition");
        }
        assertTrue(storage.checkpoint(T) < ofStopped.get(0), "the checkpoint stays below the stopped lanes");

        worker().startPartition(2).get(20, TimeUnit.SECONDS);
        assertEquals(Set.of(0, 1, 2, 3), worker().startedPartitions());
        ofStopped.forEach(this::settled);
        WalInvariants.assertLaneOrder(target.applied());
        assertThrows(IllegalArgumentException.class, () -> worker().stopPartition(4));
    }

    @Test
    void anAbandonedCallInOnePartition_doesNotHoldBackTheOthers() throws Exception {
        ScriptedSyncTarget target = new ScriptedSyncTarget(T, clock);
        start(target, c -> c.applyPartitions(4).targetCallTimeout(WalConfig.MIN_TARGET_CALL_TIMEOUT)
                .breakerMinimumCalls(100).breakerSlidingWindowSize(100));
        String hungKey = keyIn(1, 4, 0);
        ScriptedSyncTarget.Hold hang = target.hangNextCall();
        long hung = write(hungKey);
        assertTrue(hang.awaitArrival(Await.LIMIT));
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String key = "k" + i;
            if (partitionOf(key, 4) != 1) {
                others.add(write(key));
            }
        }
        others.forEach(this::settled); // while the abandoned call still hangs
        assertFalse(storage.status(hung, T).orElseThrow().isTerminal());
        hang.release();
        for (int i = 0; i < 100 && !storage.status(hung, T).orElseThrow().isTerminal(); i++) {
            clock.advance(Duration.ofSeconds(1));
            Thread.sleep(10);
        }
        settled(hung);
        assertEquals(List.of(hung), target.appliedSeqs("ns", hungKey));
    }
}
