package org.wal4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wal4j.LaneId;

class ApplyPartitionsTest {

    /** The values Apache Kafka's own tests expect of {@code Utils.murmur2}: the function must never change. */
    @Test
    void murmur2_matchesKafkasTestVectors() {
        Map<String, Integer> expected = Map.of(
                "21", -973932308,
                "foobar", -790332482,
                "a-little-bit-long-string", -985981536,
                "a-little-bit-longer-string", -1486304829,
                "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971,
                "abc", 479470107);
        expected.forEach((text, hash) ->
                assertEquals(hash, ApplyPartitions.murmur2(text.getBytes(StandardCharsets.UTF_8)), text));
    }

    @Test
    void routingKey_isNamespaceZeroKey_andKeylessEndsAtTheZero() {
        assertArrayEquals(new byte[] {'a', 'c', 'c', 0, 'k', '1'}, ApplyPartitions.routingKey(LaneId.of("acc", "k1")));
        assertArrayEquals(new byte[] {'a', 'c', 'c', 0}, ApplyPartitions.routingKey(LaneId.keyless("acc")));
    }

    @Test
    void of_isTheHashOfTheRoutingKey_andSpreadsLanesOverEveryPartition() {
        LaneId lane = LaneId.of("accounts", "acct-42");
        assertEquals((ApplyPartitions.murmur2(ApplyPartitions.routingKey(lane)) & 0x7fffffff) % 4,
                ApplyPartitions.of(lane, 4));
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            counts[ApplyPartitions.of(LaneId.of("accounts", "acct-" + i), 4)]++;
        }
        for (int n : counts) {
            assertTrue(n > 850 && n < 1150, "uneven spread " + java.util.Arrays.toString(counts));
        }
        assertEquals(0, ApplyPartitions.of(LaneId.of("accounts", "x"), 1));
    }

    @Test
    void of_refusesAPartitionCountOutOfRange_namingIt() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ApplyPartitions.of(LaneId.of("a", "b"), 0));
        assertEquals("partitions must be between 1 and 1024 but was 0", zero.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> ApplyPartitions.of(LaneId.of("a", "b"), 1025));
        assertTrue(tooMany.getMessage().endsWith("but was 1025"));
    }
}
