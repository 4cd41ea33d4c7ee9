package org.wal4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmhResultTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void throughputInOpsPerMillisecond_isReadAsOpsPerSecond() throws Exception {
        JmhResult result = JmhResult.parse(mapper.readTree("{"
                + "\"benchmark\":\"org.wal4j.bench.GroupCommitBenchmark.append_t64\",\"mode\":\"thrpt\",\"threads\":64,"
                + "\"forks\":1,\"warmupIterations\":2,\"warmupTime\":\"1 s\",\"measurementIterations\":8,"
                + "\"measurementTime\":\"1 s\","
                + "\"vmName\":\"OpenJDK 64-Bit Server VM\",\"vmVersion\":\"17.0.15\","
                + "\"params\":{\"payloadBytes\":\"4096\"},"
                + "\"primaryMetric\":{\"score\":12.5,\"scoreError\":0.5,\"scoreUnit\":\"ops/ms\"},"
                + "\"secondaryMetrics\":{\"gc.alloc.rate\":{\"score\":3.0}}}"));

        assertEquals("GroupCommitBenchmark.append_t64", result.benchmark());
        assertEquals(64, result.threads());
        assertEquals("4096", result.payloadBytes());
        assertEquals(12_500, result.score(), 1e-9);
        assertEquals(500, result.error(), 1e-9);
        assertEquals(3.0, result.secondary().get("gc.alloc.rate"));
        assertEquals("OpenJDK 64-Bit Server VM 17.0.15", result.jvm());
        assertTrue(result.isThroughput());
        assertEquals("1 fork × (2 × 1 s warm-up + 8 × 1 s measured)", result.settings());
    }

    @Test
    void sampleTime_readsPercentilesAndTheirRangeAcrossIterations() throws Exception {
        JmhResult result = JmhResult.parse(mapper.readTree("{"
                + "\"benchmark\":\"org.wal4j.bench.FileChannelForceBenchmark.writeAndForceLatency\",\"mode\":\"sample\","
                + "\"threads\":1,\"params\":{\"payloadBytes\":\"256\"},"
                + "\"primaryMetric\":{\"score\":0.9,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms/op\","
                + "\"scorePercentiles\":{\"50.0\":0.8,\"99.0\":2.0},"
                + "\"rawDataHistogram\":[[ [[0.5,10],[1.0,89],[3.0,1]], [[0.7,50],[0.9,48],[2.5,2]] ]]}}"));

        assertEquals(900, result.score(), 1e-9);
        assertTrue(Double.isNaN(result.error()));
        assertEquals(800, result.percentile(50.0).getAsDouble(), 1e-9);
        assertEquals(2000, result.percentile(99.0).getAsDouble(), 1e-9);
        // iteration 1: p50 1.0 ms, p99 1.0 ms; iteration 2: p50 0.7 ms, p99 2.5 ms
        assertArrayEquals(new double[] {700, 1000}, result.percentileRanges().get(50.0), 1e-9);
        assertArrayEquals(new double[] {1000, 2500}, result.percentileRanges().get(99.0), 1e-9);
    }

    @Test
    void histogramPercentile_isTheNearestRank() throws Exception {
        String histogram = "[[3.0,1],[1.0,2],[2.0,1]]"; // unsorted, as JMH may write it: 1, 1, 2, 3
        assertEquals(1.0, JmhResult.histogramPercentile(mapper.readTree(histogram), 50.0));
        assertEquals(2.0, JmhResult.histogramPercentile(mapper.readTree(histogram), 75.0));
        assertEquals(3.0, JmhResult.histogramPercentile(mapper.readTree(histogram), 99.0));
        assertTrue(Double.isNaN(JmhResult.histogramPercentile(mapper.readTree("[]"), 50.0)));
    }

    @Test
    void factor_convertsEveryJmhUnit() {
        assertEquals(1, JmhResult.factor("ops/s", "thrpt"), 1e-12);
        assertEquals(1e6, JmhResult.factor("ops/us", "thrpt"), 1e-6);
        assertEquals(1e-3, JmhResult.factor("ns/op", "sample"), 1e-12);
        assertEquals(1e6, JmhResult.factor("s/op", "ss"), 1e-6);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> JmhResult.factor("furlongs/op", "avgt"));
        assertEquals("Unknown time unit 'furlongs' in JMH unit 'furlongs/op'", unknown.getMessage());
    }
}
