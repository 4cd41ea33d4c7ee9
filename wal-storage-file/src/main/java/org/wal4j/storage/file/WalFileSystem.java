package org.wal4j.storage.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seam through which the file log does every file and directory operation: opening and
 * creating files, listing, renaming, deleting, directory fsync and locking (reads, writes, forces,
 * truncation and sizes go through the {@link WalFileChannel}s it opens). Production code uses
 * {@link #real()}; tests substitute an implementation that fails a chosen call or simulates a
 * power loss, so that every failure path of the log can be exercised (see
 * {@code FaultInjectingFileSystem} in this module's test-jar).
 *
 * <p>Implementations must be thread-safe: the writer thread, readers and compaction call them
 * concurrently.
 */
public interface WalFileSystem {

    /** How {@link #open(Path, OpenMode)} opens a file. */
    enum OpenMode {
        /** Read only; the file must exist. */
        READ,
        /** Read and write; the file must exist. */
        READ_WRITE,
        /** Read and write; the file must not exist yet (fails with {@code FileAlreadyExistsException}). */
        CREATE_NEW,
        /** Read and write; created if missing, kept as it is if present. */
        CREATE_OR_OPEN
    }

    /** What a directory entry is, read without following a symbolic link. */
    enum EntryKind {
        REGULAR, DIRECTORY, SYMLINK, MISSING, OTHER;

        /** For messages: "a directory", "a symbolic link", "a fifo, socket or device". */
        public String describe() {
            switch (this) {
                case REGULAR:
                    return "a regular file";
                case DIRECTORY:
                    return "a directory";
                case SYMLINK:
                    return "a symbolic link";
                case MISSING:
                    return "missing";
                default:
                    return "a fifo, socket or device";
            }
        }
    }

    /** The file system of the operating system, over {@link java.nio.channels.FileChannel}. */
    static WalFileSystem real() {
        return RealFileSystem.INSTANCE;
    }

    WalFileChannel open(Path file, OpenMode mode) throws IOException;

    /** The regular files directly inside {@code dir}, in no particular order. */
    List<Path> list(Path dir) throws IOException;

    /**
     * Every entry directly inside {@code dir}, of any kind (directories, symbolic links, fifos
     * too), in no particular order: recovery must see what an operator put in a segment's place.
     * The default reads the operating system's directory.
     */
    default List<Path> listAll(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> stream = Files.list(dir)) {
            stream.forEach(all::add);
        }
        return all;
    }

    /** What {@code path} is, without following a symbolic link. The default asks the operating system. */
    default EntryKind kindOf(Path path) {
        if (Files.isSymbolicLink(path)) {
            return EntryKind.SYMLINK;
        }
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return EntryKind.REGULAR;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return EntryKind.DIRECTORY;
        }
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? EntryKind.OTHER : EntryKind.MISSING;
    }

    /** Creates {@code dir} and its missing parents; nothing if it exists. */
    void createDirectories(Path dir) throws IOException;

    /** Renames {@code source} to {@code target} atomically, replacing {@code target} if present. */
    void rename(Path source, Path target) throws IOException;

    /** Deletes {@code file}; nothing if it does not exist. */
    void delete(Path file) throws IOException;

    /**
     * Forces {@code dir}'s entries (creates, renames, deletes in it) to stable storage. A file
     * created or renamed since the last call may vanish in a power loss without this.
     */
    void syncDirectory(Path dir) throws IOException;
}
