package org.wal4j.jdbc;

import java.util.Objects;

/**
 * Thrown by an {@link EntryApplier} to reject its entry: a business verdict against it (the
 * account has insufficient funds, the order was cancelled), not a failure of the database or of
 * the entry's form. {@link JdbcSyncTarget} rolls back the entry's work, commits the entries before
 * it in the batch, and reports the entry {@link org.wal4j.spi.ApplyResult#rejected rejected}: it
 * ends {@link org.wal4j.EntryStatus#REJECTED REJECTED}, is not retried and is not a dead letter;
 * its lane moves on. The {@link #getCause() cause} is the exception that carries the verdict
 * (its type and message reach the {@code Wal}'s listeners); {@link DurableRepository} throws one
 * for the exceptions a critical method declares.
 *
 * <p>Nothing of the rejected entry is recorded in the applied-keys table: if the entry is ever
 * delivered again (a crash after the commit and before its status was written, an operator's
 * replay), its applier runs again and gives its verdict again on the data as it then is.
 *
 * <p>Immutable and thread-safe.
 */
public final class EntryRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The verdict to store for the retries of a request id ({@link CallOutcomes}), or null. */
    private final String callOutcome;

    /**
     * @param reason  why, kept in the entry's status record
     * @param verdict the exception that carries the verdict
     */
    public EntryRejectedException(String reason, Throwable verdict) {
        this(reason, verdict, null);
    }

    /** @param callOutcome what the target stores with the rejection for retries of its request id, or null */
    EntryRejectedException(String reason, Throwable verdict, String callOutcome) {
        super(Objects.requireNonNull(reason, "reason must not be null"),
                Objects.requireNonNull(verdict, "verdict must not be null"));
        this.callOutcome = callOutcome;
    }

    /** What the target stores in its rejected-calls table when it commits the rejection, or null for nothing. */
    String callOutcome() {
        return callOutcome;
    }

    /** The exception that carries the verdict. */
    public Throwable verdict() {
        return getCause();
    }
}
