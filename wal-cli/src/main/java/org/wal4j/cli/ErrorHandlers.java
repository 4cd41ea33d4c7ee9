package org.wal4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.wal4j.WalException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Turns every failure into one line on stderr and an exit code, never a stack trace: usage
 * errors (unknown subcommand or option, bad value, missing directory) exit
 * {@link ExitCode#USAGE}; failures while running ({@link CliFailure}, a locked or corrupt log, a
 * database error) exit with their own code or {@link ExitCode#PROBLEM}. Lines start with the
 * command's name, as {@code wal dlq requeue: ...}.
 *
 * <p>Stateless and thread-safe.
 */
final class ErrorHandlers implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + usageMessage(ex) + " (see '" + name + " --help')");
        err.flush();
        return ExitCode.USAGE;
    }

    private static String usageMessage(CommandLine.ParameterException ex) {
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        if (ex instanceof CommandLine.UnmatchedArgumentException && !spec.subcommands().isEmpty()) {
            List<String> unmatched = ((CommandLine.UnmatchedArgumentException) ex).getUnmatched();
            if (!unmatched.isEmpty() && !unmatched.get(0).startsWith("-")) {
                return "unknown subcommand '" + unmatched.get(0) + "'; subcommands are "
                        + String.join(", ", subcommandNames(spec));
            }
        }
        return ex.getMessage();
    }

    static List<String> subcommandNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values()) {
            String name = sub.getCommandName();
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        int code;
        String message;
        if (ex instanceof CliFailure) {
            code = ((CliFailure) ex).exitCode();
            message = ex.getMessage();
        } else if (ex instanceof WalException) {
            code = ExitCode.PROBLEM;
            message = ex.getMessage();
        } else {
            code = ExitCode.PROBLEM;
            message = "unexpected " + ex.getClass().getName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        }
        err.println(name + ": " + oneLine(message));
        err.flush();
        return code;
    }

    private static String oneLine(String message) {
        return message == null ? "failed" : message.replace("\r", "").replace('\n', ' ').strip();
    }
}
