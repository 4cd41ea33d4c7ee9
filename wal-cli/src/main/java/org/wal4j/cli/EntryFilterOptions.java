package org.wal4j.cli;

import java.time.Instant;
import org.wal4j.ReplayQuery;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The entry filters {@code dump}, {@code replay} and {@code dlq} share: namespace, creation time
 * range, correlation id and tenant. Every filter left out matches everything; the ones given must
 * all match. They become a {@link ReplayQuery}, whose matching rules they follow.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class EntryFilterOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--namespace", paramLabel = "NAMESPACE", description = "Only entries of this namespace.")
    private String namespace;

    @Option(names = "--from", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Only entries created at or after TIME (ISO-8601: 2026-01-31T12:00:00Z, or a date).")
    private Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Only entries created before TIME (ISO-8601).")
    private Instant to;

    @Option(names = "--correlation-id", paramLabel = "ID", description = "Only entries with this correlation id.")
    private String correlationId;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only entries of this tenant.")
    private String tenant;

    /** True if any filter was given. */
    boolean any() {
        return namespace != null || from != null || to != null || correlationId != null || tenant != null;
    }

    /**
     * A query builder with these filters set.
     *
     * @throws CommandLine.ParameterException (a usage error) for a name the log could not hold or
     *                                        {@code --from} not before {@code --to}
     */
    ReplayQuery.Builder query() {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--from " + from
                    + " must be before --to " + to);
        }
        ReplayQuery.Builder b = ReplayQuery.builder().createdBetween(from, to);
        set("--namespace", () -> b.namespace(namespace));
        set("--correlation-id", () -> b.correlationId(correlationId));
        set("--tenant", () -> b.tenantId(tenant));
        return b;
    }

    private void set(String option, Runnable setter) {
        OptionChecks.check(mixee, option, setter);
    }

    /** Checks a target name given with {@code --target} the way the log checks it. */
    void checkTarget(String option, String target) {
        set(option, () -> ReplayQuery.builder().target(target));
    }

    /** Checks an operation name given with {@code --operation} the way the log checks it. */
    void checkOperation(String option, String operation) {
        set(option, () -> ReplayQuery.builder().operation(operation));
    }
}
