package org.wal4j.storage.file;

import org.wal4j.config.SettingCatalog;
import org.wal4j.config.SettingTable;

/**
 * wal-storage-file's settings ({@link FileStorageConfig#settings()}) for the
 * {@link java.util.ServiceLoader}, so that a {@code WalConfig} reading the same source knows
 * {@code wal.dir} and the other keys of the file log. Not for direct use. Stateless and thread-safe.
 */
public final class FileSettingCatalog implements SettingCatalog {
    @Override
    public SettingTable table() {
        return FileStorageConfig.settings();
    }
}
