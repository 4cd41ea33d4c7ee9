package org.wal4j.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.wal4j.Lifecycle;

/**
 * The wait between attempts of an entry, as a resilience4j {@link IntervalFunction} built from
 * the entry's {@link Lifecycle}: the lifecycle's nominal backoff (FIXED, LINEAR or EXPONENTIAL,
 * capped), then, with jitter on, a uniform draw from {@code [0, nominal]} ("full jitter", which
 * spreads the retries of many entries that failed together).
 *
 * <p>Retries here are scheduled, not blocking loops: the worker stores "not before now + interval"
 * on the entry and serves other lanes meanwhile, so only the interval function is taken from
 * resilience4j, not its blocking {@code Retry} executor.
 *
 * <p>Thread-safe if the random generator is; the workers each pass their own.
 */
final class Backoffs {
    private Backoffs() {
    }

    /** Maps the number of failed attempts (from 1) to the wait before the next one, in milliseconds. */
    static IntervalFunction intervalFunction(Lifecycle lifecycle, RandomGenerator random) {
        return failedAttempts -> {
            long nominal = lifecycle.nominalBackoff(failedAttempts).toMillis();
            return lifecycle.jitter() ? random.nextLong(nominal + 1) : nominal;
        };
    }

    /** The wait after {@code failedAttempts} failures (at least 1). */
    static Duration delayAfter(Lifecycle lifecycle, int failedAttempts, RandomGenerator random) {
        return Duration.ofMillis(intervalFunction(lifecycle, random).apply(Math.max(1, failedAttempts)));
    }
}
