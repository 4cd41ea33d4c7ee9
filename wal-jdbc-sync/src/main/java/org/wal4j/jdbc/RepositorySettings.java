package org.wal4j.jdbc;

import java.util.List;
import org.wal4j.config.Setting;
import org.wal4j.config.SettingTable;
import org.wal4j.config.ValueType;

/**
 * The descriptors of {@link RepositoryOptions}' settings that may come from properties or the
 * environment: the one place each setting's property, unit, default and documentation sentence
 * are written. docs/configuration.md's table is rendered from here (a test fails when it
 * differs). The other options hold objects or method names and are set in code only.
 *
 * <p>Constants only; thread-safe.
 */
final class RepositorySettings {
    static final Setting<Boolean> PASS_THROUGH = Setting.builder("passThrough", "wal.repository.pass.through",
                    ValueType.bool())
            .unit("boolean").defaultValue(RepositoryOptions.DEFAULT_PASS_THROUGH)
            .doc("every `DurableRepository` calls the DAO of its primary target directly instead of writing critical "
                    + "calls to the log: same results and exceptions, no durability, no retries, other targets not "
                    + "written; for tests and emergency bypass, logged at WARN when a repository is built").build();

    /** The settings of {@link RepositoryOptions}, in documentation order. */
    static final SettingTable TABLE = SettingTable.of("RepositoryOptions", List.of(PASS_THROUGH));

    private RepositorySettings() {
    }
}
