package org.wal4j.cli;

/**
 * A failure the command line reports as one line on stderr, with its exit code, and never with a
 * stack trace: the message must say what went wrong and, where it helps, what to do.
 *
 * <p>Immutable and thread-safe.
 */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** A problem found ({@link ExitCode#PROBLEM}). */
    static CliFailure problem(String message) {
        return new CliFailure(ExitCode.PROBLEM, message);
    }

    int exitCode() {
        return exitCode;
    }
}
