package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wal4j.spi.AppendResult;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.CompactionResult;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.StorageEvents;
import org.wal4j.spi.StorageStats;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;
import org.wal4j.testing.Await;
import org.wal4j.testing.InMemoryWalStorage;
import org.wal4j.testing.ScriptedSyncTarget;
import org.wal4j.testing.SharedInMemoryLog;

/**
 * The engine on a log shared by several instances, through the storage SPI's {@link StorageEvents}:
 * {@link SharedInMemoryLog} plays the shared log, and the test another instance (it appends "its"
 * entries, records "its" statuses) and the group (it gives and takes partitions), so each engine
 * rule is checked without Kafka.
 */
class SharedLogEngineTest {
    private static final int PARTITIONS = 4;

    private final SharedInMemoryLog shared = new SharedInMemoryLog(PARTITIONS);
    private final SharedInMemoryLog.Instance log = shared.instance("here");
    /** Another instance of the service: it only writes and records, as the test says. */
    private final SharedInMemoryLog.Instance elsewhere = shared.instance("elsewhere");
    private final FencingTarget target = new FencingTarget(new ScriptedSyncTarget("primary", Clock.systemUTC()));
    private Wal wal;

    @AfterEach
    void stop() {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(5));
        }
    }

    private Wal start() {
        wal = Wal.builder(log).config(WalConfig.builder().applyPartitions(PARTITIONS).build()).target(target)
                .build().start();
        return wal;
    }

    private static WalEntry.Builder entry(String key) {
        return WalEntry.builder("accounts", "credit").key(key).payloadJson("{}");
    }

    /** A key whose lane is in {@code partition}. */
    private static String keyIn(int partition) {
        for (int i = 0; ; i++) {
            if (ApplyPartitions.of(new LaneId("accounts", "k" + i), PARTITIONS) == partition) {
                return "k" + i;
            }
        }
    }

    @Test
    void nothingIsApplied_untilPartitionsAreGiven_thenEachGivenPartitionAfterItsClaim() throws Exception {
        start();
        List<Long> seqs = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            seqs.add(wal.write(entry(keyIn(p))).seq());
        }
        Thread.sleep(200); // the workers had time to apply, had they owned anything
        assertEquals(0, target.inner.applied().size(), "no partition given: nothing applied");

        log.give(Set.of(1, 3)).get(10, TimeUnit.SECONDS);
        assertEquals(Set.of(1, 3), Set.copyOf(target.claims));
        Await.until(() -> target.inner.applied().size() == 2, "the two given partitions' entries applied");
        assertEquals(Set.of(keyIn(1), keyIn(3)), Set.copyOf(target.inner.applied().stream().map(WalEntry::key).toList()));
        assertEquals(Optional.of(EntryStatus.PENDING), log.status(seqs.get(0), "primary"), "partition 0 not applied");
    }

    @Test
    void entriesAppendedByAnotherInstance_areAppliedByTheOwner_andItsOwnEntriesOfOtherPartitionsWaitForTheirOwner()
            throws Exception {
        start();
        log.give(Set.of(0)).get(10, TimeUnit.SECONDS);
        long theirs = elsewhere.append(entry(keyIn(0)).targets(List.of("primary")).build());
        Await.until(() -> log.status(theirs, "primary").equals(Optional.of(EntryStatus.APPLIED)),
                "the entry another instance wrote to partition 0 was applied here");

        WriteResult mine = wal.write(entry(keyIn(2)));
        CompletableFuture<EntryOutcome> awaited = wal.awaitApplied(mine.seq(), Duration.ofSeconds(20));
        assertEquals(1, wal.stats().targets().get("primary").unfinishedEntries(), "the whole log's lag");
        Thread.sleep(100);
        assertFalse(awaited.isDone(), "partition 2 is another instance's");
        elsewhere.appendStatus(List.of(StatusRecord.of(mine.seq(), "primary", EntryStatus.APPLIED, 1, Instant.now())));
        assertEquals(EntryStatus.APPLIED, awaited.get(10, TimeUnit.SECONDS).statusByTarget().get("primary"),
                "the other instance's status answered the wait");
        assertEquals(0, wal.stats().targets().get("primary").unfinishedBytes(), "this instance's backpressure released");
        assertEquals(1, target.inner.applied().size(), "not applied here");
    }

    /**
     * A client whose call timed out on another instance tries this one with the same idempotency
     * key: it gets the original's seq, and nothing is appended twice.
     */
    @Test
    void aWriteRetriedHere_withTheKeyOfAnotherInstancesEntry_returnsTheOriginal_andAppendsNothing() {
        start();
        long theirs = elsewhere.append(entry(keyIn(0)).idempotencyKey("req-42").targets(List.of("primary")).build());
        long entries = log.lastSeq();
        WriteResult retried = wal.write(entry(keyIn(0)).idempotencyKey("req-42"));
        assertEquals(theirs, retried.seq(), "the original's seq");
        assertTrue(retried.duplicate(), retried.toString());
        assertEquals(entries, log.lastSeq(), "nothing appended");
        WriteResult other = wal.write(entry(keyIn(0)).idempotencyKey("req-43"));
        assertEquals(entries + 1, other.seq(), "another key is a new entry");
    }

    /**
     * Instances' clocks differ (docs/kafka.md's guarantees): an entry's delay and TTL count from its
     * {@code createdAt}, stamped by the writer's clock. A writer an hour behind: its entry delayed an
     * hour is due at once here, and one with a TTL of 30 minutes expires unapplied. A writer an hour
     * ahead: a delay of 300 ms is never stretched past its nominal duration after the entry is loaded.
     */
    @Test
    void anotherInstancesClock_movesTheDelayAndTtlOfItsEntries_aheadOnlyAsFarAsTheirNominalDuration() throws Exception {
        start();
        Instant now = Instant.now();
        Instant behind = now.minus(Duration.ofHours(1));
        long delayed = elsewhere.append(entry(keyIn(0)).createdAt(behind).targets(List.of("primary"))
                .lifecycle(Lifecycle.builder().initialDelay(Duration.ofHours(1)).build()).build());
        long expiring = elsewhere.append(entry(keyIn(1)).createdAt(behind).targets(List.of("primary"))
                .lifecycle(Lifecycle.builder().ttl(Duration.ofMinutes(30)).build()).build());
        long ahead = elsewhere.append(entry(keyIn(2)).createdAt(now.plus(Duration.ofHours(1))).targets(List.of("primary"))
                .lifecycle(Lifecycle.builder().initialDelay(Duration.ofMillis(300)).build()).build());
        log.give(Set.of(0, 1, 2)).get(10, TimeUnit.SECONDS);
        Await.until(() -> log.status(delayed, "primary").equals(Optional.of(EntryStatus.APPLIED))
                && log.status(expiring, "primary").equals(Optional.of(EntryStatus.EXPIRED))
                && log.status(ahead, "primary").equals(Optional.of(EntryStatus.APPLIED)),
                () -> "delayed " + log.status(delayed, "primary") + ", expiring " + log.status(expiring, "primary")
                        + ", ahead " + log.status(ahead, "primary"));
        assertEquals(Set.of(keyIn(0), keyIn(2)), Set.copyOf(target.inner.applied().stream().map(WalEntry::key).toList()),
                "the expired entry was not applied");
    }

    @Test
    void aLaneOfAnotherInstance_isAwaitedFromTheLog_notFromThisInstancesWindow() throws Exception {
        start();
        log.give(Set.of(0)).get(10, TimeUnit.SECONDS);
        String lane = keyIn(1);
        WriteResult mine = wal.write(entry(lane));
        CompletableFuture<List<EntryOutcome>> settled = wal.awaitApplied(new LaneId("accounts", lane),
                Duration.ofSeconds(20));
        Thread.sleep(100);
        assertFalse(settled.isDone(), "the lane has an entry another instance has not applied yet");
        elsewhere.appendStatus(List.of(StatusRecord.of(mine.seq(), "primary", EntryStatus.APPLIED, 1, Instant.now())));
        assertEquals(mine.seq(), settled.get(10, TimeUnit.SECONDS).get(0).seq());
    }

    @Test
    void aFencedBatch_recordsNothing_stopsItsPartition_andLeavesTheOthersAndTheBreakerAlone() throws Exception {
        start();
        log.give(Set.of(0, 1)).get(10, TimeUnit.SECONDS);
        target.fenced.add(0);
        long fenced = wal.write(entry(keyIn(0))).seq();
        Await.until(() -> target.fencedCalls.get() == 1, "the batch of partition 0 was refused");
        long other = wal.write(entry(keyIn(1))).seq();
        assertEquals(EntryStatus.APPLIED, wal.awaitApplied(other, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS)
                .statusByTarget().get("primary"), "partition 1 goes on");
        assertEquals(Optional.of(EntryStatus.PENDING), log.status(fenced, "primary"), "nothing recorded for the batch");
        assertEquals(BreakerState.CLOSED, wal.stats().targets().get("primary").breakerState());
        wal.write(entry(keyIn(0)));
        Thread.sleep(200);
        assertEquals(1, target.fencedCalls.get(), "the fenced partition is stopped: no second call");

        log.take(Set.of(0)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(0), target.releases, "released after it stopped");
    }

    @Test
    void aClaimThatFails_isTriedAgain_andThePartitionStartsOnlyOnceClaimed() throws Exception {
        target.claimFailures.set(1);
        start();
        long seq = wal.write(entry(keyIn(2))).seq();
        log.give(Set.of(2)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(2, 2), target.claims, "the first claim failed and was tried again");
        assertEquals(EntryStatus.APPLIED, wal.awaitApplied(seq, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS)
                .statusByTarget().get("primary"));
    }

    @Test
    void aPartitionTakenAway_isStoppedThenReleased_andItsEntriesAreLeftToTheNextOwner() throws Exception {
        start();
        log.give(Set.of(0, 1, 2, 3)).get(10, TimeUnit.SECONDS);
        long first = wal.write(entry(keyIn(3))).seq();
        wal.awaitApplied(first, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        log.take(Set.of(3)).get(10, TimeUnit.SECONDS);
        long second = wal.write(entry(keyIn(3))).seq();
        Thread.sleep(200);
        assertEquals(Optional.of(EntryStatus.PENDING), log.status(second, "primary"));
        assertEquals(List.of(3), target.releases);
        log.give(Set.of(3)).get(10, TimeUnit.SECONDS);
        assertEquals(EntryStatus.APPLIED, wal.awaitApplied(second, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS)
                .statusByTarget().get("primary"), "given back: applied after the window reloaded");
    }

    @Test
    void aStorageThatRefusesToAttach_failsStart_andLeavesNoWorkerRunningAndTheStorageClosed() throws Exception {
        SharedInMemoryLog.Instance taken = shared.instance("taken");
        taken.attach(new StorageEvents() { // attached elsewhere: the instance refuses a second Wal
            @Override
            public void heldThrough(long seq) {
            }

            @Override
            public void statusesChanged(List<StatusRecord> records) {
            }

            @Override
            public CompletableFuture<Void> partitionsAssigned(Set<Integer> partitions) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> partitionsRevoked(Set<Integer> partitions) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> reload() {
                return CompletableFuture.completedFuture(null);
            }
        });
        wal = Wal.builder(taken).config(WalConfig.builder().applyPartitions(PARTITIONS).build()).target(target)
                .build();

        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        IllegalStateException e = assertThrows(IllegalStateException.class, wal::start);

        assertEquals("instance 'taken' is already attached to a Wal", e.getMessage());
        assertEquals(WalState.STOPPED, wal.state());
        Await.until(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> !before.contains(t)
                && t.getName().startsWith("wal4j-")), "the threads start() began end");
        assertThrows(IllegalStateException.class, () -> taken.give(Set.of(0)), "closed: detached from every Wal");
        assertThrows(IllegalStateException.class, wal::start, "a Wal starts once");
    }

    @Test
    void aWalWhoseApplyPartitionsDifferFromTheSharedLogs_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wal.builder(log)
                .config(WalConfig.builder().applyPartitions(2).build()).target(target).build());
        assertEquals("target 'primary' has 2 apply partitions but the shared log " + log + " is divided into 4: set "
                + "wal.apply.partitions (or WalConfig.Builder.applyPartitions) to 4", e.getMessage());
    }

    @Test
    void appendResult_givenOneByOne_checksItsSeqs() {
        AppendResult r = AppendResult.of(new long[] {7, 3, 9}, true);
        assertEquals(7, r.firstSeq());
        assertEquals(9, r.lastSeq());
        assertEquals(3, r.seq(1));
        assertFalse(r.consecutive());
        assertTrue(new AppendResult(3, 2, true).consecutive());
        assertEquals(r, AppendResult.of(new long[] {7, 3, 9}, true));
        assertEquals("AppendResult[seqs [7, 3, 9], durable true]", r.toString());
        assertEquals("sequence number 3 was given twice",
                assertThrows(IllegalArgumentException.class, () -> AppendResult.of(new long[] {3, 3}, true)).getMessage());
        assertEquals("sequence numbers start at 1 but one was 0",
                assertThrows(IllegalArgumentException.class, () -> AppendResult.of(new long[] {0}, true)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AppendResult.of(new long[0], true));
        assertThrows(IndexOutOfBoundsException.class, () -> r.seq(3));
    }

    /** A target that claims, releases and fences as the SPI says, around a scripted one. */
    private static final class FencingTarget implements SyncTarget {
        final ScriptedSyncTarget inner;
        final List<Integer> claims = new CopyOnWriteArrayList<>();
        final List<Integer> releases = new CopyOnWriteArrayList<>();
        final Set<Integer> fenced = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicInteger fencedCalls = new AtomicInteger();
        final AtomicInteger claimFailures = new AtomicInteger();

        FencingTarget(ScriptedSyncTarget inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public ApplyResult apply(List<WalEntry> batch) {
            int partition = ApplyPartitions.of(LaneId.of(batch.get(0)), PARTITIONS);
            if (fenced.contains(partition)) {
                fencedCalls.incrementAndGet();
                throw new PartitionFencedException(partition, "partition " + partition + " was claimed by another");
            }
            return inner.apply(batch);
        }

        @Override
        public void claimPartition(int partition, int partitions) {
            assertEquals(PARTITIONS, partitions);
            claims.add(partition);
            if (claimFailures.getAndDecrement() > 0) {
                throw new IllegalStateException("the database is down");
            }
        }

        @Override
        public void releasePartition(int partition) {
            releases.add(partition);
        }
    }
}
