package org.wal4j.spi;

import org.wal4j.SyncPolicy;

/**
 * What an append assigned: the consecutive sequence numbers {@code firstSeq .. lastSeq()} in the
 * order of the appended entries, and whether they were already forced to stable storage when the
 * append was acknowledged.
 *
 * <p>Immutable and thread-safe.
 *
 * @param firstSeq the first entry's sequence number
 * @param count    how many entries were appended (at least 1)
 * @param durable  true when the entries were forced before the acknowledgement
 *                 ({@link SyncPolicy#ALWAYS}); false when they were only handed to the operating
 *                 system ({@link SyncPolicy#INTERVAL}, {@link SyncPolicy#NONE}): use
 *                 {@link WalStorage#whenDurable(long)} to wait for the force
 */
public record AppendResult(long firstSeq, int count, boolean durable) {
    public AppendResult {
        if (firstSeq < 1 || count < 1) {
            throw new IllegalArgumentException("firstSeq and count must be at least 1 but were " + firstSeq
                    + " and " + count);
        }
    }

    public long lastSeq() {
        return firstSeq + count - 1;
    }

    /** The sequence number of the {@code index}-th appended entry (from 0). */
    public long seq(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (count - 1));
        }
        return firstSeq + index;
    }
}
