package org.wal4j.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time line end search finds what a byte-by-byte search finds. */
class LineReaderTest {

    @Property(tries = 2000)
    void endOfLine_findsTheFirstNewlineOrZero_asAByteByByteSearch(@ForAll("bytes") byte[] b,
            @ForAll @IntRange(min = 0, max = 80) int from, @ForAll @IntRange(min = 0, max = 80) int to) {
        int start = Math.min(from, b.length);
        int limit = Math.max(start, Math.min(to, b.length));
        assertEquals(naive(b, start, limit), LineReader.endOfLine(b, start, limit));
    }

    @Test
    void endOfLine_ofEveryByteValueAtEveryPosition() {
        for (int value = 0; value < 256; value++) {
            for (int at = 0; at < 24; at++) {
                byte[] b = new byte[24];
                java.util.Arrays.fill(b, (byte) 'x');
                b[at] = (byte) value;
                int expected = value == '\n' || value == 0 ? at : 24;
                for (int from = 0; from <= 24; from++) {
                    assertEquals(from <= at ? expected : 24, LineReader.endOfLine(b, from, 24),
                            "byte " + value + " at " + at + " from " + from);
                }
            }
        }
    }

    private static int naive(byte[] b, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b[i] == '\n' || b[i] == 0) {
                return i;
            }
        }
        return limit;
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<Byte> mostlyText = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(40, Arbitraries.bytes().between((byte) 0x20, (byte) 0x7e)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) '\n')),
                net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) 0)),
                net.jqwik.api.Tuple.of(5, Arbitraries.of((byte) 0x0b, (byte) 0x09, (byte) 0x01, (byte) 0x8a, (byte) 0xff)),
                net.jqwik.api.Tuple.of(10, Arbitraries.bytes()));
        return mostlyText.array(byte[].class).ofMaxSize(80);
    }
}
