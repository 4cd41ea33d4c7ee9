package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Futures of {@code whenDurable(seq)} callers, completed when the writer reports that a force
 * covered their seq, or failed when the log is poisoned or closed first.
 *
 * <p>Thread-safe. A caller registers and checks the durable seq under the same lock the writer's
 * {@link #advance} takes, so a waiter cannot slip in between the writer's update and its sweep.
 */
final class DurabilityWaiters {
    private record Waiter(long seq, CompletableFuture<Void> future) {
    }

    @GuardedBy("this")
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));
    private volatile long durableSeq;
    private volatile int size;
    /** Why no later seq will become durable; null while the writer is healthy. */
    private volatile @Nullable RuntimeException failure;

    DurabilityWaiters(long durableSeq) {
        this.durableSeq = durableSeq;
    }

    long durableSeq() {
        return durableSeq;
    }

    CompletableFuture<Void> await(long seq) {
        if (seq <= durableSeq) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (this) {
            if (seq <= durableSeq) {
                return CompletableFuture.completedFuture(null);
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            CompletableFuture<Void> future = new CompletableFuture<>();
            waiters.add(new Waiter(seq, future));
            size = waiters.size();
            return future;
        }
    }

    /** Writer: every seq up to {@code seq} is forced. Completes the waiters it covers, outside the lock. */
    void advance(long seq) {
        if (seq <= durableSeq) {
            return;
        }
        List<Waiter> done = null;
        synchronized (this) {
            durableSeq = seq;
            if (size == 0) {
                return;
            }
            while (!waiters.isEmpty() && waiters.peek().seq <= seq) {
                if (done == null) {
                    done = new ArrayList<>();
                }
                done.add(waiters.poll());
            }
            size = waiters.size();
        }
        if (done != null) {
            done.forEach(w -> w.future.complete(null));
        }
    }

    /** Fails every waiter, and every later one. */
    void fail(RuntimeException failure) {
        List<Waiter> failed;
        synchronized (this) {
            this.failure = failure;
            failed = new ArrayList<>(waiters);
            waiters.clear();
            size = 0;
        }
        failed.forEach(w -> w.future.completeExceptionally(failure));
    }
}
