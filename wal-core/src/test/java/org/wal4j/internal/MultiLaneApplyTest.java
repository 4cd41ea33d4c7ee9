package org.wal4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.AccessPolicy;
import org.wal4j.EntryOutcome;
import org.wal4j.LaneId;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
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
import org.wal4j.testing.WalInvariants;

/**
 * Entries of several lanes ({@link WalEntry.Builder#alsoKeys}) under partitioned apply: such an
 * entry is applied after every earlier entry of each of its lanes and before every later one,
 * whatever the partitions of its lanes; no lane is ever in two calls; flushing any of its lanes
 * waits for it; the checkpoint never passes it while it is unfinished.
 */
@Timeout(90)
class MultiLaneApplyTest {
    private static final String T = "t";
    private static final int PARTITIONS = 4;
    private static final Lifecycle PATIENT = Lifecycle.builder().maxAttempts(1_000_000)
            .backoffBase(Duration.ofMillis(1)).backoffCap(Duration.ofMillis(50)).build();

    private final ManualClock clock = ManualClock.atEpochOfTests();
    private InMemoryWalStorage storage = InMemoryWalStorage.create();
    private WalEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.stop(Duration.ZERO);
        }
    }

    private void start(SyncTarget target, Consumer<WalConfig.Builder> config) {
        WalConfig.Builder b = WalConfig.builder().defaultLifecycle(PATIENT).applyPartitions(PARTITIONS);
        config.accept(b);
        engine = WalEngine.create(storage, Map.of(T, target), b.build(), clock, clock, AccessPolicy.allowAll(),
                audit -> { }, List.of(), Instrumentation.NONE);
        engine.start();
    }

    private WalEntry write(String key, String... alsoKeys) {
        return write(Lifecycle.builder().maxAttempts(PATIENT.maxAttempts()).backoffBase(PATIENT.backoffBase())
                .backoffCap(PATIENT.backoffCap()).build(), key, alsoKeys);
    }

    private WalEntry write(Lifecycle lifecycle, String key, String... alsoKeys) {
        WalEntry e = WalEntry.builder("ns", "op").key(key).alsoKeys(alsoKeys).payloadJson("{\"n\":1}")
                .createdAt(clock.instant()).targets(T).lifecycle(lifecycle).build();
        long seq = engine.write(List.of(e), UserContext.system(), true).join().get(0).seq();
        return storage.read(seq).orElseThrow();
    }

    /** The first key, counting up from {@code from}, whose lane is in {@code partition}. */
    private static String keyIn(int partition, int from) {
        for (int i = from; ; i++) {
            if (ApplyPartitions.of(new LaneId("ns", "k" + i), PARTITIONS) == partition) {
                return "k" + i;
            }
        }
    }

    private void settled(WalEntry e) {
        try {
            EntryOutcome outcome = engine.awaitApplied(e.seq(), T, Duration.ofDays(365)).get(30, TimeUnit.SECONDS);
            assertTrue(outcome.applied(), "entry " + e.seq() + ": " + outcome);
        } catch (Exception x) {
            throw new AssertionError("entry " + e.seq() + " not applied: " + x + "; " + engine.worker(T), x);
        }
    }

    /** Seqs of {@code entries} that belong to {@code lane}, in their order. */
    private static List<Long> seqsOf(List<WalEntry> entries, LaneId lane) {
        List<Long> out = new ArrayList<>();
        for (WalEntry e : entries) {
            if (e.lanes().contains(lane)) {
                out.add(e.seq());
            }
        }
        return out;
    }

    /**
     * Records what it applies, in order; checks that each batch is of one partition (that of each
     * entry's first lane) and that no lane (any lane of an entry) is in two calls at once; applies
     * entries of {@code slowKey} slowly, so that its backlog drains behind the other lanes.
     */
    private static final class OrderTarget implements SyncTarget {
        final List<WalEntry> applied = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final Set<LaneId> lanesInCalls = ConcurrentHashMap.newKeySet();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final String slowKey;
        final CountDownLatch gate;

        OrderTarget(String slowKey, CountDownLatch gate) {
            this.slowKey = slowKey;
            this.gate = gate;
        }

        @Override
        public String name() {
            return T;
        }

        @Override
        public ApplyResult apply(List<WalEntry> batch) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Set<Integer> parts = new HashSet<>();
            Set<LaneId> mine = new HashSet<>();
            for (WalEntry e : batch) {
                parts.add(ApplyPartitions.of(LaneId.of(e), PARTITIONS));
                for (LaneId lane : e.lanes()) {
                    if (mine.add(lane) && !lanesInCalls.add(lane)) {
                        violations.add("lane " + lane + " in two calls");
                    }
                }
            }
            if (parts.size() != 1) {
                violations.add("a batch of partitions " + parts);
            }
            try {
                gate.await();
                for (WalEntry e : batch) {
                    if (slowKey.equals(e.key())) {
                        Thread.sleep(1);
                    }
                    applied.add(e);
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(x);
            } finally {
                lanesInCalls.removeAll(mine);
                inFlight.decrementAndGet();
            }
            return ApplyResult.applied(batch.size());
        }
    }

    @Test
    void aTransfer_behindABacklogOfBothLanes_inDifferentPartitions_isAppliedInTheOrderOfEachLane() {
        String a = keyIn(0, 0);
        String b = keyIn(1, 0);
        OrderTarget target = new OrderTarget(a, new CountDownLatch(0));
        start(target, c -> c.maxBatchSize(4));
        List<WalEntry> written = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            written.add(write(a));
        }
        for (int i = 0; i < 5; i++) {
            written.add(write(b));
        }
        WalEntry transfer = write(a, b);
        written.add(transfer);
        for (int i = 0; i < 20; i++) {
            written.add(write(b));
            written.add(write(a));
        }
        written.forEach(this::settled);

        List<WalEntry> applied = List.copyOf(target.applied);
        assertEquals(List.of(), target.violations);
        assertEquals(written.size(), applied.size());
        for (LaneId lane : List.of(new LaneId("ns", a), new LaneId("ns", b))) {
            assertEquals(seqsOf(written, lane), seqsOf(applied, lane), "lane " + lane + " in write order");
        }
        int at = applied.indexOf(transfer);
        for (WalEntry e : written) {
            if (e.seq() < transfer.seq()) {
                assertTrue(applied.indexOf(e) < at, "entry " + e.seq() + " before the transfer " + transfer.seq());
            } else if (e.seq() > transfer.seq() && e.key().equals(b)) {
                assertTrue(applied.indexOf(e) > at, "entry " + e.seq() + " of " + b + " after the transfer");
            }
        }
    }

    @Test
    void flushingTheCreditedLane_waitsForTheTransferBehindTheDebitedLanesBacklog() throws Exception {
        String a = keyIn(0, 0);
        String b = keyIn(2, 0);
        CountDownLatch gate = new CountDownLatch(1);
        OrderTarget target = new OrderTarget(a, gate);
        start(target, c -> c.maxBatchSize(8));
        for (int i = 0; i < 300; i++) {
            write(a);
        }
        WalEntry transfer = write(a, b);
        LaneId credited = new LaneId("ns", b);
        assertEquals(List.of(transfer.seq()), engine.unfinishedEntries(credited).stream().map(WalEntry::seq)
                .toList(), "the transfer is an unfinished entry of the credited lane");
        var flushed = engine.awaitLane(credited, Duration.ofSeconds(30), true);
        Thread.sleep(20);
        assertTrue(!flushed.isDone(), "the flush waits while the transfer is not applied");
        gate.countDown();
        List<EntryOutcome> outcomes = flushed.get(30, TimeUnit.SECONDS);
        assertEquals(1, outcomes.size());
        assertEquals(transfer.seq(), outcomes.get(0).seq());
        assertTrue(outcomes.get(0).applied());
        assertTrue(target.applied.contains(transfer));
        assertEquals(301, target.applied.size(), "the debited lane's backlog came first");
        assertEquals(List.of(), target.violations);
    }

    /**
     * Fails at random (seeded): throws for a whole batch, fails an entry retryably, or applies;
     * skips idempotency keys it has applied; checks no lane is in two calls.
     */
    private static final class ChaosTarget implements SyncTarget {
        private final SplittableRandom random;
        private final Set<String> keys = new HashSet<>();
        private final List<WalEntry> applied = new ArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        private final Set<LaneId> lanesInCalls = ConcurrentHashMap.newKeySet();

        ChaosTarget(long seed) {
            random = new SplittableRandom(seed);
        }

        @Override
        public String name() {
            return T;
        }

        @Override
        public ApplyResult apply(List<WalEntry> batch) {
            Set<LaneId> mine = new HashSet<>();
            for (WalEntry e : batch) {
                for (LaneId lane : e.lanes()) {
                    if (mine.add(lane) && !lanesInCalls.add(lane)) {
                        violations.add("lane " + lane + " in two calls");
                    }
                }
            }
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
                lanesInCalls.removeAll(mine);
            }
        }

        synchronized List<WalEntry> applied() {
            return List.copyOf(applied);
        }
    }

    @Test
    void randomTransfersUnderFailuresAndASmallWindow_eachAppliedOnceInTheOrderOfEveryLane_checkpointNeverAhead() {
        for (long seed : new long[] {1, 2, 3}) {
            runChaos(seed);
        }
    }

    private void runChaos(long seed) {
        if (engine != null) {
            engine.stop(Duration.ZERO); // closes the storage: each seed gets a log of its own
            storage = InMemoryWalStorage.create();
        }
        ChaosTarget target = new ChaosTarget(seed);
        // a window of 16 entries, 4 per lane: hot lanes are truncated and refilled all the time
        start(target, c -> c.maxBatchSize(4).windowEntries(16).checkpointInterval(Duration.ofMillis(10))
                .breakerOpenDuration(Duration.ofMillis(20)).breakerProbeInterval(Duration.ZERO));
        SplittableRandom random = new SplittableRandom(seed * 31);
        Priority[] priorities = Priority.values();
        List<WalEntry> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String key = "k" + random.nextInt(10);
            List<String> others = new ArrayList<>();
            for (int n = random.nextInt(10) < 4 ? 1 + random.nextInt(2) : 0; n > 0; n--) {
                String other = "k" + random.nextInt(10);
                if (!other.equals(key) && !others.contains(other)) {
                    others.add(other);
                }
            }
            Lifecycle lifecycle = Lifecycle.builder().maxAttempts(PATIENT.maxAttempts())
                    .backoffBase(PATIENT.backoffBase()).backoffCap(PATIENT.backoffCap())
                    .priority(priorities[random.nextInt(priorities.length)]).build();
            written.add(write(lifecycle, key, others.toArray(new String[0])));
            if (i % 50 == 49) {
                clock.advance(Duration.ofMillis(10));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (target.applied().size() < written.size() || storage.checkpoint(T) < storage.lastSeq()) {
            assertTrue(System.nanoTime() < deadline, "seed " + seed + ": not drained: " + target.applied().size()
                    + " of " + written.size() + " applied, checkpoint " + storage.checkpoint(T) + "; "
                    + engine.worker(T));
            WalInvariants.assertStorageConsistent(storage, T, false);
            clock.advance(Duration.ofMillis(10));
            clock.awaitIdle(Await.LIMIT);
        }
        WalInvariants.assertStorageConsistent(storage, T, true);
        List<WalEntry> applied = target.applied();
        assertEquals(List.of(), target.violations, "seed " + seed);
        WalInvariants.assertLaneOrder(applied);
        assertEquals(written.size(), applied.size(), "seed " + seed);
        assertEquals(new TreeSet<>(written.stream().map(WalEntry::seq).toList()),
                new TreeSet<>(applied.stream().map(WalEntry::seq).toList()), "seed " + seed);
    }

    @Test
    void aTransferWhoseTimeToLiveEnds_expiresInEveryLane_andBothLanesMoveOn() {
        String a = keyIn(0, 0);
        String b = keyIn(3, 0);
        CountDownLatch gate = new CountDownLatch(1);
        OrderTarget target = new OrderTarget(a, gate);
        start(target, c -> c.maxBatchSize(1));
        WalEntry first = write(a);
        WalEntry transfer = write(Lifecycle.builder().maxAttempts(3).ttl(Duration.ofSeconds(1)).build(), a, b);
        WalEntry afterB = write(b);
        Await.until(() -> engine.worker(T).toString().contains("in flight"), "the first entry in a call");
        clock.advance(Duration.ofSeconds(2));
        gate.countDown();
        settled(first);
        settled(afterB);
        EntryOutcome outcome = engine.awaitApplied(transfer.seq(), T, Duration.ofSeconds(5)).join();
        assertEquals(Map.of(T, org.wal4j.EntryStatus.EXPIRED), outcome.statusByTarget());
        assertEquals(List.of(first.seq(), afterB.seq()), target.applied.stream().map(WalEntry::seq).toList());
        Await.until(() -> {
            clock.advance(Duration.ofSeconds(1));
            return storage.checkpoint(T) == afterB.seq();
        }, "the checkpoint passes the expired transfer");
    }
}
