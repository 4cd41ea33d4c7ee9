package org.wal4j.storage.kafka;

import org.junit.jupiter.api.Test;
import org.wal4j.testing.SpiBoundary;

/**
 * wal-storage-kafka uses wal-core only through its supported packages ({@code org.wal4j},
 * {@code org.wal4j.event}, {@code org.wal4j.spi}): the build fails when its main code reaches
 * into {@code org.wal4j.internal}.
 */
class ModuleBoundaryTest {
    @Test
    void mainCode_usesNoInternalClassOfWalCore() {
        SpiBoundary.assertNoInternalReferences(KafkaWalStorage.class);
    }
}
