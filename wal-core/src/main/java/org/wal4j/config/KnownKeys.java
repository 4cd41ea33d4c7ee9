package org.wal4j.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Refuses the keys of a source that no module on the class path knows: every unknown property
 * starting with {@code wal.}, and every {@code WAL_} variable close to a known one (the
 * environment holds variables of other programs, such as {@code WAL_HOME}, so only a near miss
 * is taken for a typo of ours). The error names the key, its origin and the nearest known key.
 *
 * <p>The known keys are those of every {@link SettingCatalog} the {@link ServiceLoader} finds.
 * Stateless and thread-safe.
 */
final class KnownKeys {
    /** Largest edit distance at which an unknown {@code WAL_} variable counts as a typo of a known one. */
    static final int ENVIRONMENT_TYPO_DISTANCE = 2;

    private KnownKeys() {
    }

    static void refuseUnknown(ConfigSources source, SettingTable own) {
        List<SettingTable> tables = tables(own);
        for (ConfigSources.Value v : source.entries(SettingTable.PREFIX)) {
            if (known(tables, v)) {
                continue;
            }
            String nearest = EditDistance.nearest(v.key(), candidates(tables, v));
            if (v.environment() && (nearest == null || EditDistance.between(v.key(), nearest) > ENVIRONMENT_TYPO_DISTANCE)) {
                continue;
            }
            throw new IllegalArgumentException("unknown " + v.origin() + (nearest == null ? ""
                    : "; did you mean " + nearest + "?"));
        }
    }

    private static List<SettingTable> tables(SettingTable own) {
        Map<String, SettingTable> tables = new LinkedHashMap<>();
        tables.put(own.title(), own);
        for (SettingCatalog catalog : ServiceLoader.load(SettingCatalog.class, KnownKeys.class.getClassLoader())) {
            SettingTable t = catalog.table();
            tables.putIfAbsent(t.title(), t);
        }
        return new ArrayList<>(tables.values());
    }

    private static boolean known(List<SettingTable> tables, ConfigSources.Value v) {
        for (SettingTable t : tables) {
            for (Setting<?> s : t.settings()) {
                if (v.key().equals(v.environment() ? s.environmentVariable() : s.property())) {
                    return true;
                }
            }
            if (t.targetOf(v.key(), v.environment()) != null) {
                return true;
            }
        }
        return false;
    }

    /** Every known key, and for a key under {@code wal.target.<name>.}, the per-target keys of that name. */
    private static List<String> candidates(List<SettingTable> tables, ConfigSources.Value v) {
        String target = targetSegment(v);
        List<String> out = new ArrayList<>();
        for (SettingTable t : tables) {
            for (Setting<?> s : t.settings()) {
                out.add(v.environment() ? s.environmentVariable() : s.property());
                if (s.perTarget() && target != null) {
                    String p = SettingTable.targetProperty(s, target);
                    out.add(v.environment() ? ConfigSources.environmentName(p) : p);
                }
            }
        }
        return out;
    }

    /** {@code primary} of {@code wal.target.primary.breaker.open.durration}: the segment after the prefix. */
    private static @Nullable String targetSegment(ConfigSources.Value v) {
        String prefix = v.environment() ? ConfigSources.environmentName(SettingTable.TARGET_PREFIX)
                : SettingTable.TARGET_PREFIX;
        if (!v.key().startsWith(prefix)) {
            return null;
        }
        String rest = v.key().substring(prefix.length());
        int end = rest.indexOf(v.environment() ? '_' : '.');
        return end <= 0 ? null : rest.substring(0, end);
    }
}
