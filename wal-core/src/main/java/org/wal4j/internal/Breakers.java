package org.wal4j.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.wal4j.BreakerState;
import org.wal4j.BreakerSettings;

/**
 * Creates the resilience4j circuit breaker of a target, running on the engine's monotonic
 * timeline.
 *
 * <p>Only resilience4j's public API is used ({@link CircuitBreaker#of} with
 * {@link CircuitBreakerConfig.Builder#clock(Clock)}, public since resilience4j 2.3.0). The
 * breaker's clock times the open state (the open state ends when {@code clock.instant()} passes
 * the opening time plus the open duration, checked on the next permission request) and, through
 * the timestamp function, call durations; it is {@link Timekeeper#monotonicClock()}, never the
 * wall clock, so a wall-clock step neither stretches nor cuts an open period, and a test that
 * advances its ticker half-opens the breaker without sleeping. The automatic open-to-half-open
 * transition is off because it runs on resilience4j's own real-time scheduler thread: the worker
 * asks for permission itself when the open period is over.
 *
 * <p>Stateless and thread-safe.
 */
final class Breakers {
    private Breakers() {
    }

    static CircuitBreaker create(String target, BreakerSettings settings, Clock clock) {
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindow(settings.slidingWindowSize(), settings.minimumCalls(),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS)
                .recordException(e -> true)
                .writableStackTraceEnabled(false)
                .build();
        return CircuitBreaker.of(target, breakerConfig);
    }

    /** Our view of a resilience4j state: forced or disabled states (never used here) map to the nearest. */
    static BreakerState map(CircuitBreaker.State state) {
        switch (state) {
            case OPEN:
            case FORCED_OPEN:
                return BreakerState.OPEN;
            case HALF_OPEN:
                return BreakerState.HALF_OPEN;
            default:
                return BreakerState.CLOSED;
        }
    }
}
