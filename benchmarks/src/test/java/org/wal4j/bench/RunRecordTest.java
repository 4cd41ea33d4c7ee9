package org.wal4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RunRecordTest {

    @TempDir
    Path temp;

    @Test
    void savedRecord_loadsBackBesideTheResults() throws Exception {
        Path results = temp.resolve("jmh-result.json");
        RunRecord record = new RunRecord(Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-02T03:09:05Z"),
                "1.00, 2.00, 3.00", "unknown", "benchmarks/run.sh --quick --note …");
        record.save(results);

        assertEquals(temp.resolve("jmh-result.json.run.properties"), RunRecord.fileFor(results));
        assertEquals(Optional.of(record), RunRecord.load(results));
    }

    @Test
    void missingRecord_isEmptyAndAnIncompleteOneIsAnError() throws Exception {
        Path results = temp.resolve("r.json");
        assertEquals(Optional.empty(), RunRecord.load(results));

        Files.writeString(RunRecord.fileFor(results), "start=2026-01-02T03:04:05Z\n");
        IOException incomplete = assertThrows(IOException.class, () -> RunRecord.load(results));
        assertEquals("Run record " + RunRecord.fileFor(results) + " has no 'end'", incomplete.getMessage());
    }
}
