package org.wal4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReportFileTest {
    private static final String PART = "<!-- part -->";

    private static String merge(String document, String label, String body) {
        String section = ReportFile.begin("run", label) + "\n" + body + "\n" + ReportFile.end("run", label) + "\n";
        return ReportFile.merge(document, "run", label, section, PART, () -> "## Part\n", "<!-- next -->");
    }

    @Test
    void aSectionRunAgain_replacesItself_andTheDocumentDoesNotGrow() {
        String first = merge("# report\n\n<!-- next -->\nlater\n", "a", "one");
        assertEquals("# report\n\n<!-- part -->\n## Part\n\n<!-- run: a -->\none\n<!-- /run: a -->\n\n<!-- next -->\n"
                + "later\n", first);
        String again = merge(first, "a", "two");
        assertEquals(first.replace("one", "two"), again);
        assertEquals(again, merge(again, "a", "two"));
    }

    @Test
    void aSectionWithoutItsEndMarker_isRefusedNamingIt() {
        assertEquals("The report's section 'a' has no end marker <!-- /run: a -->", assertThrows(
                IllegalStateException.class, () -> merge("<!-- run: a -->\nno end\n", "a", "x")).getMessage());
    }
}
