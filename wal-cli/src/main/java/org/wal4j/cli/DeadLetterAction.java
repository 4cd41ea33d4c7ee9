package org.wal4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.wal4j.AuditEvent;
import org.wal4j.EntryStatus;
import org.wal4j.UserContext;
import org.wal4j.WalAction;
import org.wal4j.spi.StatusRecord;
import org.wal4j.spi.TrackedEntry;
import org.wal4j.spi.WalStorage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/**
 * Requeue or discard, as the library's {@code Wal.requeue} and {@code Wal.discard} do them, on a
 * log no application holds: per matching dead letter one status record (PENDING with attempts
 * reset, or DISCARDED) whose reason names the user ({@code requeued by alice}), and one audit
 * event to the {@link org.wal4j.AuditSink}. The application picks requeued entries up when it
 * next opens the log, in their lane's order. On a file log the command needs the log to itself
 * (the directory lock); a Kafka log has no lock, and the command's output says when the change
 * takes effect ({@link LogSource#afterChangeNote()}).
 *
 * <p>Not thread-safe: one instance per run.
 */
final class DeadLetterAction {
    private static final int CHUNK = 1000;

    private final WalAction action;
    private final Environment environment;

    DeadLetterAction(WalAction action, Environment environment) {
        if (action != WalAction.REQUEUE && action != WalAction.DISCARD) {
            throw new IllegalArgumentException("not a dead-letter action: " + action);
        }
        this.action = action;
        this.environment = environment;
    }

    private String verb() {
        return action == WalAction.REQUEUE ? "requeue" : "discard";
    }

    private String past() {
        return action == WalAction.REQUEUE ? "requeued" : "discarded";
    }

    /** Runs the action on the dead letters {@code options} select, as {@code userName}; prints what changed. */
    int run(CommandSpec spec, LogSource log, DeadLetterOptions options, boolean all, String userName, boolean json) {
        if (!options.any() && !all) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no filter given; to " + verb()
                    + " every dead letter, pass --all");
        }
        UserContext user = OptionChecks.parseUser(spec, "--user", userName);
        DeadLetterOptions.Selection selection = options.selection();
        List<TrackedEntry> changed = new ArrayList<>();
        try (WalStorage storage = log.openForWriting("dlq " + verb())) {
            List<TrackedEntry> chosen = new ArrayList<>();
            List<String> targets = DeadLetters.targets(selection.target(),
                    storage.stats().unfinishedByTarget().keySet());
            DeadLetters.forEach(storage::deadLetters, targets, selection, chosen::add);
            checkSeqsFound(selection.seqs(), chosen);
            for (int from = 0; from < chosen.size(); from += CHUNK) {
                List<TrackedEntry> chunk = chosen.subList(from, Math.min(chosen.size(), from + CHUNK));
                apply(storage, chunk, user);
                changed.addAll(chunk);
            }
        }
        print(spec.commandLine().getOut(), changed, user, json, changed.isEmpty() ? null : log.afterChangeNote());
        return ExitCode.OK;
    }

    private void checkSeqsFound(Set<Long> seqs, List<TrackedEntry> chosen) {
        if (seqs == null) {
            return;
        }
        for (long seq : seqs) {
            if (chosen.stream().noneMatch(d -> d.entry().seq() == seq)) {
                throw CliFailure.problem("entry " + seq + " is not a dead letter matching the filters; nothing was "
                        + past());
            }
        }
    }

    private void apply(WalStorage storage, List<TrackedEntry> letters, UserContext user) {
        Instant now = environment.clock().instant();
        String reason = past() + " by " + user.userId();
        List<StatusRecord> records = new ArrayList<>(letters.size());
        for (TrackedEntry d : letters) {
            EntryStatus status = action == WalAction.REQUEUE ? EntryStatus.PENDING : EntryStatus.DISCARDED;
            records.add(new StatusRecord(d.entry().seq(), d.target(), status, 0, now, reason));
        }
        storage.appendStatus(records);
        for (TrackedEntry d : letters) {
            environment.auditSink().record(new AuditEvent(now, action, user.userId(), null, true,
                    d.entry().namespace(), d.entry().operation(), d.entry().seq(), d.target(), 1,
                    "wal dlq " + verb() + ": was DEAD after " + d.attempts() + " attempts: " + d.reason()));
        }
    }

    private void print(PrintWriter out, List<TrackedEntry> changed, UserContext user, boolean json, String note) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("action", verb());
            n.put("user", user.userId());
            n.put("count", changed.size());
            ArrayNode letters = n.putArray("deadLetters");
            for (TrackedEntry d : changed) {
                letters.addObject().put("seq", d.entry().seq()).put("target", d.target());
            }
            if (note != null) {
                n.put("note", note);
            }
            Json.line(out, n);
        } else {
            if (!changed.isEmpty()) {
                TablePrinter table = DeadLetters.table();
                changed.forEach(d -> DeadLetters.row(table, d));
                table.print(out);
            }
            out.println(past() + " " + changed.size() + (changed.size() == 1 ? " dead letter" : " dead letters")
                    + " as " + user.userId());
            if (note != null) {
                out.println("note: " + note);
            }
        }
        out.flush();
    }
}
