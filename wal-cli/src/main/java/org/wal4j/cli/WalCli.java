package org.wal4j.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code wal}: the operator command line of a wal4j file log. {@link #main} runs it and exits
 * with its code; {@link #commandLine} builds it for tests, which run it in-process with their
 * own output, error stream and {@link Environment}.
 *
 * <p>Not thread-safe: one command line per run.
 */
@Command(name = "wal", mixinStandardHelpOptions = true, versionProvider = WalCli.Version.class,
        description = "Operate a wal4j write-ahead log directory.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {StatusCommand.class, VerifyCommand.class, DumpCommand.class, CompactCommand.class,
            DlqCommand.class, SyncCommand.class, ReplayCommand.class, LoadCommand.class},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_HELP, ExitCode.PROBLEM_HELP, ExitCode.USAGE_HELP},
        footer = {"", "Run 'wal COMMAND --help' for a command's options. docs/operations.md has examples."})
public final class WalCli implements Runnable {
    @Spec
    private CommandSpec spec;

    /** Runs {@code wal} with {@code args} and exits with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = commandLine(Environment.system(), out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The {@code wal} command line, printing to {@code out} and {@code err}. */
    static CommandLine commandLine(Environment environment, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new WalCli(), new CommandFactory(environment));
        ErrorHandlers handlers = new ErrorHandlers();
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler(handlers);
        cmd.setExecutionExceptionHandler(handlers);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    /** {@code wal} without a subcommand is a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a subcommand; subcommands are "
                + String.join(", ", ErrorHandlers.subcommandNames(spec)));
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = WalCli.class.getPackage().getImplementationVersion();
            return new String[] {"wal (wal4j) " + (version == null ? "development build" : version)};
        }
    }
}
