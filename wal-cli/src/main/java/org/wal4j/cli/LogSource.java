package org.wal4j.cli;

import org.wal4j.spi.WalStorage;

/**
 * A log the commands operate on, whichever storage holds it ({@link LogOptions} makes one from
 * {@code --dir}, or from {@code --bootstrap-servers} and {@code --topic}): a read-only snapshot for
 * the commands that only look, the log opened for writing for those that change it.
 *
 * <p>Implementations are immutable and thread-safe.
 */
interface LogSource {
    /** A read-only snapshot of the log. */
    InspectedLog inspect();

    /**
     * The log opened for writing, for {@code purpose} (as {@code "dlq requeue"}, for messages).
     *
     * @throws CliFailure if the log cannot be opened for that now (the application holds it)
     */
    WalStorage openForWriting(String purpose);

    /**
     * A note for the output of a command that changed the log, or null: what the operator must
     * know about when the change takes effect.
     */
    String afterChangeNote();
}
