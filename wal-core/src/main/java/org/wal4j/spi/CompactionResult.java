package org.wal4j.spi;

/**
 * What one compaction did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param entriesDropped   entries removed from the log
 * @param segmentsRewritten segments rewritten without their dropped records
 * @param segmentsDeleted  segments deleted because nothing in them was still needed
 * @param bytesReclaimed   bytes no longer on disk
 */
public record CompactionResult(long entriesDropped, int segmentsRewritten, int segmentsDeleted, long bytesReclaimed) {
    public static final CompactionResult NOTHING = new CompactionResult(0, 0, 0, 0);
}
