package org.wal4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Output captured from an example run in this JVM, and lookups in an example's output. */
final class Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    PrintStream stream() {
        return stream;
    }

    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The groups of the first line of {@code text} that {@code regex} matches in full; fails if none. */
    static Matcher line(String text, String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (String line : text.split("\\R")) {
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
        return fail("no line matches " + regex + " in:\n" + text);
    }

    /** A number as the examples print it ({@code 1,234}). */
    static long number(String printed) {
        return Long.parseLong(printed.replace(",", ""));
    }
}
