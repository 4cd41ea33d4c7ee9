package org.wal4j.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayQuery;
import org.wal4j.WalEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wal dump}: prints the entries still in the log as JSON lines, one entry per line with its
 * status per target and its payload, filtered. Read-only: works while the application runs.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the log's entries as JSON lines (one entry per line, with its status per target and "
            + "its payload), optionally filtered; every filter given must match.",
            "Encrypted payloads are shown as their ciphertext form unless --payload-key-file gives the keys.",
            "The output is always JSON lines; --json is accepted for uniformity with the other commands.",
            "A file log (--dir) or a Kafka log (--bootstrap-servers, --topic).",
            "Read-only: takes no lock, writes nothing, safe while the application runs."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_HELP, "1:the log could not be read (corrupt, or unreadable)", ExitCode.USAGE_HELP})
final class DumpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private LogOptions log;
    @Mixin
    @SuppressWarnings("unused") // picocli fills it and reads it by reflection: it adds the --json option
    private JsonOption json;
    @Mixin
    private PayloadKeyOption payloadKeys;
    @Mixin
    private EntryFilterOptions filters;
    @Mixin
    private StatusFilterOptions statusFilter;
    @Option(names = "--target", paramLabel = "TARGET",
            description = "Only entries that name this target (and --status applies to it).")
    private String target;
    @Option(names = "--operation", paramLabel = "OPERATION", description = "Only entries with this operation.")
    private String operation;
    @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries.")
    private long limit = Long.MAX_VALUE;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1 but was "
                    + limit);
        }
        ReplayQuery.Builder b = filters.query();
        statusFilter.applyTo(b);
        if (target != null) {
            filters.checkTarget("--target", target);
            b.target(target);
        }
        if (operation != null) {
            filters.checkOperation("--operation", operation);
            b.operation(operation);
        }
        ReplayQuery query = b.build();
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        try (InspectedLog inspected = log.source(payloadKeys).inspect(); Stream<WalEntry> entries =
                inspected.scanCreated(1, query.createdFrom(), query.createdBefore())) {
            for (Iterator<WalEntry> it = entries.iterator(); it.hasNext() && printed < limit; ) {
                WalEntry e = it.next();
                if (!query.matchesEntry(e)) {
                    continue;
                }
                Map<String, EntryStatus> statuses = inspected.statuses(e);
                if (query.matchesStatus(statuses)) {
                    Json.line(out, Json.entry(e, statuses));
                    printed++;
                }
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
