package org.wal4j.storage.file;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.spi.WalStorage;
import org.wal4j.testing.WalStorageContract;

/** The file log against the shared contract. */
class FileWalStorageContractTest extends WalStorageContract {
    @TempDir
    Path dir;

    @Override
    protected WalStorage open() {
        return FileWalStorage.open(FileStorageConfig.ofDefaults(dir));
    }

    @Override
    protected WalStorage reopen(WalStorage storage) {
        storage.close();
        return open();
    }

    @Override
    protected void closeSegment(WalStorage storage) {
        ((FileWalStorage) storage).rotate().join();
    }
}
