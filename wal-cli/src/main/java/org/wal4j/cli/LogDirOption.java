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
        return existingLog(mixee, dir);
    }

    /** {@code dir} if it is a log directory, else a usage error of {@code spec}'s command naming {@code --dir}. */
    static Path existingLog(CommandSpec spec, Path dir) {
        String problem = null;
        if (!Files.exists(dir)) {
            problem = "no such directory";
        } else if (!Files.isDirectory(dir)) {
            problem = "not a directory";
        } else if (!Logs.hasSegments(dir)) {
            problem = "not a wal4j log (no segment files *.wal in it)";
        }
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + dir + ": " + problem);
        }
        return dir;
    }
}
