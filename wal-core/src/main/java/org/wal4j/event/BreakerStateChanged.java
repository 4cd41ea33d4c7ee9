package org.wal4j.event;

import java.time.Instant;
import org.wal4j.BreakerState;

/**
 * A target's circuit breaker changed state. While it is OPEN the target's draining pauses.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at     when
 * @param target the target
 * @param from   the old state
 * @param to     the new state
 */
public record BreakerStateChanged(Instant at, String target, BreakerState from, BreakerState to)
        implements WalEvent {
}
