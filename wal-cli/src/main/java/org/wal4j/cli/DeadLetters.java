package org.wal4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.wal4j.spi.TrackedEntry;

/**
 * Walks the dead letters of a log page by page, target by target (so that an entry dead for two
 * targets is seen once per target), and prints them.
 *
 * <p>Stateless and thread-safe.
 */
final class DeadLetters {
    static final int PAGE = 256;

    /** A source of dead-letter pages: up to {@code limit} of {@code target}'s with seq above {@code afterSeq}. */
    @FunctionalInterface
    interface Pages {
        List<TrackedEntry> page(String target, long afterSeq, int limit);
    }

    private DeadLetters() {
    }

    /** Hands every dead letter of {@code targets} that {@code selection} matches to {@code sink}, in seq order per target. */
    static void forEach(Pages pages, List<String> targets, DeadLetterOptions.Selection selection,
                        Consumer<TrackedEntry> sink) {
        for (String target : targets) {
            long after = 0;
            while (true) {
                List<TrackedEntry> page = pages.page(target, after, PAGE);
                for (TrackedEntry letter : page) {
                    if (selection.matches(letter)) {
                        sink.accept(letter);
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).entry().seq();
            }
        }
    }

    /** The targets to walk: the one asked for, or every target the log names, by name. */
    static List<String> targets(String asked, Collection<String> all) {
        return asked != null ? List.of(asked) : new ArrayList<>(new TreeSet<>(all));
    }

    static TablePrinter table() {
        return TablePrinter.of("SEQ", "TARGET", "NAMESPACE", "KEY", "OPERATION", "ATTEMPTS", "DEAD AT", "REASON");
    }

    static void row(TablePrinter table, TrackedEntry d) {
        table.row(d.entry().seq(), d.target(), d.entry().namespace(), d.entry().key(), d.entry().operation(),
                d.attempts(), d.lastChangeAt(), d.reason());
    }

    /** A dead letter as JSON: the entry (with its payload) and the target, attempts, time and reason. */
    static ObjectNode json(TrackedEntry d) {
        ObjectNode n = Json.object();
        n.put("target", d.target());
        n.put("attempts", d.attempts());
        n.put("deadAt", d.lastChangeAt() == null ? null : d.lastChangeAt().toString());
        n.put("reason", d.reason());
        n.set("entry", Json.entry(d.entry(), null));
        return n;
    }
}
