package org.wal4j;

/**
 * A snapshot of one namespace's backlog for one target, read from {@link TargetStats#namespaces()}:
 * the entries of that namespace PENDING or RETRYING for the target, and how long the oldest of them
 * has waited. Kept in memory as entries are written, loaded at start, finished and requeued, so
 * reading it touches neither the storage nor the target.
 *
 * <p>An interface that the {@code Wal} implements, not for users to implement or construct, as
 * {@link TargetStats}.
 *
 * <p>Immutable and thread-safe.
 */
public interface NamespaceStats {
    /** {@return the namespace} */
    String namespace();

    /** {@return entries of this namespace PENDING or RETRYING for the target; 0 when none} */
    long unfinishedEntries();

    /**
     * {@return how long the oldest of {@link #unfinishedEntries()} has waited, in seconds, measured
     * as {@link TargetStats#lagSeconds()} is; 0 when none. Entries are grouped by the second of
     * their {@code createdAt}: once the oldest entry of such a second is finished while others of
     * that second wait, the figure reads up to one second high, never low}
     */
    double lagSeconds();
}
