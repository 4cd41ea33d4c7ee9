package org.wal4j.cli;

import java.util.Locale;

/**
 * Byte counts for people: {@code 512 B}, {@code 12.3 KiB}, {@code 1.5 GiB}.
 *
 * <p>Stateless and thread-safe.
 */
final class Sizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private Sizes() {
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }
}
