package org.wal4j.spi;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SyncTarget} did with a batch, entry by entry. A batch either was applied whole,
 * or failed at one entry (the <em>failed index</em>) with everything after it not attempted, and
 * everything before it either applied or rolled back with it.
 *
 * <p>A <em>rejection</em> ({@link #rejected}, {@link FailureKind#REJECTED}) is a failure of that
 * shape whose entry is final: the target answered with a business verdict against it (an
 * exception its application code declares, such as insufficient funds), applied nothing of it,
 * and will give the same answer again. The engine marks it
 * {@link org.wal4j.EntryStatus#REJECTED REJECTED} at once: no retry, no dead letter, and the
 * circuit breaker counts a success (the target answered). A target that applies in a transaction
 * must leave nothing of the rejected entry behind (roll its work back).
 *
 * <p>Immutable and thread-safe.
 */
public final class ApplyResult {
    /** One entry's outcome. */
    public enum Outcome {
        /** The target applied the entry (or had already applied it: an idempotent skip). */
        APPLIED,
        /** The entry failed for a reason that may pass (connection lost, deadlock, timeout). */
        RETRYABLE,
        /** The entry can never be applied as it is (constraint violation, bad SQL): dead-letter it. */
        PERMANENT,
        /** The target rejected the entry with a business verdict; nothing of it applied; final, not a dead letter. */
        REJECTED,
        /** The entry was not applied: the batch stopped or rolled back before or because of another entry. */
        NOT_APPLIED
    }

    /** Whether a failure may pass, and whose fault it is. */
    public enum FailureKind {
        /** May pass: the entry is tried again. */
        RETRYABLE,
        /** Never passes: the entry is dead-lettered. */
        PERMANENT,
        /** A business verdict against the entry, not a fault: the entry ends REJECTED. */
        REJECTED
    }

    private final int size;
    private final int failedIndex;
    private final int appliedCount;
    private final @Nullable FailureKind kind;
    private final @Nullable String reason;
    private final @Nullable Throwable cause;

    private ApplyResult(int size, int failedIndex, int appliedCount, @Nullable FailureKind kind,
                        @Nullable String reason, @Nullable Throwable cause) {
        this.size = size;
        this.failedIndex = failedIndex;
        this.appliedCount = appliedCount;
        this.kind = kind;
        this.reason = reason;
        this.cause = cause;
    }

    /** Every one of {@code batchSize} entries was applied. */
    public static ApplyResult applied(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        return new ApplyResult(batchSize, -1, batchSize, null, null, null);
    }

    /**
     * The entry at {@code failedIndex} failed; nothing after it was attempted.
     *
     * @param batchSize         the batch's size
     * @param failedIndex       the failing entry's index in the batch
     * @param earlierApplied    true if the entries before {@code failedIndex} stay applied, false if
     *                          they were rolled back together with the failing one
     * @param kind              whether the failure may pass
     * @param reason            a human-readable reason, kept with a dead letter; for example the SQL
     *                          state and message
     * @param cause             the exception behind it, or null
     */
    public static ApplyResult failed(int batchSize, int failedIndex, boolean earlierApplied, FailureKind kind,
                                     String reason, @Nullable Throwable cause) {
        if (failedIndex < 0 || failedIndex >= batchSize) {
            throw new IllegalArgumentException("failedIndex must be between 0 and " + (batchSize - 1) + " but was "
                    + failedIndex);
        }
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        return new ApplyResult(batchSize, failedIndex, earlierApplied ? failedIndex : 0, kind, reason, cause);
    }

    /**
     * The entry at {@code rejectedIndex} was rejected: the target answered with a business
     * verdict, applied nothing of that entry, and did not attempt the ones after it.
     *
     * @param batchSize      the batch's size
     * @param rejectedIndex  the rejected entry's index in the batch
     * @param earlierApplied true if the entries before {@code rejectedIndex} stay applied, false if
     *                       they were rolled back (they are then sent again)
     * @param reason         a human-readable reason, kept in the entry's status record
     * @param cause          the exception that carried the verdict, or null; its type and message
     *                       reach the listeners
     */
    public static ApplyResult rejected(int batchSize, int rejectedIndex, boolean earlierApplied, String reason,
                                       @Nullable Throwable cause) {
        return failed(batchSize, rejectedIndex, earlierApplied, FailureKind.REJECTED, reason, cause);
    }

    /** How many entries the result covers. */
    public int size() {
        return size;
    }

    public Outcome outcome(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size - 1));
        }
        if (index < appliedCount) {
            return Outcome.APPLIED;
        }
        if (index == failedIndex) {
            return switch (Objects.requireNonNull(kind, "a failed result has a kind")) {
                case RETRYABLE -> Outcome.RETRYABLE;
                case PERMANENT -> Outcome.PERMANENT;
                case REJECTED -> Outcome.REJECTED;
            };
        }
        return Outcome.NOT_APPLIED;
    }

    /** True when every entry was applied. */
    public boolean allApplied() {
        return failedIndex < 0;
    }

    /** The number of leading entries applied. */
    public int appliedCount() {
        return appliedCount;
    }

    /** The failing entry's index, or -1 when all were applied. */
    public int failedIndex() {
        return failedIndex;
    }

    public Optional<FailureKind> failureKind() {
        return Optional.ofNullable(kind);
    }

    /** The failure's reason, or null when all were applied. */
    public @Nullable String reason() {
        return reason;
    }

    /** The failure's exception, or null. */
    public @Nullable Throwable cause() {
        return cause;
    }

    @Override
    public String toString() {
        return allApplied() ? "ApplyResult{applied " + size + "}"
                : "ApplyResult{size=" + size + ", applied=" + appliedCount + ", failedIndex=" + failedIndex
                + ", kind=" + kind + ", reason=" + reason + '}';
    }
}
