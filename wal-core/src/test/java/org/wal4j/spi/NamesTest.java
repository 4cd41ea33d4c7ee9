package org.wal4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The name rules, checked without a regex, accept exactly what their documented patterns match. */
class NamesTest {
    private static final Pattern NAMESPACE = Pattern.compile(Names.NAMESPACE_RULE);
    private static final Pattern TARGET = Pattern.compile(Names.TARGET_RULE);

    @Property(tries = 2000)
    void namespaceAndTarget_acceptExactlyWhatTheirRuleMatches(@ForAll("names") String name) {
        assertEquals(NAMESPACE.matcher(name).matches(), accepted(() -> Names.requireNamespace(name)), name);
        assertEquals(TARGET.matcher(name).matches(), accepted(() -> Names.requireTarget(name)), name);
    }

    /** Mostly allowed characters, some not (space, slash, non-ASCII, a digit's look-alike), 0 to 140 long. */
    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("aZz09._-").withChars(" /:é٣\u0000").ofMinLength(0).ofMaxLength(140);
    }

    @Test
    void theBoundsOfEachRule() {
        assertEquals("a".repeat(128), Names.requireNamespace("a".repeat(128)));
        assertEquals("namespace must match [A-Za-z0-9._-]{1,128} but was '" + "a".repeat(61) + "...'",
                assertThrows(IllegalArgumentException.class, () -> Names.requireNamespace("a".repeat(129))).getMessage());
        assertEquals("namespace must match [A-Za-z0-9._-]{1,128} but was ''",
                assertThrows(IllegalArgumentException.class, () -> Names.requireNamespace("")).getMessage());
        assertEquals("b".repeat(64), Names.requireTarget("b".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> Names.requireTarget("b".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> Names.requireTarget("pri mary"));
    }

    private static boolean accepted(Runnable check) {
        try {
            check.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
