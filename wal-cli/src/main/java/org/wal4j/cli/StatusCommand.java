package org.wal4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wal4j.storage.file.LockHolder;
import org.wal4j.storage.file.LogInspector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wal status}: segments, bytes, entries, unfinished entries, per target the checkpoint and
 * the lag (entries, and seconds: the age of the oldest unfinished entry), dead letters, rejected
 * entries still in the log, and who holds the log. Read-only: works while the application runs.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the log's size, backlog per target (lag in entries and seconds), dead letters, "
            + "rejected entries and who holds it.", "A file log (--dir) or a Kafka log (--bootstrap-servers, --topic).",
            "Read-only: takes no lock, writes nothing, safe while the application runs."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_HELP, "1:the log could not be read (corrupt, or unreadable)", ExitCode.USAGE_HELP})
final class StatusCommand implements Callable<Integer> {
    private final Environment environment;

    @Spec
    private CommandSpec spec;
    @Mixin
    private LogOptions log;
    @Mixin
    private JsonOption json;
    @Option(names = "--segments", description = "Also list the segment files.")
    private boolean listSegments;

    StatusCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        LogSource source = log.source(null);
        if (listSegments && !(source instanceof FileLogSource)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--segments: a Kafka log has no segment "
                    + "files (its status shows the partitions)");
        }
        StatusReport report;
        try (InspectedLog inspected = source.inspect()) {
            report = StatusReport.of(inspected, environment.clock().instant());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            Json.line(out, toJson(report));
        } else {
            print(out, report);
        }
        out.flush();
        return ExitCode.OK;
    }

    private void print(PrintWriter out, StatusReport r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (r.location() instanceof StatusReport.FileLocation) {
            StatusReport.FileLocation f = (StatusReport.FileLocation) r.location();
            fields.put("Log", f.dir());
            fields.put("Writer", f.writer().describe());
            fields.put("Segments", f.segmentFiles().size() + " (" + Sizes.bytes(r.bytes()) + ")");
        } else {
            StatusReport.KafkaLocation k = (StatusReport.KafkaLocation) r.location();
            fields.put("Log", "Kafka topic " + k.topic() + " at " + k.bootstrapServers());
            fields.put("Writer", "not known: a Kafka log has no lock");
            fields.put("Partitions", k.partitions() + " (" + Sizes.bytes(r.bytes()) + " of entries held)");
        }
        fields.put("Entries", r.entries() + (r.lastSeq() > 0 ? " (last seq " + r.lastSeq() + ")" : ""));
        fields.put("Unfinished", r.unfinished());
        fields.put("Dead letters", r.deadLetters());
        if (r.location() instanceof StatusReport.FileLocation f && f.inFlightBytes() > 0) {
            fields.put("In flight", f.inFlightBytes() + " bytes being written");
        }
        if (r.location() instanceof StatusReport.KafkaLocation k && k.awaitingDeletion() > 0) {
            fields.put("Awaiting deletion", k.awaitingDeletion() + " records of entries compacted away");
        }
        TablePrinter.fields(out, fields);
        if (!r.targets().isEmpty()) {
            out.println();
            TablePrinter table = TablePrinter.of("TARGET", "CHECKPOINT", "LAG ENTRIES", "LAG SECONDS", "OLDEST SEQ",
                    "DEAD LETTERS", "REJECTED");
            for (StatusReport.Target t : r.targets()) {
                table.row(t.name(), t.checkpoint(), t.lagEntries(), String.format(Locale.ROOT, "%.1f", t.lagSeconds()),
                        t.oldestSeq() == 0 ? null : t.oldestSeq(), t.deadLetters(), t.rejected());
            }
            table.print(out);
        }
        if (listSegments && r.location() instanceof StatusReport.FileLocation f) {
            out.println();
            TablePrinter table = TablePrinter.of("SEGMENT", "FIRST SEQ", "LAST SEQ", "BYTES", "CREATED");
            for (LogInspector.Segment s : f.segmentFiles()) {
                table.row(s.file().getFileName(), s.firstSeq(), s.lastEntrySeq() < s.firstSeq() ? null : s.lastEntrySeq(),
                        s.bytes(), s.createdAt());
            }
            table.print(out);
        }
        for (String note : r.notes()) {
            out.println("note: " + note);
        }
    }

    static ObjectNode toJson(StatusReport r) {
        ObjectNode n = Json.object();
        if (r.location() instanceof StatusReport.FileLocation) {
            fileJson(n, (StatusReport.FileLocation) r.location(), r);
        } else {
            StatusReport.KafkaLocation k = (StatusReport.KafkaLocation) r.location();
            n.put("bootstrapServers", k.bootstrapServers());
            n.put("topic", k.topic());
            n.put("companionTopic", k.companionTopic());
            n.put("partitions", k.partitions());
            n.put("bytes", r.bytes());
            n.put("entries", r.entries());
            n.put("lastSeq", r.lastSeq());
            n.put("unfinished", r.unfinished());
            n.put("deadLetters", r.deadLetters());
            n.put("awaitingDeletion", k.awaitingDeletion());
        }
        ArrayNode targets = n.putArray("targets");
        for (StatusReport.Target t : r.targets()) {
            ObjectNode tn = targets.addObject();
            tn.put("name", t.name());
            tn.put("checkpoint", t.checkpoint());
            tn.put("lagEntries", t.lagEntries());
            tn.put("lagSeconds", t.lagSeconds());
            tn.put("oldestUnfinishedSeq", t.oldestSeq());
            tn.put("deadLetters", t.deadLetters());
            tn.put("rejected", t.rejected());
        }
        if (r.location() instanceof StatusReport.FileLocation f) {
            ArrayNode files = n.putArray("segmentFiles");
            for (LogInspector.Segment s : f.segmentFiles()) {
                ObjectNode sn = files.addObject();
                sn.put("file", s.file().getFileName().toString());
                sn.put("firstSeq", s.firstSeq());
                sn.put("lastSeq", s.lastEntrySeq());
                sn.put("bytes", s.bytes());
                sn.put("createdAt", s.createdAt().toString());
            }
        }
        r.notes().forEach(n.putArray("notes")::add);
        return n;
    }

    /** The file log's fields, in the order {@code wal status --json} has always printed them. */
    private static void fileJson(ObjectNode n, StatusReport.FileLocation f, StatusReport r) {
        n.put("dir", f.dir().toString());
        LockHolder w = f.writer();
        ObjectNode writer = n.putObject("writer");
        writer.put("state", w.state().name());
        writer.put("held", w.held());
        writer.put("holder", w.holder());
        if (w.pid() >= 0) {
            writer.put("pid", w.pid());
        } else {
            writer.putNull("pid");
        }
        writer.put("host", w.host());
        writer.put("since", w.since() == null ? null : w.since().toString());
        writer.put("description", w.describe());
        n.put("segments", f.segmentFiles().size());
        n.put("bytes", r.bytes());
        n.put("entries", r.entries());
        n.put("lastSeq", r.lastSeq());
        n.put("unfinished", r.unfinished());
        n.put("deadLetters", r.deadLetters());
        n.put("inFlightBytes", f.inFlightBytes());
    }
}
