package org.wal4j;

import java.nio.file.Path;

/** Another process, or another open storage in this one, holds the log directory's lock. */
public final class WalLockedException extends WalException {
    private static final long serialVersionUID = 1L;

    private final transient Path lockFile;

    public WalLockedException(Path lockFile, String holder) {
        super("The log directory is locked by another owner (" + holder + "); lock file: " + lockFile);
        this.lockFile = lockFile;
    }

    public Path lockFile() {
        return lockFile;
    }
}
