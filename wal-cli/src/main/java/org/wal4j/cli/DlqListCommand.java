package org.wal4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code wal dlq list}: the dead letters matching the filters, as a table or JSON lines.
 * Read-only: works while the application runs.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List dead letters (entry, target, attempts, when, why); every filter given must match.",
            "A file log (--dir) or a Kafka log (--bootstrap-servers, --topic).",
            "Read-only: takes no lock, writes nothing, safe while the application runs."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_HELP, "1:the log could not be read (corrupt, or unreadable)", ExitCode.USAGE_HELP})
final class DlqListCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private LogOptions log;
    @Mixin
    private JsonOption json;
    @Mixin
    private DeadLetterOptions letters;
    @Mixin
    private PayloadKeyOption payloadKeys;

    @Override
    public Integer call() {
        DeadLetterOptions.Selection selection = letters.selection();
        PrintWriter out = spec.commandLine().getOut();
        TablePrinter table = DeadLetters.table();
        int[] count = new int[1];
        try (InspectedLog inspected = log.source(payloadKeys).inspect()) {
            DeadLetters.forEach(inspected::deadLetters, DeadLetters.targets(selection.target(), inspected.targets()),
                    selection,
                    d -> {
                        count[0]++;
                        if (json.enabled()) {
                            Json.line(out, DeadLetters.json(d));
                        } else {
                            DeadLetters.row(table, d);
                        }
                    });
        }
        if (!json.enabled()) {
            if (!table.isEmpty()) {
                table.print(out);
            }
            out.println(count[0] + (count[0] == 1 ? " dead letter" : " dead letters"));
        }
        out.flush();
        return ExitCode.OK;
    }
}
