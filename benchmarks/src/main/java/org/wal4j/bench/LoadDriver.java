package org.wal4j.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application side of the end-to-end benchmark: a number of threads booking trades as fast as
 * they can, for a time or until a number of calls is reached. Each call books a random amount (1
 * to 9) on a random one of the {@value TradingTables#ACCOUNTS} accounts under a trade id unique in
 * the run; the driver adds up the calls and the amounts so that the database can be checked
 * against them ({@link TradingTables#requireExactlyOnce}).
 *
 * <p>The first failing call stops every thread, and {@link #forDuration}/{@link #forCount} throw
 * it. Thread-safe: each method runs its own threads and returns when they are done.
 */
final class LoadDriver {

    /** One call of the application. */
    @FunctionalInterface
    interface Call {
        void book(long accountId, long amount, String tradeId) throws Exception;
    }

    /**
     * What one load did.
     *
     * @param calls      calls that returned normally
     * @param amount     the sum of their amounts
     * @param startNanos {@link System#nanoTime()} when the threads were released
     * @param endNanos   {@link System#nanoTime()} when the last thread's last call returned
     */
    record Load(long calls, long amount, long startNanos, long endNanos) {
        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double callsPerSecond() {
            return calls / seconds();
        }
    }

    private LoadDriver() {
    }

    /** {@code threads} threads calling until {@code duration} has passed. */
    static Load forDuration(String tradePrefix, int threads, Duration duration, Call call) {
        long nanos = duration.toNanos();
        return run(tradePrefix, threads, call, (start, done) -> System.nanoTime() - start >= nanos);
    }

    /** {@code threads} threads sharing {@code calls} calls. */
    static Load forCount(String tradePrefix, int threads, long calls, Call call) {
        AtomicLong claimed = new AtomicLong();
        return run(tradePrefix, threads, call, (start, done) -> claimed.incrementAndGet() > calls);
    }

    /** Whether a thread should stop before its next call. */
    @FunctionalInterface
    private interface Stop {
        boolean now(long startNanos, long callsOfThisThread);
    }

    private static Load run(String tradePrefix, int threads, Call call, Stop stop) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1 but was " + threads);
        }
        LongAdder calls = new LongAdder();
        LongAdder amount = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        List<Thread> workers = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            String prefix = tradePrefix + "-" + t + "-";
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (long n = 0; failure.get() == null && !stop.now(start[0], n); n++) {
                        long value = 1L + random.nextInt(9);
                        call.book(random.nextInt(TradingTables.ACCOUNTS), value, prefix + n);
                        calls.increment();
                        amount.add(value);
                    }
                } catch (Throwable e) { // any failure ends the load and is reported
                    failure.compareAndSet(null, e);
                }
            }, "e2e-" + tradePrefix + "-" + t);
            workers.add(worker);
            worker.start();
        }
        start[0] = System.nanoTime(); // published to the workers by the latch
        go.countDown();
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the load '" + tradePrefix + "'", e);
            }
        }
        long end = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException("A call of the load '" + tradePrefix + "' failed after " + calls.sum()
                    + " calls: " + failure.get(), failure.get());
        }
        return new Load(calls.sum(), amount.sum(), start[0], end);
    }
}
