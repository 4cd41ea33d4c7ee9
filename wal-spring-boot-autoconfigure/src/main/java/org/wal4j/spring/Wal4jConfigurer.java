package org.wal4j.spring;

import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.RepositoryOptions;
import org.wal4j.storage.file.FileStorageConfig;

/**
 * Customizes what the auto-configuration builds, in code: a bean of this type is called, in
 * {@link org.springframework.core.Ordered order}, after the {@code wal4j.*} properties were applied
 * to each builder, so code wins over properties as everywhere in wal4j. Every method does nothing by
 * default. Called once per build, on the thread that creates the beans; an exception fails startup.
 */
public interface Wal4jConfigurer {
    /** The Wal's settings (the {@code wal4j.settings.*} of {@code WalConfig} are loaded already). */
    default void configureSettings(WalConfig.Builder config) {
    }

    /** The file log's settings (the directory and the {@code wal4j.settings.*} of {@code FileStorageConfig} are set). */
    default void configureStorage(FileStorageConfig.Builder storage) {
    }

    /** The target {@code name} (DataSource and {@code wal4j.targets.<name>.*} set): appliers, classifier, timeouts. */
    default void configureTarget(String name, JdbcSyncTarget.Builder target) {
    }

    /**
     * The Wal itself before it is built (storage, config and targets set): listeners, clock, mapper,
     * access policy, audit sink. {@code WalListener} beans are added already.
     */
    default void configureWal(Wal.Builder wal) {
    }

    /** The options of the repository of {@code daoInterface} (pass-through loaded from {@code wal4j.settings}). */
    default void configureRepository(Class<?> daoInterface, RepositoryOptions.Builder options) {
    }
}
