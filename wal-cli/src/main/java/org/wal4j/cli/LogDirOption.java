package org.wal4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --dir} option every subcommand has: the log directory.
 *
 * <p>Not thread-safe: filled in by picocli, read by the command.
 */
final class LogDirOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "The log directory (the one the application passes to FileStorageConfig).")
    private Path dir;

    /** The directory as given, whether or not it exists (for {@code load}, which creates it). */
    Path path() {
        return dir;
    }

    /**
     * The directory of an existing log.
     *
     * @throws CommandLine.ParameterException (a usage error) if it does not exist, is not a
     *                                        directory, or holds no segment file
     */
    Path existingLog() {
        if (!Files.exists(dir)) {
            throw usage("--dir " + dir + ": no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw usage("--dir " + dir + ": not a directory");
        }
        if (!Logs.hasSegments(dir)) {
            throw usage("--dir " + dir + ": not a wal4j log (no segment files *.wal in it)");
        }
        return dir;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(mixee.commandLine(), message);
    }
}
