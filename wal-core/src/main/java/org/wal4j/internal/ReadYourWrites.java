package org.wal4j.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryOutcome;
import org.wal4j.LaneId;
import org.wal4j.WalEntry;
import org.wal4j.WalUnavailableException;
import org.wal4j.spi.Names;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;

/**
 * What a reader needs to see its own writes: waiting for an entry or a whole lane to be settled,
 * the lane's entries not applied yet, and flushing a lane ahead of the others.
 *
 * <p>A lane's unfinished entries are asked of each target's worker first: its window knows them
 * exactly when its frontier has passed the last seq and the lane is not truncated, at no I/O.
 * Otherwise (a backlog larger than the window, or the Wal not running) the storage's index of
 * unfinished entries is scanned page by page: cost proportional to the target's unfinished
 * entries, memory only for the lane's.
 *
 * <p>Thread-safe.
 */
final class ReadYourWrites {
    private static final int PAGE = 1024;
    /** Longer waits are cut to this (a deadline must stay representable on the timeline). */
    private static final Duration LONGEST_WAIT = Duration.ofDays(365L * 100);

    private final WalStorage storage;
    private final Map<String, TargetWorker> workers;
    private final CompletionTracker tracker;
    private final Timekeeper time;
    private final BooleanSupplier running;

    ReadYourWrites(WalStorage storage, Map<String, TargetWorker> workers, CompletionTracker tracker, Timekeeper time,
                   BooleanSupplier running) {
        this.storage = storage;
        this.workers = workers;
        this.tracker = tracker;
        this.time = time;
        this.running = running;
    }

    CompletableFuture<EntryOutcome> awaitApplied(long seq, @Nullable String target, Duration timeout) {
        long last = storage.lastSeq();
        if (seq < 1 || seq > last) {
            throw new IllegalArgumentException("seq " + seq + " was never assigned; the last seq is " + last);
        }
        WalEntry entry = storage.read(seq).orElse(null);
        if (entry == null) {
            return CompletableFuture.completedFuture(new EntryOutcome(seq, Map.of())); // compacted: finished
        }
        List<String> targets = entry.targets();
        if (target != null) {
            if (!entry.targets().contains(target)) {
                throw new IllegalArgumentException("entry " + seq + " does not name target '" + target
                        + "'; it names " + entry.targets());
            }
            targets = List.of(target);
        }
        return tracker.await(seq, targets, timeout, true);
    }

    /**
     * Completes when every entry written before this call (seq at or below the last seq now) is
     * settled for every target it names; exceptionally with a {@link TimeoutException} (naming
     * the first entry still open) when {@code timeout} passes first. It waits for the lowest
     * unfinished entry of each target in turn: entries mostly settle in seq order, so one wait
     * usually covers a whole applied batch, and the storage's index answers which is next.
     */
    CompletableFuture<Void> awaitAll(Duration timeout) {
        long upto = storage.lastSeq();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Duration bounded = timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout;
        awaitRest(upto, time.now().plus(bounded), done);
        return done;
    }

