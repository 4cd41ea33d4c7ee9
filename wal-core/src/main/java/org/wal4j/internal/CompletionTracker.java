package org.wal4j.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.wal4j.EntryOutcome;
import org.wal4j.EntryStatus;
import org.wal4j.spi.WalStorage;

/**
 * Futures that complete when an entry reaches a terminal status for the targets someone waits on
 * ({@code awaitApplied}, the immediate apply of a write).
 *
 * <p>A waiter is registered first and the storage's current statuses are read second, so a
 * status change racing with the registration is seen by one path or the other; settling a target
 * twice is harmless. Futures are completed on the callback executor, never on a worker thread:
 * code chained on them by callers must not stall a target's draining.
 *
 * <p>Thread-safe.
 */
final class CompletionTracker {
    private final WalStorage storage;
    private final ClockScheduler timer;
    private final Timekeeper time;
    private final Executor callbacks;
    private final ConcurrentHashMap<Long, List<Waiter>> waiters = new ConcurrentHashMap<>();
    /** Set by {@link #closeAll()}: later waiters are answered at once, nothing would settle them. */
    private volatile boolean closed;

    CompletionTracker(WalStorage storage, ClockScheduler timer, Timekeeper time, Executor callbacks) {
        this.storage = storage;
        this.timer = timer;
        this.time = time;
        this.callbacks = callbacks;
    }

    /**
     * Completes when entry {@code seq} is terminal for every one of {@code targets}, with their
     * statuses. At {@code timeout} it completes exceptionally with a {@link TimeoutException}
     * naming the statuses when {@code failOnTimeout}, otherwise normally with the statuses as they
     * are.
     */
    CompletableFuture<EntryOutcome> await(long seq, Collection<String> targets, Duration timeout,
                                          boolean failOnTimeout) {
        Waiter waiter = new Waiter(seq, targets, timeout, failOnTimeout);
        waiters.compute(seq, (k, list) -> {
            List<Waiter> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(waiter);
            return l;
        });
        for (String target : targets) {
            Optional<EntryStatus> status = storage.status(seq, target);
            if (status.isPresent() && status.get().isTerminal()) {
                waiter.settle(target, status.get());
            }
        }
        if (closed) {
            waiter.closed();
        } else if (!waiter.isDone()) {
            ClockScheduler.Task task = timer.schedule(time.now().plus(timeout), waiter::timedOut);
            waiter.timeoutTask = task;
            if (waiter.isDone()) {
                task.cancel(); // settled while the task was being scheduled
            }
        }
        return waiter.future;
    }

    /** Called by a worker when {@code seq} became terminal for {@code target}. */
    void onTerminal(long seq, String target, EntryStatus status) {
        List<Waiter> list = waiters.get(seq);
        if (list != null) {
            for (Waiter waiter : list) {
                waiter.settle(target, status);
            }
        }
    }

    /** Completes every waiter with the statuses as they are (the Wal is stopping). */
    void closeAll() {
        closed = true;
        for (List<Waiter> list : waiters.values()) {
            for (Waiter waiter : list) {
                waiter.closed();
            }
        }
    }

    int waiting() {
        return waiters.size();
    }

    private void remove(Waiter waiter) {
        waiters.computeIfPresent(waiter.seq, (k, list) -> {
            list.remove(waiter);
            return list.isEmpty() ? null : list;
        });
    }

    private final class Waiter {
        private final long seq;
        private final Duration timeout;
        private final boolean failOnTimeout;
        private final CompletableFuture<EntryOutcome> future = new CompletableFuture<>();
        @GuardedBy("this")
        private final Set<String> remaining;
        @GuardedBy("this")
        private final Map<String, EntryStatus> settled = new LinkedHashMap<>();
        @GuardedBy("this")
        private boolean done;
        /** The timeout's task; null until it is scheduled, and for a wait settled or closed before that. */
        private volatile ClockScheduler.@Nullable Task timeoutTask;

        Waiter(long seq, Collection<String> targets, Duration timeout, boolean failOnTimeout) {
            this.seq = seq;
            this.timeout = timeout;
            this.failOnTimeout = failOnTimeout;
            this.remaining = new LinkedHashSet<>(targets);
        }

        synchronized boolean isDone() {
            return done;
        }

        void settle(String target, EntryStatus status) {
            EntryOutcome outcome;
            synchronized (this) {
                if (done || !remaining.remove(target)) {
                    return;
                }
                settled.put(target, status);
                if (!remaining.isEmpty()) {
                    return;
                }
                done = true;
                outcome = new EntryOutcome(seq, settled);
            }
            finish();
            callbacks.execute(() -> future.complete(outcome));
        }

        void timedOut() {
            Map<String, EntryStatus> now;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                now = current();
            }
            remove(this);
            if (failOnTimeout) {
                List<String> open = new ArrayList<>();
                now.forEach((t, s) -> {
                    if (!s.isTerminal()) {
                        open.add(t + "=" + s);
                    }
                });
                TimeoutException e = new TimeoutException("entry " + seq + " was not settled within " + timeout
                        + " for target(s) " + open + "; statuses " + now);
                callbacks.execute(() -> future.completeExceptionally(e));
            } else {
                callbacks.execute(() -> future.complete(new EntryOutcome(seq, now)));
            }
        }

        void closed() {
            Map<String, EntryStatus> now;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                now = current();
            }
            finish();
            future.complete(new EntryOutcome(seq, now));
        }

        @GuardedBy("this")
        private Map<String, EntryStatus> current() {
            Map<String, EntryStatus> now = new LinkedHashMap<>(settled);
            for (String target : remaining) {
                now.put(target, storage.status(seq, target).orElse(EntryStatus.PENDING));
            }
            return now;
        }

        private void finish() {
            remove(this);
            ClockScheduler.Task task = timeoutTask;
            if (task != null) {
                task.cancel();
            }
        }
    }
}
