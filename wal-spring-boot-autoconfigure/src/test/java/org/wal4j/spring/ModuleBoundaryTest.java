package org.wal4j.spring;

import org.junit.jupiter.api.Test;
import org.wal4j.testing.SpiBoundary;

/**
 * wal-spring-boot-autoconfigure uses wal-core only through its supported packages: the build fails
 * when its main code reaches into {@code org.wal4j.internal}.
 */
class ModuleBoundaryTest {
    @Test
    void mainCode_usesNoInternalClassOfWalCore() {
        SpiBoundary.assertNoInternalReferences(Wal4jAutoConfiguration.class);
    }
}
