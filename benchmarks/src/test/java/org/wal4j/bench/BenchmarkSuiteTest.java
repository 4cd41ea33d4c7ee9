package org.wal4j.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkSuiteTest {

    @Test
    void defaults_runEverythingAndReportToDocs() {
        BenchmarkSuite.Arguments arguments = BenchmarkSuite.Arguments.parse(new String[0]);

        assertEquals(BenchmarkSuite.ALL, arguments.include);
        assertEquals(Paths.get("target", "jmh-result.json"), arguments.results);
        assertEquals(Paths.get("..", "docs", "benchmarks.md"), arguments.report);
        assertFalse(arguments.quick || arguments.reportOnly);
        assertEquals("", arguments.commandLine);
    }

    @Test
    void options_areReadAndNotesStayOutOfTheQuotedCommandLine() {
        BenchmarkSuite.Arguments arguments = BenchmarkSuite.Arguments.parse(new String[] {
            "--quick", "--include", "Tape.*", "--note", "busy machine", "--note", "second", "--report", "r.md"});

        assertTrue(arguments.quick);
        assertEquals("Tape.*", arguments.include);
        assertEquals(List.of("busy machine", "second"), arguments.notes);
        assertEquals(Paths.get("r.md"), arguments.report);
        assertEquals(" --quick --include Tape.* --note … --note … --report r.md", arguments.commandLine);
    }

    @Test
    void unknownOrIncompleteOptions_areRefused() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkSuite.Arguments.parse(new String[] {"--fast"}));
        assertEquals("Unknown option '--fast'; expected --quick, --include REGEX, --results FILE, --report FILE, "
                + "--report-only or --note TEXT", unknown.getMessage());
        IllegalArgumentException incomplete = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkSuite.Arguments.parse(new String[] {"--note"}));
        assertEquals("Option --note needs a value", incomplete.getMessage());
    }
}
