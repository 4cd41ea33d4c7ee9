package org.wal4j.jdbc;

import org.wal4j.config.SettingCatalog;
import org.wal4j.config.SettingTable;

/**
 * wal-jdbc-sync's settings ({@link RepositoryOptions#settings()}) for the
 * {@link java.util.ServiceLoader}, so that a {@code WalConfig} or a {@code FileStorageConfig}
 * reading the same source knows {@code wal.repository.pass.through}. Not for direct use.
 * Stateless and thread-safe.
 */
public final class RepositorySettingCatalog implements SettingCatalog {
    @Override
    public SettingTable table() {
        return RepositoryOptions.settings();
    }
}
