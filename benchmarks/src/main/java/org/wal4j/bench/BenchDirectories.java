package org.wal4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Set;

/**
 * Scratch directories for benchmarks that touch the disk, always on a real, persistent file system.
 *
 * <p>Every fsync figure is meaningless on a file system that keeps data in memory: {@code force}
 * returns at once on tmpfs. So the base directory is checked once: if it is on tmpfs, ramfs or an
 * overlay of them, creation fails and says which property to set. The base is the system property
 * {@value #BASE_DIR_PROPERTY} when set, else {@code java.io.tmpdir} (on the project's machines
 * {@code /tmp} is on the same ext4 disk as the checkout).
 *
 * <p>Each benchmark trial creates its own directory with {@link #create(String)} and removes it with
 * {@link #deleteRecursively(Path)} in its tear-down, so trials never see each other's files.
 *
 * <p>Thread-safe: the methods hold no state beyond the file system.
 */
final class BenchDirectories {

    /** System property naming the directory under which benchmark directories are created. */
    static final String BASE_DIR_PROPERTY = "wal4j.bench.dir";

    /** File system types on which {@code force} does not reach a disk. */
    private static final Set<String> MEMORY_FILE_SYSTEMS = Set.of("tmpfs", "ramfs", "devtmpfs", "hugetlbfs");

    private BenchDirectories() {
    }

    /** The directory under which {@link #create(String)} makes its directories. */
    static Path baseDirectory() {
        String configured = System.getProperty(BASE_DIR_PROPERTY);
        return Paths.get(configured != null && !configured.isBlank() ? configured : System.getProperty("java.io.tmpdir"))
                .toAbsolutePath();
    }

    /**
     * Creates a new, empty directory named {@code wal4j-bench-<prefix>-<random>} under
     * {@link #baseDirectory()}.
     *
     * @throws IllegalStateException if the base directory is on a memory file system
     * @throws UncheckedIOException  if the directory cannot be created
     */
    static Path create(String prefix) {
        Path base = baseDirectory();
        try {
            Files.createDirectories(base);
            String type = fileSystemType(base);
            if (MEMORY_FILE_SYSTEMS.contains(type.toLowerCase(Locale.ROOT))) {
                throw new IllegalStateException("Benchmark directory " + base + " is on a " + type
                        + " file system, where fsync costs nothing; point -D" + BASE_DIR_PROPERTY
                        + " at a directory on a real disk");
            }
            return Files.createTempDirectory(base, "wal4j-bench-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a benchmark directory under " + base, e);
        }
    }

    /** The type of the file system holding {@code path}, for example {@code ext4}. */
    static String fileSystemType(Path path) throws IOException {
        FileStore store = Files.getFileStore(path);
        return store.type();
    }

    /** A description such as {@code ext4 on /dev/vda} of the file system holding {@code path}. */
    static String describeFileSystem(Path path) {
        try {
            Files.createDirectories(path);
            FileStore store = Files.getFileStore(path);
            return store.type() + " on " + store.name();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * Deletes {@code directory} and everything below it; does nothing if it does not exist.
     *
     * @throws UncheckedIOException if something cannot be deleted
     */
    static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete benchmark directory " + directory, e);
        }
    }
}
