package org.wal4j.internal;

/**
 * Carries a storage exception out of a worker's loop, naming the operation that failed, so the
 * worker can tell it from a failure of its target. Thrown and caught on one worker thread.
 */
final class StorageFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final RuntimeException cause;

    StorageFailure(String operation, RuntimeException cause) {
        super("storage failed during " + operation + ": " + cause, cause);
        this.operation = operation;
        this.cause = cause;
    }

    /** The storage's exception; never null. */
    @Override
    public synchronized RuntimeException getCause() {
        return cause;
    }

    String operation() {
        return operation;
    }
}
