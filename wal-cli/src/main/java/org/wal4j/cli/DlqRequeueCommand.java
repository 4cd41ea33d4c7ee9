package org.wal4j.cli;

import java.util.concurrent.Callable;
import org.wal4j.WalAction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
final class DlqRequeueCommand implements Callable<Integer> {
    private final Environment environment;

    @Spec
    private CommandSpec spec;
    @Mixin
    private LogDirOption dir;
    @Mixin
    private JsonOption json;
    @Mixin
    private DeadLetterOptions letters;
    @Option(names = "--all", description = "Requeue every dead letter when no filter is given.")
    private boolean all;
    @Option(names = "--user", paramLabel = "USER", description = "Who does it, for the audit; default: the OS user.")
    private String user;

    DlqRequeueCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        return new DeadLetterAction(WalAction.REQUEUE, environment).run(spec, dir.existingLog(), letters, all,
                user != null ? user : environment.osUser(), json.enabled());
    }
}
