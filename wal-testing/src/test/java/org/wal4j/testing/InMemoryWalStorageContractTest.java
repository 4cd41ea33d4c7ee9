package org.wal4j.testing;

import org.wal4j.spi.WalStorage;

/** The reference implementation against the shared contract: what the file log must match. */
class InMemoryWalStorageContractTest extends WalStorageContract {
    @Override
    protected WalStorage open() {
        return InMemoryWalStorage.create();
    }

    @Override
    protected WalStorage reopen(WalStorage storage) {
        return ((InMemoryWalStorage) storage).reopen();
    }

    @Override
    protected void closeSegment(WalStorage storage) {
        // no segments: everything is compactable at once
    }
}
