package org.wal4j;

/** An I/O operation on the log failed: opening, reading, compacting. The message names the file. */
public class WalIOException extends WalException {
    private static final long serialVersionUID = 1L;

    public WalIOException(String message, Throwable cause) {
        super(message, cause);
    }
}
