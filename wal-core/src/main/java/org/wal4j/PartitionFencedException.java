package org.wal4j;

/**
 * Thrown by a target's {@code apply} when this instance no longer owns the apply partition of the
 * batch: another instance sharing the log claimed it since ({@code SyncTarget.claimPartition}).
 * The batch changed nothing. The engine records no outcome for it and stops applying the partition
 * here; the instance that claimed it applies the batch's entries.
 */
public class PartitionFencedException extends WalException {
    private static final long serialVersionUID = 1L;

    private final int partition;

    public PartitionFencedException(int partition, String message) {
        super(message);
        this.partition = partition;
    }

    /** The apply partition this instance lost. */
    public int partition() {
        return partition;
    }
}
