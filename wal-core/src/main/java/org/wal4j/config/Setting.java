package org.wal4j.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one description of a setting: its field name (as in the builder), its property and
 * environment variable, unit, default, range, value type and the sentence the documentation
 * shows. It parses a value read from a {@link ConfigSources source}, checks a value given in code
 * or read, and renders its documentation row, so none of these is spelled twice.
 *
 * <p>Error messages name the field and the range ("maxBatchSize must be between 1 and 10000 but
 * was 0"); a value read from a source is reported with where it came from first ("environment
 * variable WAL_APPLY_BATCH_SIZE is out of range: maxBatchSize must be ...").
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {
    private final String name;
    private final String property;
    private final ValueType<T> type;
    private final String unit;
    private final String doc;
    private final @Nullable T defaultValue;
    private final @Nullable String defaultText;
    private final @Nullable Comparable<T> min;
    private final @Nullable Comparable<T> max;
    private final @Nullable String rangeText;
    private final boolean perTarget;

    private Setting(Builder<T> b) {
        name = b.name;
        property = b.property;
        type = b.type;
        unit = b.unit;
        doc = b.doc;
        defaultValue = b.defaultValue;
        defaultText = b.defaultText;
        min = b.min;
        max = b.max;
        rangeText = b.rangeText;
        perTarget = b.perTarget;
    }

    /**
     * Starts describing a setting.
     *
     * @param name     the field's name, as the builder's setter and the getter spell it
     * @param property the property name, lower case and dotted ({@code wal.apply.batch.size})
     * @param type     how its text is parsed
     */
    public static <T> Builder<T> builder(String name, String property, ValueType<T> type) {
        return new Builder<>(name, property, type);
    }

    /** The field's name, as the builder's setter and the getter spell it. */
    public String name() {
        return name;
    }

    /** The property name, such as {@code wal.apply.batch.size}. */
    public String property() {
        return property;
    }

    /** The environment variable: the property upper-cased, dots to underscores. */
    public String environmentVariable() {
        return ConfigSources.environmentName(property);
    }

    /** The unit the documentation names (duration, bytes, entries...). */
    public String unit() {
        return unit;
    }

    /** The documentation sentence. */
    public String doc() {
        return doc;
    }

    /** The default; null when the setting is required or unset by default (see {@link #defaultText()}). */
    public @Nullable T defaultValue() {
        return defaultValue;
    }

    /** The default as the documentation writes it. */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        return defaultValue == null ? "unset" : type.format(defaultValue);
    }

    /** The range as the documentation writes it ({@code 1 – 10 000}); {@code —} when there is none. */
    public String rangeText() {
        if (rangeText != null) {
            return rangeText;
        }
        if (min == null || max == null) { // range(min, max) sets both or neither
            return "—";
        }
        return format(min) + " – " + format(max);
    }

    /** Whether each target may override this setting ({@code wal.target.<name>.breaker...}). */
    public boolean perTarget() {
        return perTarget;
    }

    /** How the setting's text is parsed. */
    public ValueType<T> type() {
        return type;
    }

    /**
     * Checks a value given in code.
     *
     * @return {@code value}
     * @throws IllegalArgumentException naming the field and its range, if {@code value} is null or
     *                                  outside the range
     */
    public T check(T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (min != null && max != null && (min.compareTo(value) > 0 || max.compareTo(value) < 0)) {
            throw new IllegalArgumentException(name + " must be between " + plain(min) + " and " + plain(max)
                    + ("bytes".equals(unit) ? " bytes" : "") + " but was " + value);
        }
        return value;
    }

    /**
     * Parses and checks a value read from a source.
     *
     * @param text   the value's text, not blank
     * @param origin where it came from, as messages name it ("property wal.retention (from app.properties)")
     * @throws IllegalArgumentException naming {@code origin}, the expected form or range, and the text
     */
    public T read(String text, String origin) {
        T value;
        try {
            value = type.parse(text.trim());
        } catch (ValueType.Invalid e) {
            throw new IllegalArgumentException(origin + " must be " + e.getMessage() + " but was '" + text + "'");
        }
        return checkFrom(value, origin);
    }

    /** Checks {@code value}, naming {@code origin} first in the error if it is out of range. */
    T checkFrom(T value, String origin) {
        try {
            return check(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + " is out of range: " + e.getMessage(), e);
        }
    }

    /** A bound as a message writes it: {@code 1}, not {@code 1.0}, for a whole decimal. */
    private static String plain(Object bound) {
        if (bound instanceof Float || bound instanceof Double) {
            double d = ((Number) bound).doubleValue();
            if (d == Math.rint(d)) {
                return Long.toString((long) d);
            }
        }
        return String.valueOf(bound);
    }

    @SuppressWarnings("unchecked")
    private String format(Comparable<T> bound) {
        return type.format((T) bound);
    }

    @Override
    public String toString() {
        return name + " (" + property + ")";
    }

    /**
     * Builds a {@link Setting}. Not thread-safe.
     *
     * @param <T> the value's type
     */
    public static final class Builder<T> {
        private final String name;
        private final String property;
        private final ValueType<T> type;
        private String unit = "";
        private String doc = "";
        private @Nullable T defaultValue;
        private @Nullable String defaultText;
        private @Nullable Comparable<T> min;
        private @Nullable Comparable<T> max;
        private @Nullable String rangeText;
        private boolean perTarget;

        private Builder(String name, String property, ValueType<T> type) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            this.property = Objects.requireNonNull(property, "property must not be null");
            this.type = Objects.requireNonNull(type, "type must not be null");
            if (!property.matches("[a-z0-9]+(\\.[a-z0-9]+)*")) {
                throw new IllegalArgumentException("property must be lower case and dotted but was '" + property + "'");
            }
        }

        /** The unit the documentation names. */
        public Builder<T> unit(String unit) {
            this.unit = Objects.requireNonNull(unit, "unit must not be null");
            return this;
        }

        /** The documentation sentence. */
        public Builder<T> doc(String doc) {
            this.doc = Objects.requireNonNull(doc, "doc must not be null");
            return this;
        }

        /** The default value. */
        public Builder<T> defaultValue(T defaultValue) {
            this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue must not be null");
            return this;
        }

        /** The default as the documentation writes it, when the formatted value says too little ("0 (off)"). */
        public Builder<T> defaultText(String defaultText) {
            this.defaultText = Objects.requireNonNull(defaultText, "defaultText must not be null");
            return this;
        }

        /** The allowed range, both ends included; checked by {@link Setting#check}. */
        public <C extends Comparable<T>> Builder<T> range(C min, C max) {
            this.min = Objects.requireNonNull(min, "min must not be null");
            this.max = Objects.requireNonNull(max, "max must not be null");
            return this;
        }

        /** The range as the documentation writes it, for a setting whose range another class checks. */
        public Builder<T> rangeText(String rangeText) {
            this.rangeText = Objects.requireNonNull(rangeText, "rangeText must not be null");
            return this;
        }

        /** Each target may override the setting, under {@code wal.target.<name>.<property without wal.>}. */
        public Builder<T> perTarget() {
            this.perTarget = true;
            return this;
        }

        public Setting<T> build() {
            if (defaultValue != null) {
                Setting<T> probe = new Setting<>(this);
                probe.check(defaultValue);
                return probe;
            }
            return new Setting<>(this);
        }
    }
}
