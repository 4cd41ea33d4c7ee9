package org.wal4j;

/**
 * How the wait between two attempts to apply an entry grows with the number of attempts made.
 * With {@code n} the number of failed attempts so far (1 after the first failure) and {@code base}
 * the lifecycle's {@link Lifecycle#backoffBase() backoff base}:
 *
 * <pre>
 *   FIXED        base
 *   LINEAR       base * n
 *   EXPONENTIAL  base * multiplier^(n - 1)
 * </pre>
 *
 * The result is capped at {@link Lifecycle#backoffCap()}; with jitter on, the actual wait is drawn
 * uniformly from {@code [0, capped]} ("full jitter").
 */
public enum Backoff {
    FIXED,
    LINEAR,
    EXPONENTIAL
}
