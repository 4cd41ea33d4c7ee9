package org.wal4j.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.wal4j.config.ConfigSources;
import org.wal4j.config.EditDistance;
import org.wal4j.config.Setting;
import org.wal4j.config.SettingCatalog;
import org.wal4j.config.SettingTable;

/**
 * Bridges {@code wal4j.settings.*} to wal4j's table-driven settings: each key is a setting's
 * property without {@code wal.} ({@code apply.batch.size}), or a per-target one
 * ({@code target.primary.breaker.open.duration}). Every key is checked against the tables of every
 * {@link SettingCatalog} on the class path and every value parsed and range-checked by its
 * {@link Setting}, with the Spring property named in the message ("property
 * wal4j.settings.apply.batch.size is out of range: maxBatchSize must be between 1 and 10000 but was
 * 0"); the result is a {@link ConfigSources} of {@code wal.*} properties for the builders'
 * {@code load}, which apply the checks across settings.
 *
 * <p>Immutable and thread-safe.
 */
final class SettingsBridge {
    /** The Spring prefix of the bridged keys: {@value}. */
    static final String PREFIX = "wal4j.settings.";

    private final ConfigSources sources;

    private SettingsBridge(ConfigSources sources) {
        this.sources = sources;
    }

    /**
     * Checks {@code settings} (keys without {@value #PREFIX}) and bridges them.
     *
     * @throws IllegalArgumentException naming the first unknown key (with the nearest known one) or
     *                                  invalid value
     */
    static SettingsBridge of(Map<String, String> settings) {
        List<SettingTable> tables = tables();
        Properties properties = new Properties();
        for (Map.Entry<String, String> e : new LinkedHashMap<>(settings).entrySet()) {
            String key = e.getKey();
            String origin = "property " + PREFIX + key;
            if (key.equals("dir")) {
                throw new IllegalArgumentException(origin + " is not a setting here: the log's directory is wal4j.directory");
            }
            Setting<?> setting = find(tables, key);
            if (setting == null) {
                String nearest = nearest(tables, key);
                throw new IllegalArgumentException("unknown " + origin
                        + (nearest == null ? "" : "; did you mean " + PREFIX + nearest + "?"));
            }
            String value = e.getValue() == null ? "" : e.getValue();
            if (value.isBlank()) {
                throw new IllegalArgumentException(origin + " must have a value but was blank");
            }
            setting.read(value, origin);
            properties.setProperty(SettingTable.PREFIX + key, value);
        }
        return new SettingsBridge(ConfigSources.defaults().properties(properties));
    }

    /** The bridged settings as {@code wal.*} properties, for {@code load} on wal4j's builders. */
    ConfigSources sources() {
        return sources;
    }

    private static List<SettingTable> tables() {
        List<SettingTable> out = new ArrayList<>();
        for (SettingCatalog catalog : ServiceLoader.load(SettingCatalog.class, SettingsBridge.class.getClassLoader())) {
            out.add(catalog.table());
        }
        return out;
    }

    /** The setting {@code key} names, directly or for one target; null if none. */
    private static @Nullable Setting<?> find(List<SettingTable> tables, String key) {
        for (SettingTable table : tables) {
            Setting<?> direct = table.byProperty(SettingTable.PREFIX + key).orElse(null);
            if (direct != null) {
                return direct;
            }
            String targetPrefix = SettingTable.TARGET_PREFIX.substring(SettingTable.PREFIX.length());
            if (key.startsWith(targetPrefix)) {
                for (Setting<?> s : table.perTargetSettings()) {
                    String suffix = "." + s.property().substring(SettingTable.PREFIX.length());
                    if (key.length() > targetPrefix.length() + suffix.length() && key.endsWith(suffix)) {
                        return s;
                    }
                }
            }
        }
        return null;
    }

    /** The known key nearest to {@code key}; for a key under {@code target.<name>.}, the per-target keys of that name too. */
    private static @Nullable String nearest(List<SettingTable> tables, String key) {
        String targetPrefix = SettingTable.TARGET_PREFIX.substring(SettingTable.PREFIX.length());
        int end = key.startsWith(targetPrefix) ? key.indexOf('.', targetPrefix.length()) : -1;
        String target = end > targetPrefix.length() ? key.substring(targetPrefix.length(), end) : null;
        List<String> candidates = new ArrayList<>();
        for (SettingTable table : tables) {
            for (Setting<?> s : table.settings()) {
                String rest = s.property().substring(SettingTable.PREFIX.length());
                if (!rest.equals("dir")) {
                    candidates.add(rest);
                }
                if (s.perTarget() && target != null) {
                    candidates.add(targetPrefix + target + "." + rest);
                }
            }
        }
        return EditDistance.nearest(key, candidates);
    }
}
