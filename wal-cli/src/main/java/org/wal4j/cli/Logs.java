package org.wal4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.wal4j.WalLockedException;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.storage.file.LockHolder;

/**
 * Opening a log for the commands that change it ({@code compact}, {@code dlq requeue|discard},
 * {@code sync}, {@code replay}): with the directory lock, as the application would, and with a
 * one-line error naming the holder if the application has it.
 *
 * <p>Stateless and thread-safe.
 */
final class Logs {
    private static final Pattern SEGMENT = Pattern.compile("\\d{20}\\.wal");

    private Logs() {
    }

    /** True if {@code dir} holds at least one segment file. */
    static boolean hasSegments(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> SEGMENT.matcher(f.getFileName().toString()).matches());
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + " failed", e);
        }
    }

    /**
     * Opens the log in {@code dir} for writing, with the library's default settings (and
     * {@code CorruptionPolicy.FAIL}: a command never quarantines behind the operator's back).
     *
     * @throws CliFailure if another process holds the log: one line naming the holder
     */
    static FileWalStorage openForWriting(Path dir, String purpose) {
        return openForWriting(FileStorageConfig.ofDefaults(dir), purpose);
    }

    static FileWalStorage openForWriting(FileStorageConfig config, String purpose) {
        try {
            return FileWalStorage.open(config);
        } catch (WalLockedException e) {
            LockHolder holder = LockHolder.read(config.dir());
            String who = holder.state() == LockHolder.State.NEVER_OPENED || holder.holder() == null
                    ? "another process" : holder.holder();
            throw CliFailure.problem("the log in " + config.dir() + " is in use by " + who + "; " + purpose
                    + " needs the log to itself: stop the application first");
        }
    }
}
