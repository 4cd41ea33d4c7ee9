package org.wal4j.storage.file;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.wal4j.WalLockedException;

/**
 * The log directories this JVM holds, process-wide. It exists because of a POSIX rule that
 * {@code FileChannel.tryLock} inherits on Linux and macOS: a record lock belongs to the
 * <em>process</em>, and closing <em>any</em> descriptor of the locked file, opened by anyone in
 * the process for any reason, releases it. A second open of a held log in this JVM, or a tool
 * that merely reads {@code LOCK} to name its holder, would otherwise silently hand the log to the
 * next process that asks. So:
 * <ul>
 *   <li>{@link #claim} registers a directory <em>before</em> any descriptor of its {@code LOCK}
 *       is opened, and refuses a directory this JVM holds from the registry alone, without
 *       touching the file;</li>
 *   <li>{@link #lockFileContent} (used by {@link LockHolder}, {@link LogInspector} and the
 *       command line) answers from memory for a held directory and reads the file only for a
 *       directory this JVM does not hold, under the registry's monitor, so that no claim can
 *       start between its check and its close.</li>
 * </ul>
 * A directory is known by its real path (a symlink, a relative path or {@code ..} reach the same
 * key) and by the file key (device and inode) of its {@code LOCK} file, so a bind mount or a hard
 * link of the same file is recognised too.
 *
 * <p>Thread-safe: every method synchronizes on the class.
 */
final class HeldLogs {
    /** A directory this JVM holds or is acquiring: what a second opener and a reader of LOCK are told. */
    static final class Claim {
        final Path dir;
        final Path realDir;
        final String holder;
        /** The LOCK file's key (device and inode); null if the file system gives none. */
        private @Nullable Object lockFileKey;

        private Claim(Path dir, Path realDir, @Nullable Object lockFileKey, String holder) {
            this.dir = dir;
            this.realDir = realDir;
            this.lockFileKey = lockFileKey;
            this.holder = holder;
        }
    }

    private static final Map<Path, Claim> BY_REAL_DIR = new HashMap<>();
    /**
     * Channels on a LOCK file that this JVM had already locked through a path the registry could
     * not recognise (found out by {@code OverlappingFileLockException}): closing them would release
     * the other holder's lock, so they stay open for the life of the JVM. Never happens unless two
     * aliases of one new LOCK file race; kept so that it can never cost the holder its lock.
     */
    private static final List<Object> PARKED = new ArrayList<>();

    private HeldLogs() {
    }

    /**
     * Registers {@code dir} as held by this JVM before its LOCK file is opened.
     *
     * @throws WalLockedException if this JVM already holds it, under any path; nothing was opened
     */
    static synchronized Claim claim(Path dir, String holder) {
        Path realDir = realPath(dir);
        Path lockFile = dir.resolve(DirectoryLock.FILE_NAME);
        Object fileKey = fileKey(lockFile);
        Claim held = find(realDir, fileKey);
        if (held != null) {
            throw new WalLockedException(lockFile, "another open FileWalStorage in this JVM, " + held.holder
                    + (held.dir.equals(dir) ? "" : ", opened as " + held.dir));
        }
        Claim claim = new Claim(dir, realDir, fileKey, holder);
        BY_REAL_DIR.put(realDir, claim);
        return claim;
    }

    /** Records the file key of the LOCK file the claim has locked, so that other paths to it are recognised. */
    static synchronized void locked(Claim claim) {
        if (claim.lockFileKey == null) {
            claim.lockFileKey = fileKey(claim.dir.resolve(DirectoryLock.FILE_NAME));
        }
    }

    /** Forgets the claim: its LOCK file's descriptor is closed. Idempotent. */
    static synchronized void release(Claim claim) {
        BY_REAL_DIR.remove(claim.realDir, claim);
    }

    /** Keeps {@code channel} open for the life of the JVM: see {@link #PARKED}. */
    static synchronized void park(Object channel) {
        PARKED.add(channel);
    }

    /** True while this JVM holds (or is acquiring) the log in {@code dir}. */
    static synchronized boolean holds(Path dir) {
        return find(realPath(dir), fileKey(dir.resolve(DirectoryLock.FILE_NAME))) != null;
    }

    /**
     * What the LOCK file of {@code dir} says: for a log this JVM holds, the holder it wrote, from
     * memory (the file is not opened: closing a descriptor of it would release the lock);
     * otherwise the file's content, read while no claim can start.
     *
     * @throws NoSuchFileException if there is no LOCK file
     */
    static synchronized String lockFileContent(Path dir) throws IOException {
        Path lockFile = dir.resolve(DirectoryLock.FILE_NAME);
        Claim held = find(realPath(dir), fileKey(lockFile));
        if (held != null) {
            return held.holder;
        }
        return new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
    }

    @GuardedBy("HeldLogs.class")
    private static @Nullable Claim find(Path realDir, @Nullable Object lockFileKey) {
        Claim byDir = BY_REAL_DIR.get(realDir);
        if (byDir != null || lockFileKey == null) {
            return byDir;
        }
        for (Claim c : BY_REAL_DIR.values()) {
            if (lockFileKey.equals(c.lockFileKey)) {
                return c;
            }
        }
        return null;
    }

    /** The directory with every symlink resolved; its absolute normal form if it does not exist (yet). */
    static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    /** The file's key (device and inode) without opening it; null if it does not exist or has none. */
    private static @Nullable Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
