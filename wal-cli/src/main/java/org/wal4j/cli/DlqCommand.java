package org.wal4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code wal dlq}: the dead-letter queue; the work is done by its subcommands.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "(list | requeue | discard)",
        description = "List, requeue or discard dead letters: entries a target gave up on.",
        subcommands = {DlqListCommand.class, DlqRequeueCommand.class, DlqDiscardCommand.class},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_HELP, ExitCode.PROBLEM_HELP, ExitCode.USAGE_HELP})
final class DlqCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    /** {@code wal dlq} without a subcommand is a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a subcommand; subcommands are "
                + String.join(", ", ErrorHandlers.subcommandNames(spec)));
    }
}
