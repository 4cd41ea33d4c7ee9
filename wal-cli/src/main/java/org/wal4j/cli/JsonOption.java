package org.wal4j.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --json} option: machine-readable output instead of tables.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class JsonOption {
    @Option(names = "--json", description = "Print JSON for machines instead of tables for people.")
    private boolean json;

    boolean enabled() {
        return json;
    }
}
