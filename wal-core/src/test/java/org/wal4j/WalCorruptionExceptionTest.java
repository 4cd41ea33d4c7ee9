package org.wal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What a caller learns from a corruption: the file, the offset and, where there was one, both checksums. */
class WalCorruptionExceptionTest {
    private static final Path SEGMENT = Path.of("/var/lib/app/wal/segment-00000000000000000001.log");

    @Test
    void checksumMismatch_namesFileOffsetAndBothChecksumsInHex() {
        WalCorruptionException e = new WalCorruptionException(SEGMENT, 4096, 0xcafeL, 0xdeadbeefL);

        assertEquals("Corrupt record in " + SEGMENT + " at offset 4096: stored checksum is 0000cafe "
                + "but computed checksum is deadbeef", e.getMessage());
        assertEquals(SEGMENT, e.file());
        assertEquals(4096, e.offset());
        assertEquals(OptionalLong.of(0xcafeL), e.expectedChecksum());
        assertEquals(OptionalLong.of(0xdeadbeefL), e.actualChecksum());
        assertInstanceOf(WalException.class, e);
    }

    @Test
    void unreadableRecord_saysWhy_andHasNoChecksums() {
        WalCorruptionException e = new WalCorruptionException(SEGMENT, 0, "no closing brace");

        assertEquals("Corrupt record in " + SEGMENT + " at offset 0: no closing brace", e.getMessage());
        assertEquals(SEGMENT, e.file());
        assertEquals(0, e.offset());
        assertEquals(OptionalLong.empty(), e.expectedChecksum());
        assertEquals(OptionalLong.empty(), e.actualChecksum());
    }

    @Test
    void checksumMismatch_ofZero_isStillAChecksum() {
        WalCorruptionException e = new WalCorruptionException(SEGMENT, 12, 0, 0xffffffffL);

        assertEquals(OptionalLong.of(0), e.expectedChecksum());
        assertEquals(OptionalLong.of(0xffffffffL), e.actualChecksum());
    }
}
