package org.wal4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PayloadsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void json_hasExactlyTheRequestedSizeAndParses() throws Exception {
        for (int size = Payloads.MIN_BYTES; size <= 8192; size += 37) {
            for (long seed = 0; seed < 5; seed++) {
                byte[] payload = Payloads.json(size, seed);
                assertEquals(size, payload.length, "size " + size + " seed " + seed);
                JsonNode node = mapper.readTree(payload);
                assertTrue(node.path("account").asText().startsWith("acc-"), node.toString());
                assertTrue(node.path("amount").isInt(), node.toString());
            }
        }
    }

    @Test
    void json_isDeterministicPerSeedAndDiffersAcrossSeeds() {
        assertArrayEquals(Payloads.json(4096, 7), Payloads.json(4096, 7));
        assertArrayEquals(Payloads.json(256), Payloads.json(256, 0));
        assertFalse(java.util.Arrays.equals(Payloads.json(256, 1), Payloads.json(256, 2)));
    }

    @Test
    void json_belowTheMinimum_isRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Payloads.json(63));
        assertEquals("sizeBytes must be at least 64 but was 63", refused.getMessage());
    }
}
