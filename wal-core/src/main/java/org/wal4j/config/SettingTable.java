package org.wal4j.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one configuration class, in documentation order: what loads it from a
 * {@link ConfigSources source}, what its {@code toString} lists, and what the tables of
 * docs/configuration.md are rendered from ({@link #renderMarkdown()}, checked by a test).
 *
 * <p>Settings marked {@link Setting#perTarget() per target} may also be set for one target:
 * {@code wal.breaker.open.duration} for every target, {@code wal.target.<name>.breaker.open.duration}
 * (environment {@code WAL_TARGET_<NAME>_BREAKER_OPEN_DURATION}) for the target {@code <name>}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SettingTable {
    /** The prefix of every property: {@value}. */
    public static final String PREFIX = "wal.";
    /** The prefix of the per-target properties: {@value}. */
    public static final String TARGET_PREFIX = "wal.target.";

    private final String title;
    private final Map<String, Setting<?>> byProperty;

    private SettingTable(String title, List<Setting<?>> settings) {
        this.title = title;
        Map<String, Setting<?>> map = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            if (!s.property().startsWith(PREFIX)) {
                throw new IllegalArgumentException("property of " + s.name() + " must start with " + PREFIX
                        + " but was " + s.property());
            }
            if (map.put(s.property(), s) != null) {
                throw new IllegalArgumentException("property " + s.property() + " is described twice in " + title);
            }
        }
        this.byProperty = map;
    }

    /** A table titled {@code title} (the configuration class) of {@code settings}, in documentation order. */
    public static SettingTable of(String title, List<Setting<?>> settings) {
        return new SettingTable(title, List.copyOf(settings));
    }

    /** The configuration class's name. */
    public String title() {
        return title;
    }

    /** The settings in documentation order. */
    public List<Setting<?>> settings() {
        return List.copyOf(byProperty.values());
    }

    /** The setting read from {@code property}. */
    public Optional<Setting<?>> byProperty(String property) {
        return Optional.ofNullable(byProperty.get(property));
    }

    /** The settings each target may override. */
    public List<Setting<?>> perTargetSettings() {
        List<Setting<?>> out = new ArrayList<>();
        for (Setting<?> s : byProperty.values()) {
            if (s.perTarget()) {
                out.add(s);
            }
        }
        return out;
    }

    /** {@code wal.breaker.open.duration} for {@code target} → {@code wal.target.<target>.breaker.open.duration}. */
    public static String targetProperty(Setting<?> setting, String target) {
        return TARGET_PREFIX + target + "." + setting.property().substring(PREFIX.length());
    }

    /** A target's name as the environment spells it, the form per-target values are kept under. */
    public static String targetKey(String target) {
        return ConfigSources.environmentName(target);
    }

    /**
     * The target names that {@code source} sets a per-target setting of this table for, as
     * spelled there ({@code primary} in a property, {@code PRIMARY} in a variable).
     */
    public Set<String> targetsNamedIn(ConfigSources source) {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigSources.Value v : source.entries(TARGET_PREFIX)) {
            String target = targetOf(v.key(), v.environment());
            if (target != null) {
                out.add(target);
            }
        }
        return out;
    }

    /** The target a per-target key names, or null if {@code key} is no per-target key of this table. */
    @Nullable String targetOf(String key, boolean environment) {
        String prefix = environment ? ConfigSources.environmentName(TARGET_PREFIX) : TARGET_PREFIX;
        if (!key.startsWith(prefix)) {
            return null;
        }
        for (Setting<?> s : perTargetSettings()) {
            String rest = s.property().substring(PREFIX.length());
            String suffix = "." + (environment ? ConfigSources.environmentName(rest) : rest);
            if (environment) {
                suffix = suffix.replace('.', '_');
            }
            if (key.length() > prefix.length() + suffix.length() && key.endsWith(suffix)) {
                return key.substring(prefix.length(), key.length() - suffix.length());
            }
        }
        return null;
    }

    /**
     * The settings as the Markdown table of docs/configuration.md: setting and its sentence,
     * unit, range, default, property, environment variable.
     */
    public String renderMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("| setting | unit | range | default | property | environment |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Setting<?> s : byProperty.values()) {
            out.append("| `").append(s.name()).append('`');
            if (!s.doc().isEmpty()) {
                out.append(": ").append(s.doc());
            }
            out.append(" | ").append(s.unit()).append(" | ").append(s.rangeText()).append(" | ")
                    .append(s.defaultText()).append(" | `").append(s.property()).append("` | `")
                    .append(s.environmentVariable()).append("` |\n");
        }
        return out.toString();
    }

    /** The per-target settings as a Markdown table: setting, property, environment variable. */
    public String renderPerTargetMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("| setting | property for target `<name>` | environment for target `<NAME>` |\n");
        out.append("|---|---|---|\n");
        for (Setting<?> s : perTargetSettings()) {
            String property = targetProperty(s, "<name>");
            out.append("| `").append(s.name()).append("` | `").append(property).append("` | `")
                    .append(property.toUpperCase(Locale.ROOT).replace('.', '_')).append("` |\n");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return title + byProperty.keySet();
    }
}
