package org.wal4j.cli;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.wal4j.ReplayQuery;
import org.wal4j.spi.TrackedEntry;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which dead letters a {@code dlq} subcommand concerns: the entry filters of {@code dump}, the
 * target that gave up, the seqs, and text in the reason. Every filter given must match.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class DeadLetterOptions {
    @Mixin
    private EntryFilterOptions filters;

    @Option(names = "--target", paramLabel = "TARGET", description = "Only dead letters of this target.")
    private String target;

    @Option(names = "--seq", paramLabel = "SEQ", split = ",",
            description = "Only these entries (comma-separated or repeated).")
    private List<Long> seqs;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Only dead letters whose reason contains TEXT.")
    private String reasonContains;

    /** True if any filter was given. */
    boolean any() {
        return filters.any() || target != null || seqs != null || reasonContains != null;
    }

    /** The target given, or null for every target. */
    String target() {
        if (target != null) {
            filters.checkTarget("--target", target);
        }
        return target;
    }

    /** The seqs given, or null for every seq. */
    Set<Long> seqs() {
        return seqs == null ? null : new TreeSet<>(seqs);
    }

    /** A test of one dead letter against every filter. */
    Selection selection() {
        return new Selection(filters.query().build(), target(), seqs(), reasonContains);
    }

    /**
     * The filters, ready to test dead letters.
     *
     * <p>Immutable and thread-safe.
     */
    record Selection(ReplayQuery query, String target, Set<Long> seqs, String reasonContains) {
        boolean matches(TrackedEntry letter) {
            return (target == null || target.equals(letter.target()))
                    && (seqs == null || seqs.contains(letter.entry().seq()))
                    && (reasonContains == null || (letter.reason() != null && letter.reason().contains(reasonContains)))
                    && query.matchesEntry(letter.entry());
        }
    }
}
