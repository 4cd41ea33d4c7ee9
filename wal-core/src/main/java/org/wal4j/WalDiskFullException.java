package org.wal4j;

/**
 * A write failed because the disk holding the log is full (ENOSPC). The log is poisoned like after
 * any other write failure: free space, then reopen it.
 */
public final class WalDiskFullException extends WalUnavailableException {
    private static final long serialVersionUID = 1L;

    public WalDiskFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
