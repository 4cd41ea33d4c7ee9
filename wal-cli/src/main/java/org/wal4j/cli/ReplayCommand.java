package org.wal4j.cli;

import java.util.concurrent.Callable;
import org.wal4j.ReplayQuery;
import org.wal4j.jdbc.SqlStatementEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wal replay}: makes the SQL-statement entries matching the filters pending again for the
 * target and applies them, exactly once in effect: entries whose idempotency key the database
 * still has are skipped. For a database restored from a backup. Needs the log to itself.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-apply the SQL-statement entries still in the log that match the filters to --target's "
            + "database, e.g. after restoring it from a backup. Entries whose idempotency key the database has "
            + "are skipped, so the effect stays exactly once. Audited as the OS user (--as to override).",
            "Needs the log to itself: fails if the application holds it."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {"0:the matching entries are applied", "1:entries left unfinished or dead-lettered, a non-SQL "
            + "entry in the backlog, the database unreachable, or the log held by another process",
            ExitCode.USAGE_HELP})
final class ReplayCommand implements Callable<Integer> {
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
    @Mixin
    private EntryFilterOptions filters;
    @Mixin
    private StatusFilterOptions statusFilter;
    @Option(names = "--as", paramLabel = "USER", description = "Who re-applies, for the audit; default: the OS user.")
    private String auditUser;

    ReplayCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        OptionChecks.requireTarget(spec, "--target", jdbc.target);
        ReplayQuery.Builder query = filters.query().operation(SqlStatementEntry.OPERATION).target(jdbc.target);
        statusFilter.applyTo(query);
        SqlApply.Outcome outcome = new SqlApply(jdbc, environment).run(payloadKeys.config(dir.existingLog()), query.build(),
                OptionChecks.parseUser(spec, "--as", auditUser != null ? auditUser : environment.osUser()), "replay");
        return SqlApplyReport.print(spec.commandLine().getOut(), outcome, jdbc.url, true, json.enabled(),
                jdbc.timeout.toString());
    }
}
