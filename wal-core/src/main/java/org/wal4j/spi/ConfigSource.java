package org.wal4j.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads settings from {@link Properties} or from the environment. A setting has one property
 * name, such as {@code wal.sync.policy}; its environment name is derived from it by upper-casing
 * and replacing dots with underscores ({@code WAL_SYNC_POLICY}). Values:
 * <ul>
 *   <li>durations: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT30S});</li>
 *   <li>sizes in bytes: {@code 1048576}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB} (also {@code KB/MB/GB} as powers of 1024);</li>
 *   <li>enums by name, case-insensitive; booleans {@code true}/{@code false}.</li>
 * </ul>
 * Every parse error names the setting, where it came from and the value.
 *
 * <p>Immutable; thread-safe when the {@link Properties} or environment map it reads is not
 * changed meanwhile.
 */
public final class ConfigSource {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);

    private final Function<String, String> lookup;
    private final boolean environment;

    private ConfigSource(Function<String, String> lookup, boolean environment) {
        this.lookup = lookup;
        this.environment = environment;
    }

    /** Settings from properties, looked up by property name. */
    public static ConfigSource of(Properties properties) {
        return new ConfigSource(properties::getProperty, false);
    }

    /** Settings from environment variables, looked up by the derived environment name. */
    public static ConfigSource ofEnvironment(Map<String, String> environment) {
        return new ConfigSource(name -> environment.get(environmentName(name)), true);
    }

    /** {@code wal.sync.policy} → {@code WAL_SYNC_POLICY}. */
    public static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public Optional<String> string(String property) {
        String value = lookup.apply(property);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public Optional<Duration> duration(String property) {
        return string(property).map(value -> parseDuration(property, value));
    }

    public Optional<Long> bytes(String property) {
        return string(property).map(value -> parseBytes(property, value));
    }

    public Optional<Integer> integer(String property) {
        return string(property).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw invalid(property, value, "a whole number");
            }
        });
    }

    public Optional<Long> longValue(String property) {
        return string(property).map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw invalid(property, value, "a whole number");
            }
        });
    }

    public Optional<Double> decimal(String property) {
        return string(property).map(value -> {
            try {
                double d = Double.parseDouble(value);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw invalid(property, value, "a finite number");
                }
                return d;
            } catch (NumberFormatException e) {
                throw invalid(property, value, "a number such as 2 or 1.5");
            }
        });
    }

    public Optional<Boolean> bool(String property) {
        return string(property).map(value -> {
            if (value.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (value.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            throw invalid(property, value, "true or false");
        });
    }

    public <E extends Enum<E>> Optional<E> enumValue(String property, Class<E> type) {
        return string(property).map(value -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value)) {
                    return constant;
                }
            }
            throw invalid(property, value, "one of " + java.util.Arrays.toString(type.getEnumConstants()));
        });
    }

    private Duration parseDuration(String property, String value) {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms": return Duration.ofMillis(amount);
                case "s": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                case "h": return Duration.ofHours(amount);
                default: return Duration.ofDays(amount);
            }
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(property, value, "a duration such as 250ms, 30s, 5m, 2h, 7d or PT30S");
        }
    }

    private long parseBytes(String property, String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw invalid(property, value, "a size in bytes such as 1048576, 64KiB, 64MiB or 1GiB");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        if (Long.numberOfLeadingZeros(amount) <= shift) {
            throw invalid(property, value, "a size below 8 EiB");
        }
        return amount << shift;
    }

    private IllegalArgumentException invalid(String property, String value, String expected) {
        String where = environment ? "environment variable " + environmentName(property) : "property " + property;
        return new IllegalArgumentException(where + " must be " + expected + " but was '" + value + "'");
    }
}
