package org.wal4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wal4j.jdbc.UrlDataSource;

/**
 * Prints what {@code sync} or {@code replay} did, and turns an incomplete run into the one-line
 * failure the command exits 1 with.
 *
 * <p>Stateless and thread-safe.
 */
final class SqlApplyReport {
    private SqlApplyReport() {
    }

    static int print(PrintWriter out, SqlApply.Outcome o, String url, boolean replay, boolean json, String timeout) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("target", o.target());
            n.put("database", UrlDataSource.withoutSecrets(url));
            if (replay) {
                n.put("madePending", o.madePending());
            }
            n.put("applied", o.applied());
            n.put("deadLettered", o.deadLettered());
            n.put("unfinished", o.unfinished());
            if (o.checkpoint().isPresent()) {
                n.put("checkpoint", o.checkpoint().getAsLong());
            } else {
                n.putNull("checkpoint");
            }
            n.put("lastFailure", o.lastFailure());
            Json.line(out, n);
        } else {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("Target", o.target());
            fields.put("Database", UrlDataSource.withoutSecrets(url));
            if (replay) {
                fields.put("Made pending", o.madePending());
            }
            fields.put("Applied", o.applied());
            fields.put("Dead-lettered", o.deadLettered());
            fields.put("Left unfinished", o.unfinished());
            fields.put("Checkpoint", o.checkpoint().isPresent() ? o.checkpoint().getAsLong() : "-");
            if (o.lastFailure() != null) {
                fields.put("Last failure", o.lastFailure());
            }
            TablePrinter.fields(out, fields);
        }
        out.flush();
        if (o.unfinished() > 0) {
            throw CliFailure.problem(o.unfinished() + " entries still unfinished for target '" + o.target() + "' after "
                    + timeout + (o.lastFailure() == null ? "" : " (last failure: " + o.lastFailure() + ")")
                    + "; they stay in the log");
        }
        if (o.deadLettered() > 0) {
            throw CliFailure.problem(o.deadLettered() + " entries were dead-lettered for target '" + o.target()
                    + "'; see 'wal dlq list --target " + o.target() + "'");
        }
        return ExitCode.OK;
    }
}
