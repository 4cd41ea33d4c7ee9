package org.wal4j.cli;

import java.util.List;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayQuery;
import picocli.CommandLine.Option;

/**
 * The {@code --status} filter of {@code dump} and {@code replay}: entries whose status is one of
 * the given ones, for the {@code --target} given, or for at least one target the entry names.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class StatusFilterOptions {
    @Option(names = "--status", paramLabel = "STATUS", split = ",", converter = StatusConverter.class,
            description = "Only entries with one of these statuses (PENDING, RETRYING, APPLIED, REJECTED, DEAD, "
                    + "EXPIRED, DISCARDED; comma-separated or repeated), for --target if given, else for any target.")
    private List<EntryStatus> statuses;

    void applyTo(ReplayQuery.Builder query) {
        if (statuses != null && !statuses.isEmpty()) {
            query.statuses(java.util.EnumSet.copyOf(statuses));
        }
    }
}
