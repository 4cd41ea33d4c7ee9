package org.wal4j.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, in real time, for work other threads do (a worker applying a batch). This is not a way to
 * let time pass: the {@code Wal}'s time is a {@link ManualClock} that tests advance explicitly.
 * The real-time bound only turns a bug into a failure instead of a hang.
 */
public final class Await {
    /** Real time allowed for asynchronous work before a test fails. */
    public static final Duration LIMIT = Duration.ofSeconds(20);

    private Await() {
    }

    public static void until(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + LIMIT + ": " + what.get());
            }
            LockSupport.parkNanos(200_000);
        }
    }

    public static void until(BooleanSupplier condition, String what) {
        until(condition, () -> what);
    }
}
