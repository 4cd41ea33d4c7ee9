package org.wal4j.cli;

import org.wal4j.WalAction;
import picocli.CommandLine.Command;

/**
 * {@code wal dlq discard}: see {@link DeadLetterAction}. Audited. Needs the log to itself.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "discard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drop dead letters for good (status DISCARDED); compaction may then remove them.",
            "Audited: one audit event per dead letter (logger org.wal4j.audit) and the user in the status record's "
                + "reason. Needs the log to itself: fails if the application holds it."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {"0:done (the dead letters changed are listed)",
            "1:the log is held by another process, or a --seq given is not a matching dead letter",
            "2:usage error, or no filter and no --all"})
final class DlqDiscardCommand extends DlqChangeCommand {
    DlqDiscardCommand(Environment environment) {
        super(environment, WalAction.DISCARD);
    }
}
