package org.wal4j.spi;

import java.util.Objects;

/**
 * The answer of {@link SyncTarget#probe()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state  up, down, or unknown
 * @param detail a human-readable explanation, such as the connection error; never null
 */
public record TargetHealth(State state, String detail) {
    public enum State { UP, DOWN, UNKNOWN }

    public TargetHealth {
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(detail, "detail must not be null");
    }

    public static TargetHealth up() {
        return new TargetHealth(State.UP, "up");
    }

    public static TargetHealth down(String detail) {
        return new TargetHealth(State.DOWN, detail);
    }

    public static TargetHealth unknown() {
        return new TargetHealth(State.UNKNOWN, "no probe");
    }
}
