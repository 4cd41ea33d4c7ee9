package org.wal4j.examples;

/**
 * The demo was asked for something it cannot do as asked: an unknown option, a bad value, a
 * directory that is not the demo's, a recovery against another database. Its message is one line
 * for the user; the demo exits with status 2.
 *
 * <p>Immutable and thread-safe, as exceptions are once thrown.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
