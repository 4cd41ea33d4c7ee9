package org.wal4j;

/**
 * Backpressure: the log holds as many unfinished entries or bytes as it is configured to, and no
 * room was freed within the write timeout. Nothing of the refused write was written.
 */
public final class WalFullException extends WalException {
    private static final long serialVersionUID = 1L;

    private final long unfinishedEntries;
    private final long maxUnfinishedEntries;
    private final long unfinishedBytes;
    private final long maxUnfinishedBytes;

    public WalFullException(String message, long unfinishedEntries, long maxUnfinishedEntries,
                            long unfinishedBytes, long maxUnfinishedBytes) {
        super(message);
        this.unfinishedEntries = unfinishedEntries;
        this.maxUnfinishedEntries = maxUnfinishedEntries;
        this.unfinishedBytes = unfinishedBytes;
        this.maxUnfinishedBytes = maxUnfinishedBytes;
    }

    public long unfinishedEntries() {
        return unfinishedEntries;
    }

    public long maxUnfinishedEntries() {
        return maxUnfinishedEntries;
    }

    public long unfinishedBytes() {
        return unfinishedBytes;
    }

    public long maxUnfinishedBytes() {
        return maxUnfinishedBytes;
    }
}
