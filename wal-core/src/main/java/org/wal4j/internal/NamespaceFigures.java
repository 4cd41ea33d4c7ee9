package org.wal4j.internal;

import org.wal4j.NamespaceStats;

/**
 * The engine's {@link NamespaceStats}: one snapshot. Internal, so a new figure changes this
 * constructor and no user's code. Immutable and thread-safe.
 */
record NamespaceFigures(String namespace, long unfinishedEntries, double lagSeconds) implements NamespaceStats {
}
