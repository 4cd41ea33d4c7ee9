package org.wal4j;

import java.util.Map;
import org.wal4j.spi.SyncTarget;

/**
 * A snapshot of one sync target's counters, read from {@link WalStats#target(String)}. Counts of
 * events are since this {@link Wal} started; backlog figures are current. Latencies are of
 * {@link SyncTarget#apply} calls, in microseconds, measured with {@link System#nanoTime()} (a
 * measurement, never a decision: everything the engine decides follows the injected clock).
 *
 * <p>An interface that the {@code Wal} implements, not for users to implement or construct: a new
 * figure is a new method here and breaks no caller (a record's constructor would break with
 * every component added).
 *
 * <p>Immutable and thread-safe.
 */
public interface TargetStats {
    /** {@return the target's name} */
    String target();

    /** {@return its circuit breaker's state} */
    BreakerState breakerState();

    /** {@return entries PENDING or RETRYING for this target (its lag in entries)} */
    long unfinishedEntries();

    /** {@return the payload bytes of {@link #unfinishedEntries()}} */
    long unfinishedBytes();

    /**
     * {@return age of the oldest entry PENDING or RETRYING for this target, in seconds, 0 when none:
     * the largest {@link NamespaceStats#lagSeconds()} of {@link #namespaces()}}
     */
    double lagSeconds();

    /**
     * {@return per namespace, in name order, its backlog for this target: every namespace that had an
     * entry PENDING or RETRYING for this target since the {@code Wal} started (entries found in the
     * log at start included), those without one now with zeros; their
     * {@link NamespaceStats#unfinishedEntries()} add up to {@link #unfinishedEntries()}. Namespaces
     * are few and chosen by the application (one per kind of write), so this stays small}
     */
    Map<String, NamespaceStats> namespaces();

    /** {@return entries in the dead-letter queue for this target} */
    long deadLetters();

    /** {@return the persisted checkpoint: every entry at or below it is terminal for this target} */
    long checkpoint();

    /** {@return entries applied} */
    long applied();

    /** {@return failed attempts followed by a retry} */
    long retried();

    /** {@return entries dead-lettered} */
    long deadLettered();

    /**
     * {@return entries the target rejected with a business verdict ({@link EntryStatus#REJECTED}):
     * final, not retried, and neither dead letters nor counted in {@link #deadLettered()}}
     */
    long rejected();

    /** {@return entries that expired before being applied} */
    long expired();

    /** {@return entries sent to the target (an entry sent twice counts twice)} */
    long attempts();

    /** {@return {@link SyncTarget#apply} calls} */
    long applyCalls();

    /** {@return median apply call latency} */
    long applyLatencyP50Micros();

    /** {@return 99th percentile apply call latency} */
    long applyLatencyP99Micros();

    /** {@return 99.9th percentile apply call latency} */
    long applyLatencyP999Micros();
}
