package org.wal4j;

import org.jspecify.annotations.Nullable;

/**
 * The root of the exceptions wal4j throws for conditions of the log itself: unavailable,
 * corrupt, full, an entry too large, access denied. Unchecked, so that they pass through DAO
 * interfaces wrapped by a dynamic proxy without becoming {@code UndeclaredThrowableException}.
 * Misuse (a null argument, an illegal namespace) is reported with
 * {@link IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public class WalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WalException(String message) {
        super(message);
    }

    public WalException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
