package org.wal4j.cli;

/**
 * The exit codes of every {@code wal} subcommand.
 *
 * <p>Constants only; thread-safe.
 */
final class ExitCode {
    /** The command did what it was asked and found nothing wrong. */
    static final int OK = 0;
    /**
     * A problem was found or the command could not finish: corruption, a log held by another
     * process, entries left unfinished, a database error.
     */
    static final int PROBLEM = 1;
    /** The command line is wrong: an unknown subcommand or option, a bad value, a missing directory. */
    static final int USAGE = 2;

    /** Help lines of the exit codes, for {@code @Command(exitCodeList = ...)}. */
    static final String OK_HELP = "0:done; nothing wrong found";
    static final String PROBLEM_HELP = "1:a problem was found, or the command could not finish (message on stderr)";
    static final String USAGE_HELP = "2:usage error: unknown subcommand or option, bad value, missing directory";
    static final String HEADING = "%nExit codes:%n";

    private ExitCode() {
    }
}
