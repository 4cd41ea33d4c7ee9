package org.wal4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks that a table of docs/configuration.md is the one rendered from the settings'
 * descriptors. A table sits between {@code <!-- table: NAME (generated ...) -->} and
 * {@code <!-- end table: NAME -->}. Run a test with {@code -Dwal4j.docs.write=true} to rewrite the
 * tables from the descriptors instead of checking them.
 *
 * <p>Stateless and thread-safe (tests of one module do not write the doc concurrently).
 */
public final class DocTables {
    /** The documentation, seen from a module's directory (where surefire runs the tests). */
    public static final Path CONFIGURATION_DOC = Paths.get("..", "docs", "configuration.md");

    private DocTables() {
    }

    /** Asserts that the table {@code name} of docs/configuration.md is {@code rendered}, or rewrites it. */
    public static void assertTable(String name, String rendered) throws IOException {
        assertTrue(Files.isRegularFile(CONFIGURATION_DOC), "missing " + CONFIGURATION_DOC.toAbsolutePath());
        String doc = Files.readString(CONFIGURATION_DOC, StandardCharsets.UTF_8);
        String begin = "<!-- table: " + name + " (generated from the descriptors; see DocTables) -->\n";
        String end = "<!-- end table: " + name + " -->";
        int from = doc.indexOf(begin);
        int to = doc.indexOf(end);
        assertTrue(from >= 0 && to > from, "docs/configuration.md has no markers " + begin.trim() + " ... " + end);
        String current = doc.substring(from + begin.length(), to);
        if (Boolean.getBoolean("wal4j.docs.write")) {
            Files.writeString(CONFIGURATION_DOC, doc.substring(0, from + begin.length()) + rendered + doc.substring(to),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(rendered, current, "docs/configuration.md table '" + name + "' differs from its descriptors;"
                + " run the test with -Dwal4j.docs.write=true to render it");
    }
}
