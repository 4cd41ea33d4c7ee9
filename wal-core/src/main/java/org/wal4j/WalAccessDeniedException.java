package org.wal4j;

/** The access policy refused a call for the calling user. Thrown before anything is written. */
public final class WalAccessDeniedException extends WalException {
    private static final long serialVersionUID = 1L;

    public WalAccessDeniedException(String message) {
        super(message);
    }
}
