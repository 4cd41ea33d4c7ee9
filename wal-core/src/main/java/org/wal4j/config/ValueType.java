package org.wal4j.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the text of a setting (a property value or an environment variable) becomes a value, and
 * how a value is written in the documentation tables. The syntax, the same for every setting of
 * every module:
 * <ul>
 *   <li>durations: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT30S});</li>
 *   <li>sizes in bytes: {@code 1048576}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB} (also {@code KB/MB/GB} as powers of 1024);</li>
 *   <li>enums by name, case-insensitive; booleans {@code true}/{@code false}.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the value's type
 */
public final class ValueType<T> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?",
            Pattern.CASE_INSENSITIVE);

    private final Function<String, T> parser;
    private final Function<T, String> docFormat;

    private ValueType(Function<String, T> parser, Function<T, String> docFormat) {
        this.parser = parser;
        this.docFormat = docFormat;
    }

    /** Durations: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601. */
    public static ValueType<Duration> duration() {
        return new ValueType<>(ValueType::parseDuration, ValueType::formatDuration);
    }

    /** Sizes in bytes: a number, or a number with {@code KiB}, {@code MiB}, {@code GiB}. */
    public static ValueType<Long> bytes() {
        return new ValueType<>(ValueType::parseBytes, ValueType::formatBytes);
    }

    /** Sizes in bytes, as {@link #bytes()}, that fit an {@code int}: below 2 GiB. */
    public static ValueType<Integer> intBytes() {
        return new ValueType<>(value -> {
            long bytes = parseBytes(value);
            if (bytes > Integer.MAX_VALUE) {
                throw new Invalid("a size below 2 GiB");
            }
            return (int) bytes;
        }, v -> formatBytes(v));
    }

    /** Whole numbers that fit an {@code int}. */
    public static ValueType<Integer> integer() {
        return new ValueType<>(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new Invalid("a whole number");
            }
        }, v -> formatNumber(v, Integer.MAX_VALUE, "2^31−1"));
    }

    /** Whole numbers that fit a {@code long}. */
    public static ValueType<Long> longInteger() {
        return new ValueType<>(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new Invalid("a whole number");
            }
        }, v -> formatNumber(v, Long.MAX_VALUE, "2^63−1"));
    }

    /** Finite decimal numbers, such as {@code 2} or {@code 1.5}. */
    public static ValueType<Double> decimal() {
        return new ValueType<>(ValueType::parseDecimal, ValueType::formatDecimal);
    }

    /** Finite decimal numbers as a {@code float}, such as a percentage. */
    public static ValueType<Float> floating() {
        return new ValueType<>(value -> (float) parseDecimal(value), v -> formatDecimal((double) v));
    }

    /** {@code true} or {@code false}, case-insensitive. */
    public static ValueType<Boolean> bool() {
        return new ValueType<>(value -> {
            if (value.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (value.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            throw new Invalid("true or false");
        }, String::valueOf);
    }

    /** A constant of {@code type} by name, case-insensitive. */
    public static <E extends Enum<E>> ValueType<E> enumOf(Class<E> type) {
        Objects.requireNonNull(type, "type must not be null");
        return new ValueType<>(value -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value)) {
                    return constant;
                }
            }
            throw new Invalid("one of " + Arrays.toString(type.getEnumConstants()));
        }, e -> "`" + e.name() + "`");
    }

    /** A file system path. */
    public static ValueType<Path> path() {
        return new ValueType<>(value -> Paths.get(value), String::valueOf);
    }

    /**
     * Parses {@code text} (already trimmed, not blank).
     *
     * @throws Invalid saying what was expected
     */
    T parse(String text) {
        return parser.apply(text);
    }

    /** {@code value} as the documentation tables write it: {@code 64 MiB}, {@code 30 s}, {@code 10 000}. */
    public String format(T value) {
        return docFormat.apply(value);
    }

    /** A text that is not a value of the type; the message says what was expected ("a whole number"). */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String expected) {
            super(expected, null, false, false);
        }
    }

    private static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms": return Duration.ofMillis(amount);
                case "s": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                case "h": return Duration.ofHours(amount);
                case "d": return Duration.ofDays(amount);
                default: throw new IllegalStateException("unit not in the pattern: " + m.group(2));
            }
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new Invalid("a duration such as 250ms, 30s, 5m, 2h, 7d or PT30S");
        }
    }

    private static long parseBytes(String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new Invalid("a size in bytes such as 1048576, 64KiB, 64MiB or 1GiB");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new Invalid("a size below 8 EiB");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        if (Long.numberOfLeadingZeros(amount) <= shift) {
            throw new Invalid("a size below 8 EiB");
        }
        return amount << shift;
    }

    private static double parseDecimal(String value) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new Invalid("a number such as 2 or 1.5");
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new Invalid("a finite number");
        }
        return d;
    }

    private static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + " d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }

    private static String formatBytes(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes != Long.MAX_VALUE && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + " " + units[i];
            }
        }
        return formatNumber(bytes, Long.MAX_VALUE, "2^63−1");
    }

    /** Thousands grouped by a space, as the tables write them; the type's maximum by its power of two. */
    private static String formatNumber(long value, long typeMax, String typeMaxText) {
        if (value == typeMax) {
            return typeMaxText;
        }
        String digits = Long.toString(Math.abs(value));
        if (digits.length() <= 4) {
            return Long.toString(value);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                out.append(' ');
            }
            out.append(digits.charAt(i));
        }
        return (value < 0 ? "-" : "") + out;
    }

    private static String formatDecimal(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
