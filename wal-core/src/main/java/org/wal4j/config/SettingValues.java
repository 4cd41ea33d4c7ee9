package org.wal4j.config;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The values of a table's settings while a configuration is built, each with where it came from:
 * its default, a {@link ConfigSources source} (the origin messages name) or code. A value set in
 * code is never replaced by a source, whichever is applied first, so the precedence is always
 * defaults &lt; sources (in their layer order) &lt; code.
 *
 * <p>Not thread-safe: a builder's state. A configuration keeps an unchanging copy.
 */
public final class SettingValues {
    private static final String CODE = "code";

    private final SettingTable table;
    private final IdentityHashMap<Setting<?>, Object> values = new IdentityHashMap<>();
    /** Origin of each value not at its default: {@value #CODE} or a source's origin text. */
    private final IdentityHashMap<Setting<?>, String> origins = new IdentityHashMap<>();

    private SettingValues(SettingTable table) {
        this.table = table;
    }

    /** Every setting of {@code table} at its default (settings without a default have no value). */
    public static SettingValues defaultsOf(SettingTable table) {
        SettingValues v = new SettingValues(Objects.requireNonNull(table, "table must not be null"));
        for (Setting<?> s : table.settings()) {
            if (s.defaultValue() != null) {
                v.values.put(s, s.defaultValue());
            }
        }
        return v;
    }

    /** No value at all: the sparse overrides of one target. */
    public static SettingValues emptyOf(SettingTable table) {
        return new SettingValues(Objects.requireNonNull(table, "table must not be null"));
    }

    /** A copy to change independently. */
    public SettingValues copy() {
        SettingValues v = new SettingValues(table);
        v.values.putAll(values);
        v.origins.putAll(origins);
        return v;
    }

    /**
     * The value of {@code setting}; for a setting without a default ask {@link #has} first.
     *
     * @throws IllegalStateException if {@code setting} has no value
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting);
        if (value == null) {
            throw new IllegalStateException(setting.name() + " has no value");
        }
        return (T) value;
    }

    /** Whether {@code setting} has a value. */
    public boolean has(Setting<?> setting) {
        return values.containsKey(setting);
    }

    /**
     * Sets {@code setting} from code, after {@link Setting#check checking} it.
     *
     * @throws IllegalArgumentException naming the field and the range
     */
    public <T> void set(Setting<T> setting, T value) {
        values.put(setting, setting.check(value));
        origins.put(setting, CODE);
    }

    /**
     * Sets {@code setting} to a value read from a source, unless code set it.
     *
     * @param origin where the value came from, as errors name it
     * @throws IllegalArgumentException naming {@code origin} if the value is out of range
     */
    public <T> void setFrom(Setting<T> setting, T value, String origin) {
        if (!CODE.equals(origins.get(setting))) {
            values.put(setting, setting.checkFrom(value, origin));
            origins.put(setting, origin);
        }
    }

    /** Whether code set {@code setting}. */
    public boolean setInCode(Setting<?> setting) {
        return CODE.equals(origins.get(setting));
    }

    /**
     * Reads every setting of the table that {@code source} has and code did not set, after
     * refusing the source's unknown keys.
     *
     * @throws IllegalArgumentException naming the unknown key and the nearest known one, or the
     *                                  property or variable whose value is malformed or out of range
     */
    public void load(ConfigSources source) {
        load(source, UnaryOperator.identity());
    }

    /**
     * As {@link #load(ConfigSources)}, reading each setting from {@code propertyOf} its property
     * (the per-target properties of one target).
     */
    public void load(ConfigSources source, UnaryOperator<String> propertyOf) {
        Objects.requireNonNull(source, "source must not be null");
        KnownKeys.refuseUnknown(source, table);
        for (Setting<?> s : table.settings()) {
            read(source, s, propertyOf.apply(s.property()));
        }
    }

    /** As {@link #load(ConfigSources, UnaryOperator)}, for some settings only; no unknown-key check. */
    public void load(ConfigSources source, List<Setting<?>> settings, UnaryOperator<String> propertyOf) {
        for (Setting<?> s : settings) {
            read(source, s, propertyOf.apply(s.property()));
        }
    }

    private <T> void read(ConfigSources source, Setting<T> s, String property) {
        if (setInCode(s)) {
            return;
        }
        source.find(property).ifPresent(v -> {
            values.put(s, s.read(v.text(), v.origin()));
            origins.put(s, v.origin());
        });
    }

    /** Where {@code setting}'s value came from, for an error: empty for a default or code, else ", origin". */
    public String originSuffix(Setting<?> setting) {
        String origin = origins.get(setting);
        return origin == null || CODE.equals(origin) ? "" : ", " + origin;
    }

    /**
     * The value and, if it was read from a source, the source, as cross-checks name them:
     * {@code 50} or {@code 50, environment variable WAL_APPLY_WINDOW_ENTRIES}.
     */
    public String describe(Setting<?> setting) {
        return values.get(setting) + originSuffix(setting);
    }

    /** {@code Name{field=value, ...}} over the table's settings that have a value, in table order. */
    public String render(String typeName) {
        StringBuilder out = new StringBuilder(typeName).append('{');
        String sep = "";
        for (Setting<?> s : table.settings()) {
            if (values.containsKey(s)) {
                out.append(sep).append(s.name()).append('=').append(values.get(s));
                sep = ", ";
            }
        }
        return out.toString();
    }
}
