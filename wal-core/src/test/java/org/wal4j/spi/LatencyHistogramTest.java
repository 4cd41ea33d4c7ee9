package org.wal4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyHistogramReportsZero() {
        assertEquals(0, new LatencyHistogram().percentile(0.99));
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 10; v++) {
            h.record(v);
        }
        assertEquals(5, h.percentile(0.5));
        assertEquals(10, h.percentile(1.0));
        assertEquals(10, h.count());
    }

    @Test
    void percentileFollowsTheDistribution() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 990; i++) {
            h.record(100_000); // 100 µs
        }
        for (int i = 0; i < 10; i++) {
            h.record(5_000_000); // 5 ms
        }
        long p50 = h.percentile(0.5);
        long p999 = h.percentile(0.999);
        assertTrue(p50 >= 100_000 && p50 <= 112_500, "p50 " + p50);
        assertTrue(p999 >= 5_000_000 && p999 <= 5_625_000, "p99.9 " + p999);
    }

    @Test
    void quantileOutsideRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LatencyHistogram().percentile(1.5));
        assertEquals("quantile must be between 0 and 1 but was 1.5", e.getMessage());
    }

    @Property
    void bucketBoundIsAtMostAnEighthAbove(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long value) {
        int bucket = LatencyHistogram.bucket(value);
        long upper = LatencyHistogram.upperBound(bucket);
        assertTrue(upper >= value, () -> value + " above its bucket bound " + upper);
        assertTrue(upper - value <= value / 8, () -> value + " bound " + upper + " more than 12.5% above");
        if (bucket > 0) {
            assertTrue(LatencyHistogram.upperBound(bucket - 1) < value, () -> value + " belongs in a lower bucket");
        }
    }
}
