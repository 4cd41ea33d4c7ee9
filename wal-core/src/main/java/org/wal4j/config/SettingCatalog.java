package org.wal4j.config;

/**
 * A module's settings, found with {@link java.util.ServiceLoader} (a line naming the
 * implementation in {@code META-INF/services/org.wal4j.config.SettingCatalog}), so that a key one
 * module does not know is refused only if no module on the class path knows it: {@code wal.dir}
 * belongs to the file storage, not to the {@code Wal}, and both read the same sources.
 *
 * <p>Implementations are stateless and thread-safe, with a public no-argument constructor.
 */
public interface SettingCatalog {
    /** The module's settings. */
    SettingTable table();
}
