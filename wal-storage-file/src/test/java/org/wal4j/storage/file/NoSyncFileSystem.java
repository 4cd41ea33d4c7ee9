package org.wal4j.storage.file;

import java.nio.file.Path;

/**
 * The real file system with every force and directory fsync left out, for tests that open a log
 * thousands of times and test parsing, not durability.
 */
final class NoSyncFileSystem extends ForwardingFileSystem {

    @Override
    protected WalFileChannel wrap(WalFileChannel channel, OpenMode mode) {
        return new Channel(channel) {
            @Override
            public void force() {
                // left out: nothing in these tests depends on durability
            }
        };
    }

    @Override
    public void syncDirectory(Path dir) {
        // left out, as force
    }
}
