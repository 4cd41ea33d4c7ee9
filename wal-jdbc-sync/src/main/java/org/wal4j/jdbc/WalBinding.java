package org.wal4j.jdbc;

import org.wal4j.Wal;

/**
 * What ties a repository to one {@link Wal}: the critical calls that write to it, the listener
 * that hears its events, and the read-your-writes gate that flushes its lanes. A repository
 * holds one at a time; {@link DurableRepository#rebind} replaces it with one on a new
 * {@code Wal} (the appliers on the targets and the calls' bookkeeping stay).
 *
 * <p>Immutable; thread-safe.
 *
 * @param wal   the Wal the repository writes to
 * @param calls its critical calls on {@code wal}
 * @param reads null when read-your-writes is off
 */
record WalBinding(Wal wal, CriticalCalls calls, ReadYourWritesGate reads) {
    /**
     * Wires a repository into {@code wal}: adds its listener (refused once {@code wal} started).
     *
     * @throws IllegalStateException if {@code wal} is no longer NEW; nothing is wired
     */
    static WalBinding attach(Wal wal, RepositoryOptions options, PendingCalls pending, RepositoryTargets targets) {
        RepositoryListener listener = new RepositoryListener(pending);
        wal.addListener(listener); // atomic with Wal.start(): refused once it started
        ReadYourWritesGate reads = options.readYourWrites()
                .map(timeout -> new ReadYourWritesGate(wal, targets.primary(), timeout)).orElse(null);
        return new WalBinding(wal, new CriticalCalls(wal, options, pending, listener, targets), reads);
    }
}
