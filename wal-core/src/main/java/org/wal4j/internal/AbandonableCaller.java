package org.wal4j.internal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one kind of call into a target (its applies, or its probes) on a thread of its own, one
 * call at a time, and waits for each at most a deadline of real time ({@link System#nanoTime()},
 * not the engine's clock: a hung call hangs in real time, whatever a test clock says).
 *
 * <p>A call still running at its deadline is <em>abandoned</em>: its thread is interrupted (a
 * target that waits interruptibly returns at once) and left to finish on its own; the caller gets
 * {@link CallAbandoned} and is free. Hazard: the abandoned call may still take effect later (a
 * transaction that commits once a stopped database resumes). So no new call is made until it has
 * returned: each attempt meanwhile fails at once with {@link CallAbandoned}. That keeps the
 * target's promise of one call at a time, bounds the threads to one stuck and one working, and
 * means a late effect always lands before the entries are delivered again (where a target's
 * idempotency keys absorb it). When the abandoned call returns, what it returned or threw is
 * logged and otherwise ignored.
 *
 * <p>{@link #call} waits on the caller's thread; {@link #callAsync} returns at once and completes
 * its future from the calling thread (or, at the deadline, from the shared watchdog thread), so
 * one coordinating thread can keep calls of several callers in flight. Either way this caller
 * makes one call at a time: a second call while one is running waits for it on the calling thread.
 *
 * <p>Thread-safe.
 */
final class AbandonableCaller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonableCaller.class);
    /** An idle calling thread ends after this long; the next call starts another. */
    private static final long IDLE_THREAD_SECONDS = 10;

    /** The call was abandoned at its deadline, or not made because an abandoned one still runs. */
    static final class CallAbandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallAbandoned(String message) {
            super(message, null, false, false);
        }

        /** What was abandoned and why; never null. */
        @Override
        public String getMessage() {
            return Objects.requireNonNull(super.getMessage());
        }
    }

    /** Fires the deadlines of {@link #callAsync}; one daemon thread for the process, idle between calls. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final String threadName;
    private final AtomicInteger threads = new AtomicInteger();
    /** The calling thread's pool; null until the first call, after an abandonment and after close. */
    @GuardedBy("this")
    private @Nullable ThreadPoolExecutor executor;
    @GuardedBy("this")
    private @Nullable CompletableFuture<?> abandoned;
    @GuardedBy("this")
    private @Nullable String abandonedCall;
    @GuardedBy("this")
    private long abandonedAtNanos;
    @GuardedBy("this")
    private boolean closed;

    /** @param threadName the calling threads' name, numbered */
    AbandonableCaller(String threadName) {
        this.threadName = threadName;
    }

    /**
     * Runs {@code work} and returns what it returns, or throws what it throws (a runtime
     * exception or error, unwrapped).
     *
     * @param what         the call, for messages ({@code "apply of target 'primary' for seq 1..9"})
     * @param timeoutNanos the deadline, real time
     * @throws CallAbandoned if it did not return in time, an abandoned call is still running, the
     *                       waiting thread was interrupted (it stays interrupted) or this caller is closed
     */
    synchronized <T> T call(Supplier<T> work, String what, long timeoutNanos) {
        CallAbandoned refused = refusal(what);
        if (refused != null) {
            throw refused;
        }
        long started = System.nanoTime();
        ThreadPoolExecutor runner = executor();
        CompletableFuture<T> future = CompletableFuture.supplyAsync(work, runner);
        try {
            return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw rethrow(e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            abandon(future, runner, what, started);
            throw new CallAbandoned(what + " abandoned: no answer within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (targetCallTimeout)");
        } catch (InterruptedException e) {
            abandon(future, runner, what, started);
            Thread.currentThread().interrupt();
            throw new CallAbandoned(what + " abandoned: the waiting thread was interrupted");
        }
    }

    /**
     * Starts {@code work} and returns at once; the future completes with what it returns, or
     * exceptionally with what it throws (unwrapped), or with {@link CallAbandoned} if it did not
     * return within {@code timeoutNanos} (then it is abandoned as by {@link #call}), if an abandoned
     * call is still running, or if this caller is closed. The caller must not start a second call
     * before the future of the first has completed.
     *
     * @param what         the call, for messages
     * @param timeoutNanos the deadline, real time
     */
    // the callback completes answer either way; the future whenComplete returns has nothing more in it
    @SuppressWarnings("FutureReturnValueIgnored")
    synchronized <T> CompletableFuture<T> callAsync(Supplier<T> work, String what, long timeoutNanos) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        CallAbandoned refused = refusal(what);
        if (refused != null) {
            answer.completeExceptionally(refused);
            return answer;
        }
        long started = System.nanoTime();
        ThreadPoolExecutor runner = executor();
        CompletableFuture<T> future = CompletableFuture.supplyAsync(work, runner);
        Future<?> deadline = WATCHDOG.schedule(() -> {
            synchronized (this) {
                // first wins: a call that returned at this instant keeps its answer
                if (answer.completeExceptionally(new CallAbandoned(what + " abandoned: no answer within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (targetCallTimeout)"))) {
                    abandon(future, runner, what, started);
                }
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        future.whenComplete((result, failure) -> {
            deadline.cancel(false);
            if (failure == null) {
                answer.complete(result);
            } else {
                answer.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
        return answer;
    }

    /** Why no call can be made now, or null if one can. */
    @GuardedBy("this")
    private @Nullable CallAbandoned refusal(String what) {
        if (closed) {
            return new CallAbandoned(what + " not made: the engine is stopping");
        }
        if (abandoned != null) {
            if (!abandoned.isDone()) {
                return new CallAbandoned(what + " not made: the earlier " + abandonedCall + ", abandoned "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - abandonedAtNanos)
                        + " ms ago, has still not returned");
            }
            abandoned = null;
        }
        return null;
    }

    /** Ends the idle calling thread; an abandoned call is left to finish. No call is made after this. */
    @Override
    public synchronized void close() {
        closed = true;
        if (executor != null) {
            executor.shutdown();
            executor = null;
        }
    }

    @GuardedBy("this")
    private ThreadPoolExecutor executor() {
        ThreadPoolExecutor executor = this.executor;
        if (executor == null) {
            executor = new ThreadPoolExecutor(1, 1, IDLE_THREAD_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, threadName + "-" + threads.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            executor.allowCoreThreadTimeOut(true);
            this.executor = executor;
        }
        return executor;
    }

    // the callback only logs; the future whenComplete returns has nothing more in it
    @SuppressWarnings("FutureReturnValueIgnored")
    @GuardedBy("this")
    private void abandon(CompletableFuture<?> future, ThreadPoolExecutor runner, String what, long started) {
        abandoned = future;
        abandonedCall = what;
        abandonedAtNanos = System.nanoTime();
        // its thread is written off: interrupt it, and make the next call on a new one
        runner.shutdownNow();
        if (executor == runner) {
            executor = null;
        }
        LOG.warn("{} abandoned after {} ms; no call of its kind is made until it returns", what,
                TimeUnit.NANOSECONDS.toMillis(abandonedAtNanos - started));
        future.whenComplete((result, failure) -> LOG.warn("{}, abandoned, returned {} ms after it started: {}", what,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                failure != null ? String.valueOf(failure.getCause() != null ? failure.getCause() : failure) : result));
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "wal4j-watchdog");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        return w;
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        // a checked exception thrown sneakily by the target
        throw new IllegalStateException(failure.toString(), failure);
    }
}
