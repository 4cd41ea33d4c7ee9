package org.wal4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code wal sync}: applies the target's unfinished SQL-statement entries to a database, exactly
 * once in effect ({@link SqlApply}). Needs the log to itself.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "sync", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Apply the entries still pending or retrying for --target to the database, in lane order, "
            + "exactly once in effect (idempotency keys recorded in the same transaction).",
            "Only SQL-statement entries (operation 'sql'); if the backlog holds other operations nothing is applied.",
            "Needs the log to itself: fails if the application holds it."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {"0:the backlog is applied", "1:entries left unfinished or dead-lettered, a non-SQL entry in "
            + "the backlog, the database unreachable, or the log held by another process", ExitCode.USAGE_HELP})
final class SyncCommand implements Callable<Integer> {
    private final Environment environment;

    @Spec
    private CommandSpec spec;
    @Mixin
    private LogDirOption dir;
    @Mixin
    private JsonOption json;
    @Mixin
    private JdbcOptions jdbc;
    @Mixin
    private PayloadKeyOption payloadKeys;

    SyncCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        OptionChecks.requireTarget(spec, "--target", jdbc.target);
        SqlApply.Outcome outcome = new SqlApply(jdbc, environment).run(payloadKeys.config(dir.existingLog()), null,
                OptionChecks.parseUser(spec, "the OS user", environment.osUser()), "sync");
        return SqlApplyReport.print(spec.commandLine().getOut(), outcome, jdbc.url, false, json.enabled(),
                jdbc.timeout.toString());
    }
}
