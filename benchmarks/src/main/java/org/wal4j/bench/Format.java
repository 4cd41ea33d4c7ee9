package org.wal4j.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Number formatting for the report: rates in operations per second, times in µs (ms from 10 ms
 * up), ratios with two decimals. A missing or undefined value prints as an empty cell or "n/a",
 * never as 0.
 *
 * <p>Thread-safe: stateless.
 */
final class Format {

    private Format() {
    }

    /** Operations per second: thousands separated, decimals only for small rates. */
    static String rate(double opsPerSecond) {
        if (Double.isNaN(opsPerSecond) || Double.isInfinite(opsPerSecond)) {
            return "n/a";
        }
        if (Math.abs(opsPerSecond) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", opsPerSecond);
        }
        return String.format(Locale.ROOT, Math.abs(opsPerSecond) >= 10 ? "%.1f" : "%.2f", opsPerSecond);
    }

    /** A duration given in µs. */
    static String time(double micros) {
        if (Double.isNaN(micros) || Double.isInfinite(micros)) {
            return "n/a";
        }
        if (Math.abs(micros) >= 10_000) {
            return String.format(Locale.ROOT, "%,.1f ms", micros / 1000);
        }
        if (Math.abs(micros) >= 100) {
            return String.format(Locale.ROOT, "%,.0f µs", micros);
        }
        return String.format(Locale.ROOT, "%.1f µs", micros);
    }

    static String time(OptionalDouble micros) {
        return micros.isPresent() ? time(micros.getAsDouble()) : "";
    }

    /** A percentile of a sampled result with its range across iterations: {@code 812 µs [790 – 840 µs]}. */
    static String percentile(JmhResult result, double p) {
        OptionalDouble value = result.percentile(p);
        if (value.isEmpty()) {
            return "";
        }
        double[] range = result.percentileRanges().get(p);
        String text = time(value.getAsDouble());
        return range == null ? text : text + " [" + time(range[0]) + " – " + time(range[1]) + "]";
    }

    /** A value in the unit a target names. */
    static String value(double value, String unit) {
        switch (unit) {
            case "µs": return time(value);
            case "ops/s": return rate(value) + " ops/s";
            default: return rate(value) + " " + unit;
        }
    }

    static String ratio(double ratio) {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, ratio >= 100 ? "%,.0f×" : "%.2f×", ratio);
    }

    /**
     * {@code a ÷ b} for two throughput results, with the lowest and highest ratio their confidence
     * intervals allow; the range is left out when an error is unknown.
     */
    static String ratioWithRange(JmhResult a, JmhResult b) {
        String ratio = ratio(a.score() / b.score());
        if (Double.isNaN(a.error()) || Double.isNaN(b.error())) {
            return ratio;
        }
        double low = (a.score() - a.error()) / (b.score() + b.error());
        double highDenominator = b.score() - b.error();
        String high = highDenominator > 0 ? ratio((a.score() + a.error()) / highDenominator) : "∞";
        return ratio + " [" + ratio(Math.max(0, low)) + " – " + high + "]";
    }

    /** Payload throughput of a result in MiB/s, or empty when it has no payload size. */
    static String mebibytesPerSecond(JmhResult result) {
        if (result.payloadBytes() == null || !result.isThroughput()) {
            return "";
        }
        double mib = result.score() * Integer.parseInt(result.payloadBytes()) / (1024.0 * 1024.0);
        return String.format(Locale.ROOT, mib >= 10 ? "%,.0f" : "%.2f", mib);
    }
}
