package org.wal4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.Wal;

class SpiBoundaryTest {
    @Test
    void mainCode_usesNoInternalClassOfWalCore() {
        SpiBoundary.assertNoInternalReferences(InMemoryWalStorage.class);
    }

    /** wal-core itself is built on its internals: the check must see that, or it could never fail. */
    @Test
    void walCore_isReportedClassByClass() {
        AssertionError error = assertThrows(AssertionError.class, () -> SpiBoundary.assertNoInternalReferences(Wal.class));
        assertTrue(error.getMessage().contains("uses org.wal4j.internal, which is not a supported API (use org.wal4j.spi)"),
                error.getMessage());
        assertTrue(error.getMessage().contains("\n  org/wal4j/Wal.class -> org/wal4j/internal/WalEngine\n"),
                error.getMessage());
    }

    @Test
    void nestedClasses_areScannedAndTheirTargetsNamedByTopLevelClass() throws Exception {
        Path walCore = Path.of(Wal.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> references = SpiBoundary.internalReferences(walCore);
        assertTrue(references.contains("org/wal4j/WalEntry$Builder.class -> org/wal4j/internal/PayloadJson"),
                references::toString);
        assertTrue(references.stream().map(r -> r.substring(r.indexOf(" -> "))).noneMatch(target -> target.contains("$")),
                references::toString);
    }

    @Test
    void aLocationWithoutClasses_isRefused(@TempDir Path empty) {
        AssertionError error = assertThrows(AssertionError.class, () -> SpiBoundary.internalReferences(empty));
        assertEquals("no class file in " + empty + "; nothing to check", error.getMessage());
    }
}