    /** Waits for the lowest entry at or below {@code upto} still unfinished for some target, then again. */
    // the callbacks complete done either way; the futures whenComplete returns have nothing more in them
    @SuppressWarnings("FutureReturnValueIgnored")
    private void awaitRest(long upto, Instant deadline, CompletableFuture<Void> done) {
        while (true) {
            TrackedEntry open = lowestUnfinished(upto);
            if (open == null) {
                done.complete(null);
                return;
            }
            Instant now = time.now();
            Duration left = now.isBefore(deadline) ? Duration.between(now, deadline) : Duration.ZERO;
            CompletableFuture<EntryOutcome> settled = tracker.await(open.entry().seq(), open.entry().targets(),
                    left, true);
            if (!settled.isDone()) {
                settled.whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else {
                        awaitRest(upto, deadline, done);
                    }
                });
                return;
            }
            if (settled.isCompletedExceptionally()) {
                settled.whenComplete((outcome, failure) -> done.completeExceptionally(failure));
                return;
            }
        }
    }

    /** The unfinished entry with the lowest seq at or below {@code upto} over all targets, or null. */
    private @Nullable TrackedEntry lowestUnfinished(long upto) {
        @Nullable TrackedEntry lowest = null;
        for (String target : workers.keySet()) {
            List<TrackedEntry> first = storage.unfinished(target, 0, 1);
            if (!first.isEmpty() && first.get(0).entry().seq() <= upto
                    && (lowest == null || first.get(0).entry().seq() < lowest.entry().seq())) {
                lowest = first.get(0);
            }
        }
        return lowest;
    }

    /**
     * Completes when every entry of the lane written so far is settled for {@code target} (every
     * target if null); with {@code boost} the lane is served first by those targets' workers.
     * {@code timeout} bounds the whole wait, including the wait for a worker that is busy applying
     * a batch to answer which entries the lane has (it answers between batches; past the timeout
     * the storage's index is asked instead, and the boost happens when the worker gets to it).
     */
    CompletableFuture<List<EntryOutcome>> awaitLane(LaneId lane, @Nullable String target, Duration timeout,
                                                    boolean boost) {
        if (target != null && !workers.containsKey(target)) {
            throw new IllegalArgumentException("no target '" + target + "'; targets: " + workers.keySet());
        }
        long started = System.nanoTime();
        Map<Long, List<String>> open = new TreeMap<>();
        laneEntries(lane, target, boost, timeout).forEach((t, entries) ->
                entries.forEach(e -> open.computeIfAbsent(e.seq(), s -> new ArrayList<>()).add(t)));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Duration left = timeout.compareTo(elapsed) > 0 ? timeout.minus(elapsed) : Duration.ZERO;
        List<CompletableFuture<EntryOutcome>> futures = new ArrayList<>();
        open.forEach((seq, targets) -> futures.add(tracker.await(seq, targets, left, true)));
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<EntryOutcome> out = new ArrayList<>(futures.size());
            futures.forEach(f -> out.add(f.join()));
            return out;
        });
    }

    /** The lane's entries not yet finished (PENDING or RETRYING) for some target, in seq order. */
    List<WalEntry> unfinishedEntries(LaneId lane) {
        Map<Long, WalEntry> bySeq = new TreeMap<>();
        laneEntries(lane, null, false, null).values().forEach(l -> l.forEach(e -> bySeq.put(e.seq(), e)));
        return List.copyOf(bySeq.values());
    }

    /**
     * Per target ({@code only}, or every target if null), the lane's unfinished entries up to the
     * last seq now; a worker that does not answer within {@code answerWithin} (null: no limit) is
     * replaced by a scan of the storage.
     */
    private Map<String, List<WalEntry>> laneEntries(LaneId lane, @Nullable String only, boolean boost,
                                                    @Nullable Duration answerWithin) {
        long upto = storage.lastSeq();
        Map<String, List<WalEntry>> out = new LinkedHashMap<>();
        for (TargetWorker worker : workers.values()) {
            if (only != null && !only.equals(worker.name())) {
                continue;
            }
            List<WalEntry> known = null;
            if (running.getAsBoolean()) {
                try {
                    known = answer(worker.submit(w -> w.laneQuery(lane, upto, boost)), answerWithin);
                } catch (IllegalStateException unavailable) {
                    known = null; // the worker ended meanwhile, or this is its own thread: ask the storage
                }
            }
            out.put(worker.name(), known != null ? known : scanLane(worker.name(), lane, upto));
        }
        return out;
    }

    /** The worker's answer, or null if it does not come within {@code within} (null: wait for it). */
    private static @Nullable List<WalEntry> answer(CompletableFuture<List<WalEntry>> answer,
                                                  @Nullable Duration within) {
        if (within == null) {
            return WalStorage.await(answer);
        }
        try {
            long nanos = within.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : within.toNanos();
            return answer.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException busy) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalUnavailableException("Interrupted while waiting for the worker's answer", e);
        } catch (ExecutionException e) {
            return WalStorage.await(answer); // completed exceptionally: rethrown as WalStorage.await does
        }
    }

    private List<WalEntry> scanLane(String target, LaneId lane, long upto) {
        List<WalEntry> out = new ArrayList<>();
        try (Stream<TrackedEntry> all = Paging.stream(after -> storage.unfinished(target, after, PAGE),
                t -> t.entry().seq(), PAGE)) {
            all.takeWhile(t -> t.entry().seq() <= upto)
                    .filter(t -> t.entry().lanes().contains(lane))
                    .forEach(t -> out.add(t.entry()));
        }
        return out;
    }
}
