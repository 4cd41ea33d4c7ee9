package org.wal4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's working directory ({@code --dir}), kept between runs so that a run after
 * {@code --crash} finds what the crashed one left:
 * <pre>
 * DIR/.wal4j-demo                 marks the directory as the demo's (it only ever deletes inside such a one)
 * DIR/wal/                        the wal4j log: segment files of JSON lines (bin/wal status --dir DIR/wal)
 * DIR/h2/trading.mv.db            the embedded H2 database (not with --jdbc-url)
 * DIR/crashed-run.properties      only between a --crash run and the next run ({@link CrashRecord})
 * </pre>
 *
 * <p>Thread-safe: it holds no state but the path.
 */
final class DemoDirectory {
    private static final String MARKER = ".wal4j-demo";

    private final Path root;

    DemoDirectory(Path root) {
        this.root = root.toAbsolutePath();
    }

    Path root() {
        return root;
    }

    /** The log's directory. */
    Path log() {
        return root.resolve("wal");
    }

    /** The embedded database's file, without H2's {@code .mv.db} suffix. */
    Path h2Database() {
        return root.resolve("h2").resolve("trading");
    }

    /**
     * Makes the directory ready for a fresh run: creates it if needed, and removes the log and the
     * embedded database of an earlier run.
     *
     * @throws UsageException if the directory holds files and is not the demo's
     */
    void prepareFresh() throws IOException {
        Files.createDirectories(root);
        Path marker = root.resolve(MARKER);
        if (!Files.exists(marker)) {
            try (Stream<Path> files = Files.list(root)) {
                if (files.findAny().isPresent()) {
                    throw new UsageException("--dir " + root + " holds files that are not the demo's; "
                            + "name a new or empty directory");
                }
            }
            Files.createFile(marker);
        }
        deleteRecursively(log());
        deleteRecursively(h2Database().getParent());
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
