package org.wal4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.wal4j.storage.file.LogVerifier;
import org.wal4j.storage.file.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code wal verify}: checks every line's checksum and format and the seq sequence of the whole
 * log, and reports each problem with its file and offset. Read-only: works while the application
 * runs.
 *
 * <p>Not thread-safe: one instance per run.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check every line's checksum and format, the segment headers against their names, and that "
            + "entry seqs increase without gaps; report every problem with its file and offset.",
            "Read-only: takes no lock, safe while the application runs."},
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {"0:no problem found", "1:problems found (each printed with file and offset)",
            ExitCode.USAGE_HELP})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private LogDirOption dir;
    @Mixin
    private JsonOption json;

    @Override
    public Integer call() {
        VerifyReport report = LogVerifier.verify(dir.existingLog());
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            Json.line(out, toJson(report));
        } else {
            print(out, report);
        }
        out.flush();
        return report.ok() ? ExitCode.OK : ExitCode.PROBLEM;
    }

    private static void print(PrintWriter out, VerifyReport r) {
        if (!r.problems().isEmpty()) {
            TablePrinter table = TablePrinter.of("FILE", "OFFSET", "PROBLEM");
            for (VerifyReport.Problem p : r.problems()) {
                table.row(p.file().getFileName(), p.offset(), p.description());
            }
            table.print(out);
            out.println();
        }
        for (String note : r.notes()) {
            out.println("note: " + note);
        }
        String seqs = r.entries() == 0 ? "" : " (seq " + r.firstSeq() + ".." + r.lastSeq() + ")";
        out.println((r.ok() ? "OK" : "FAILED") + ": " + r.segments() + " segments, " + r.lines() + " lines, "
                + r.entries() + " entries" + seqs + " checked; " + r.problems().size()
                + (r.problems().size() == 1 ? " problem" : " problems"));
    }

    static ObjectNode toJson(VerifyReport r) {
        ObjectNode n = Json.object();
        n.put("dir", r.dir().toString());
        n.put("ok", r.ok());
        n.put("segments", r.segments());
        n.put("lines", r.lines());
        n.put("entries", r.entries());
        n.put("firstSeq", r.firstSeq());
        n.put("lastSeq", r.lastSeq());
        n.put("inFlightBytes", r.inFlightBytes());
        ArrayNode problems = n.putArray("problems");
        for (VerifyReport.Problem p : r.problems()) {
            ObjectNode pn = problems.addObject();
            pn.put("file", p.file().getFileName().toString());
            pn.put("offset", p.offset());
            pn.put("problem", p.description());
        }
        r.notes().forEach(n.putArray("notes")::add);
        return n;
    }
}
