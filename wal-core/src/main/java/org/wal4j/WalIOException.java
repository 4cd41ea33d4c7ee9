package org.wal4j;

import org.jspecify.annotations.Nullable;

/** An I/O operation on the log failed: opening, reading, compacting. The message names the file. */
public class WalIOException extends WalException {
    private static final long serialVersionUID = 1L;

    /** @param cause the I/O failure behind it, or null if there is none (a path that is not a directory) */
    public WalIOException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
