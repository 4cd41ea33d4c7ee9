package org.wal4j.bench;

/**
 * What the benchmarks' command lines have in common: an option's value, a whole number with a
 * lower bound, and the line as given (for the report's "how to run it again").
 *
 * <p>Stateless.
 */
final class Options {
    private Options() {
    }

    /** The value of the option at {@code index - 1}. */
    static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException("Option " + args[index - 1] + " needs a value");
        }
        return args[index];
    }

    /** The value of the option at {@code index - 1}: a whole number of at least {@code min}. */
    static long atLeast(String[] args, int index, long min) {
        String text = value(args, index);
        long number;
        try {
            number = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[index - 1] + " takes a whole number but was '" + text + "'", e);
        }
        if (number < min) {
            throw new IllegalArgumentException(args[index - 1] + " must be at least " + min + " but was " + number);
        }
        return number;
    }

    /** {@link #atLeast} for a count that fits an {@code int}. */
    static int count(String[] args, int index, int min) {
        long number = atLeast(args, index, min);
        if (number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(args[index - 1] + " must be at most " + Integer.MAX_VALUE + " but was "
                    + number);
        }
        return (int) number;
    }

    /** The arguments as one line, each one with a space quoted. */
    static String line(String[] args) {
        StringBuilder line = new StringBuilder();
        for (String arg : args) {
            line.append(' ').append(arg.contains(" ") ? "\"" + arg + "\"" : arg);
        }
        return line.toString();
    }
}
