package org.wal4j;

/**
 * The log cannot accept or confirm writes: it is closed, or an earlier write or force failed and
 * poisoned it. A poisoned log refuses every later write until it is reopened, which re-runs
 * recovery. An append that fails with this exception was not acknowledged; it may or may not be
 * found in the log after a reopen.
 */
public class WalUnavailableException extends WalException {
    private static final long serialVersionUID = 1L;

    public WalUnavailableException(String message) {
        super(message);
    }

    public WalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
