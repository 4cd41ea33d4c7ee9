package org.wal4j.cli;

import org.wal4j.WalAction;
import picocli.CommandLine.Command;

/**
 * {@code wal dlq requeue}: see {@link DeadLetterAction}. Audited. Needs the log to itself.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "requeue", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make dead letters PENDING again, attempts reset; the application applies them in their lane's order when it next runs.",
            "Audited: one audit event per dead letter (logger org.wal4j.audit) and the user in the status record's "
                + "reason. Needs the log to itself: fails if the application holds it."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {"0:done (the dead letters changed are listed)",
            "1:the log is held by another process, or a --seq given is not a matching dead letter",
            "2:usage error, or no filter and no --all"})
final class DlqRequeueCommand extends DlqChangeCommand {
    DlqRequeueCommand(Environment environment) {
        super(environment, WalAction.REQUEUE);
    }
}
