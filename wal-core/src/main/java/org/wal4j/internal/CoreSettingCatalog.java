package org.wal4j.internal;

import org.wal4j.WalConfig;
import org.wal4j.config.SettingCatalog;
import org.wal4j.config.SettingTable;

/**
 * wal-core's settings for the {@link java.util.ServiceLoader}: {@link WalConfig#settings()}; the
 * {@code wal.lifecycle.*} settings are a second catalog, {@link Lifecycles}. Stateless and thread-safe.
 */
public final class CoreSettingCatalog implements SettingCatalog {
    @Override
    public SettingTable table() {
        return WalConfig.settings();
    }

    /** The {@code wal.lifecycle.*} settings of {@link WalConfig#defaultLifecycle()}. Stateless and thread-safe. */
    public static final class Lifecycles implements SettingCatalog {
        @Override
        public SettingTable table() {
            return WalConfig.lifecycleSettings();
        }
    }
}
