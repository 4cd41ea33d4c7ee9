package org.wal4j.storage.file;

import org.wal4j.WalLockedException;

/**
 * A child JVM for {@link ProcessLockTest}: tries to open the log in {@code args[0]} for writing and
 * says on stdout what happened: {@code LOCKED <message>} (exit 3) or {@code OPENED <last seq>}
 * (exit 0, after closing it again).
 */
public final class LockProbe {
    static final int EXIT_LOCKED = 3;

    private LockProbe() {
    }

    public static void main(String[] args) {
        try (FileWalStorage log = FileWalStorage.open(FileStorageConfig.ofDefaults(java.nio.file.Path.of(args[0])))) {
            System.out.println("OPENED " + log.lastSeq());
        } catch (WalLockedException e) {
            System.out.println("LOCKED " + e.getMessage());
            System.out.flush();
            System.exit(EXIT_LOCKED);
        }
    }
}
