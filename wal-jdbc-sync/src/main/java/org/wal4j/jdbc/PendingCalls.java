package org.wal4j.jdbc;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The critical calls of one repository whose callers wait for a result, by entry id: the
 * caller opens a {@link PendingCall} before it writes the entry and closes it when it stops
 * waiting; the applier of the call's result target records into it what the DAO returned or
 * threw, and the repository's listener records why the target retried or dead-lettered it.
 *
 * <p>Which result counts: the engine marks an entry APPLIED only after the transaction that ran
 * it committed, and every later delivery of a committed entry is skipped (its key is in the
 * applied-keys table) without running the DAO. So when the caller sees APPLIED, the last run
 * recorded is the one that committed: a run rolled back (a later entry of its batch failed, the
 * commit failed) is overwritten by the retry that commits, and a retry skipped after a commit
 * whose outcome was unknown leaves the committed run's result in place.
 *
 * <p>Thread-safe. Only calls with a waiting caller are held, so memory is bounded by them.
 */
final class PendingCalls {
    private final ConcurrentHashMap<String, PendingCall> byEntryId = new ConcurrentHashMap<>();

    /** Registers a call whose entry will have id {@code entryId} and whose result comes from {@code target}. */
    PendingCall open(String entryId, String target) {
        PendingCall call = new PendingCall(target);
        byEntryId.put(entryId, call);
        return call;
    }

    void close(String entryId) {
        byEntryId.remove(entryId);
    }

    /** The waiting call of {@code entryId}, or null if nobody waits for it. */
    PendingCall find(String entryId) {
        return byEntryId.get(entryId);
    }

    /** One call's latest run on its result target, and the target's latest failure reason. */
    static final class PendingCall {
        private final String target;
        /** Replaced whole, so a reader never sees half of one run and half of another. */
        private volatile Run latest;
        private volatile String lastReason;

        private PendingCall(String target) {
            this.target = target;
        }

        /** The target whose result the caller waits for. */
        String target() {
            return target;
        }

        /** The DAO returned {@code result} (in a transaction not yet committed). */
        void returned(Object result) {
            latest = new Run(true, result, null);
        }

        /** The DAO threw {@code failure}. */
        void threw(Throwable failure) {
            latest = new Run(false, null, failure);
        }

        /** The target's reason for a retry or a dead letter. */
        void failedOnTarget(String reason) {
            lastReason = reason;
        }

        /** The latest run, or null if the DAO has not run for this call. */
        Run latest() {
            return latest;
        }

        /** What the DAO threw in the latest run, or null. */
        Throwable thrown() {
            Run run = latest;
            return run == null ? null : run.thrown();
        }

        String lastReason() {
            return lastReason;
        }
    }

    /** One run of the DAO method: it returned {@code value}, or threw {@code thrown}. */
    record Run(boolean returned, Object value, Throwable thrown) {
    }
}
