package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.WalEntry;
import org.wal4j.testing.TestEntries;

class DumpCommandTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    private List<JsonNode> dump(String... filters) throws Exception {
        List<String> args = new ArrayList<>(List.of("dump", "--dir", dir.toString()));
        args.addAll(List.of(filters));
        Cli.Result r = cli.run(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.outLines()) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    private static List<Long> seqs(List<JsonNode> entries) {
        List<Long> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.get("seq").asLong()));
        return out;
    }

    @Test
    void dump_printsEveryEntryAsOneJsonLine_withStatusesAndPayload() throws Exception {
        TestLogs.standard(dir);

        List<JsonNode> all = dump();

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), seqs(all));
        JsonNode seven = all.get(6);
        assertEquals("orders", seven.get("namespace").asText());
        assertEquals("debit", seven.get("operation").asText());
        assertEquals("account-0", seven.get("key").asText());
        assertEquals("2026-01-01T00:00:00.007Z", seven.get("createdAt").asText());
        assertEquals("DEAD", seven.get("status").get("primary").asText());
        assertEquals("PENDING", seven.get("status").get("replica").asText());
        assertEquals(70, seven.get("payload").get("amount").asInt());
        assertEquals(10, seven.get("lifecycle").get("maxAttempts").asInt());
    }

    @Test
    void dump_filtersByStatus_anyTargetOrOne() throws Exception {
        TestLogs.standard(dir);

        assertEquals(List.of(7L), seqs(dump("--status", "DEAD")));
        assertEquals(List.of(7L, 8L, 9L, 10L), seqs(dump("--status", "dead,pending", "--target", "primary")));
        assertEquals(List.of(1L, 2L, 3L), seqs(dump("--status", "APPLIED", "--target", "replica")));
        assertEquals(List.of(), seqs(dump("--status", "EXPIRED")));
    }

    @Test
    void dump_filtersByTimeRange_fromInclusiveToExclusive() throws Exception {
        TestLogs.standard(dir);

        assertEquals(List.of(3L, 4L), seqs(dump("--from", "2026-01-01T00:00:00.003Z", "--to", "2026-01-01T00:00:00.005Z")));
        assertEquals(List.of(9L, 10L), seqs(dump("--from", "2026-01-01T01:00:00.009+01:00")));
    }

    @Test
    void dump_filtersByNamespaceCorrelationTenantAndLimit() throws Exception {
        TestLogs.append(dir, List.of(
                WalEntry.builder("orders", "debit").payloadJson("{}").targets("primary").correlationId("saga-1")
                        .tenantId("acme").createdAt(TestEntries.T0).build(),
                WalEntry.builder("billing", "charge").payloadJson("{}").targets("primary").correlationId("saga-1")
                        .tenantId("globex").createdAt(TestEntries.T0).build(),
                WalEntry.builder("orders", "credit").payloadJson("{}").targets("primary").correlationId("saga-2")
                        .tenantId("acme").createdAt(TestEntries.T0).build()));

        assertEquals(List.of(1L, 3L), seqs(dump("--namespace", "orders")));
        assertEquals(List.of(1L, 2L), seqs(dump("--correlation-id", "saga-1")));
        assertEquals(List.of(2L), seqs(dump("--tenant", "globex")));
        assertEquals(List.of(3L), seqs(dump("--namespace", "orders", "--correlation-id", "saga-2", "--tenant", "acme")));
        assertEquals(List.of(3L), seqs(dump("--operation", "credit")));
        assertEquals(List.of(1L, 2L), seqs(dump("--limit", "2")));
    }
}
