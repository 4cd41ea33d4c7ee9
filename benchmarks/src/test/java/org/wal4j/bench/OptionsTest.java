package org.wal4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptionsTest {
    private static String refused(Runnable parse) {
        return assertThrows(IllegalArgumentException.class, parse::run).getMessage();
    }

    @Test
    void numbers_areWholeAndWithinTheirBounds_elseTheOptionAndValueAreNamed() {
        String[] args = {"--warmup", "0", "--threads", "0", "--calls", "many", "--big", "3000000000", "--label"};
        assertEquals(0, Options.count(args, 1, 0));
        assertEquals("--threads must be at least 1 but was 0", refused(() -> Options.count(args, 3, 1)));
        assertEquals("--calls takes a whole number but was 'many'", refused(() -> Options.atLeast(args, 5, 1)));
        assertEquals(3_000_000_000L, Options.atLeast(args, 7, 1));
        assertEquals("--big must be at most 2147483647 but was 3000000000", refused(() -> Options.count(args, 7, 1)));
        assertEquals("Option --label needs a value", refused(() -> Options.value(args, 9)));
    }

    @Test
    void line_quotesWhatHoldsASpace() {
        assertEquals(" --label \"a run\" --quick", Options.line(new String[] {"--label", "a run", "--quick"}));
    }
}
