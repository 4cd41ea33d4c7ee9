package org.wal4j.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks at points in the injected clock's time, on one daemon thread: timeouts of
 * {@code awaitApplied} and of the immediate-apply wait, and the periodic maintenance
 * (compaction, pruning of idempotency keys). Because it reads time only through the
 * {@link Timekeeper}, a test that advances its clock fires the tasks that became due.
 *
 * <p>Tasks must be short: they run one after the other on the timer thread. A task that throws
 * is logged and does not stop the timer.
 *
 * <p>Thread-safe.
 */
final class ClockScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(ClockScheduler.class);

    /** A scheduled task; {@link #cancel()} removes it if it has not run. */
    final class Task implements Comparable<Task> {
        private final Instant at;
        private final long order;
        private final Runnable action;

        private Task(Instant at, long order, Runnable action) {
            this.at = at;
            this.order = order;
            this.action = action;
        }

        void cancel() {
            lock.lock();
            try {
                tasks.remove(this);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int compareTo(Task o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private final Timekeeper time;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong orders = new AtomicLong();
    @GuardedBy("lock")
    private final TreeSet<Task> tasks = new TreeSet<>();
    @GuardedBy("lock")
    private boolean running;
    private final Thread thread;
    private final Runnable waker = this::wake;

    ClockScheduler(Timekeeper time, String threadName) {
        this.time = time;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        lock.lock();
        try {
            running = true;
        } finally {
            lock.unlock();
        }
        time.onClockMoved(waker);
        thread.start();
    }

    /** Stops the thread; tasks not yet run are dropped. Waits up to {@code realTimeout} for the thread. */
    void stop(Duration realTimeout) {
        lock.lock();
        try {
            running = false;
            tasks.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        time.removeWaker(waker);
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(Math.max(1, realTimeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs {@code action} once the clock reaches {@code at}. */
    Task schedule(Instant at, Runnable action) {
        Task task = new Task(at, orders.incrementAndGet(), action);
        lock.lock();
        try {
            tasks.add(task);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return task;
    }

    /** Runs {@code action} every {@code period} of clock time, first after one period. */
    void scheduleEvery(Duration period, Runnable action) {
        schedule(time.now().plus(period), new Runnable() {
            @Override
            public void run() {
                try {
                    action.run();
                } finally {
                    schedule(time.now().plus(period), this);
                }
            }
        });
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Task due;
            lock.lock();
            try {
                while (true) {
                    if (!running) {
                        return;
                    }
                    Task first = tasks.isEmpty() ? null : tasks.first();
                    if (first != null && !first.at.isAfter(time.now())) {
                        tasks.pollFirst();
                        due = first;
                        break;
                    }
                    time.awaitUntil(changed, first == null ? null : first.at);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                due.action.run();
            } catch (RuntimeException | Error e) {
                LOG.warn("A wal4j timer task failed; the timer goes on", e);
            }
        }
    }
}
