package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalEntry;
import org.wal4j.storage.file.FileWalStorage;

class LoadCommandTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    @Test
    void load_printAcks_everyAckedSeqIsInTheLogWithItsId() {
        Path log = dir.resolve("scratch");

        Cli.Result r = cli.run("load", "--dir", log.toString(), "--threads", "3", "--count", "200",
                "--payload-bytes", "64", "--sync-policy", "interval", "--print-acks");

        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.outLines();
        assertEquals(202, lines.size(), r::toString);
        Map<Long, String> acks = new HashMap<>();
        for (String line : lines.subList(0, 200)) {
            String[] parts = line.split(" ");
            assertEquals(3, parts.length, line);
            assertEquals("ack", parts[0]);
            assertEquals(null, acks.put(Long.parseLong(parts[1]), parts[2]), "seq acknowledged twice: " + line);
        }
        assertTrue(lines.get(200).matches("200 entries acknowledged in \\d+\\.\\d\\d s by 3 threads, 64-byte payloads, "
                + "sync policy INTERVAL: \\d+\\.\\d entries/s \\(\\d+\\.\\d\\d MiB/s of payload\\)"), lines.get(200));
        assertTrue(lines.get(201).matches("latency ms: avg [\\d.]+, p50 [\\d.]+, p95 [\\d.]+, p99 [\\d.]+, "
                + "p99\\.9 [\\d.]+, max [\\d.]+"), lines.get(201));
        try (FileWalStorage storage = TestLogs.open(log)) {
            assertEquals(200, storage.lastSeq());
            for (Map.Entry<Long, String> ack : acks.entrySet()) {
                Optional<WalEntry> e = storage.read(ack.getKey());
                assertTrue(e.isPresent(), "acknowledged seq " + ack.getKey() + " is not in the log");
                assertEquals(ack.getValue(), e.get().id());
                assertEquals(64, e.get().payload().length());
                assertEquals(List.of("load"), e.get().targets());
            }
        }
    }

    @Test
    void load_json_summary() throws Exception {
        Cli.Result r = cli.run("load", "--dir", dir.toString(), "--threads", "2", "--count", "50", "--json");

        assertEquals(0, r.exitCode(), r::toString);
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals(50, n.get("entries").asInt());
        assertEquals("ALWAYS", n.get("syncPolicy").asText());
        JsonNode ms = n.get("latencyMs");
        assertTrue(ms.get("p50").asDouble() <= ms.get("p95").asDouble());
        assertTrue(ms.get("p95").asDouble() <= ms.get("p99").asDouble());
        assertTrue(ms.get("p99").asDouble() <= ms.get("p99.9").asDouble());
        assertTrue(ms.get("p99.9").asDouble() <= ms.get("max").asDouble());
    }

    @Test
    void load_badNumbers_areUsageErrors() {
        Cli.Result r = cli.run("load", "--dir", dir.toString(), "--payload-bytes", "3");
        assertEquals(2, r.exitCode());
        assertEquals("wal load: --payload-bytes must be between 8 and 1048576 but was 3 (see 'wal load --help')\n",
                r.err());
        assertEquals("wal load: --threads must be between 1 and 1024 but was 0 (see 'wal load --help')\n",
                cli.run("load", "--dir", dir.toString(), "--threads", "0").err());
    }

    @Test
    void latencyPercentiles_areNearestRank() {
        LatencyRecorder a = new LatencyRecorder(4);
        LatencyRecorder b = new LatencyRecorder(4);
        for (int i = 1; i <= 500; i++) {
            a.record(i);
            b.record(500 + i);
        }
        LatencyRecorder.Sorted s = LatencyRecorder.merge(a, b);
        assertEquals(1000, s.count());
        assertEquals(500, s.percentile(0.50));
        assertEquals(950, s.percentile(0.95));
        assertEquals(990, s.percentile(0.99));
        assertEquals(999, s.percentile(0.999));
        assertEquals(1000, s.max());
        assertEquals(500.5, s.mean(), 1e-9);
    }
}
