package org.wal4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.wal4j.SyncPolicy;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.spi.ApplyResult;

/**
 * Each wal4j benchmark operation does what its figure claims: an append puts one entry with the
 * benchmark payload in the log, under the policy its name says, acknowledged as the policy promises;
 * an apply commits its batch's rows with their idempotency records and checkpoint, and the raw
 * baseline commits the same rows; an open recovers every entry as unfinished.
 */
class WalBenchmarkOperationsTest {

    private static final int SIZE = 256;
    private final String payload = new String(Payloads.json(SIZE), StandardCharsets.UTF_8);

    @Test
    void policyOf_readsThePolicyFromTheMethodName() {
        assertEquals(SyncPolicy.ALWAYS, WalAppendBenchmark.policyOf("always_t64"));
        assertEquals(SyncPolicy.ALWAYS, WalAppendBenchmark.policyOf("alwaysLatency_t1"));
        assertEquals(SyncPolicy.ALWAYS, WalAppendBenchmark.policyOf("alwaysAsyncPipelined_t1"));
        assertEquals(SyncPolicy.INTERVAL, WalAppendBenchmark.policyOf("interval_t1"));
        assertEquals(SyncPolicy.NONE, WalAppendBenchmark.policyOf("none_t1"));
        assertThrows(IllegalArgumentException.class, () -> WalAppendBenchmark.policyOf("append_t1"));
    }

    @Test
    void alwaysAppends_addOneDurableEntryOfThePayloadPerCall() {
        WalAppendBenchmark benchmark = new WalAppendBenchmark();
        List<ToLongFunction<Fixture>> calls = List.of(
                f -> benchmark.always_t1(f.log, f.appender), f -> benchmark.always_t16(f.log, f.appender),
                f -> benchmark.always_t64(f.log, f.appender), f -> benchmark.alwaysLatency_t1(f.log, f.appender),
                f -> benchmark.alwaysLatency_t16(f.log, f.appender),
                f -> benchmark.alwaysLatency_t64(f.log, f.appender));
        Fixture fixture = new Fixture(SyncPolicy.ALWAYS);
        try {
            for (int i = 0; i < calls.size(); i++) {
                assertEquals(i + 1, calls.get(i).applyAsLong(fixture), "seq returned by call " + i);
                assertEquals(i + 1, fixture.log.storage.durableSeq(), "forced before call " + i + " returned");
            }
            fixture.assertHoldsBenchmarkEntries(calls.size());
        } finally {
            fixture.close();
        }
        assertFalse(Files.exists(fixture.directory));
    }

    @Test
    void intervalAndNoneAppends_addOneEntryPerCall_andEachIterationStartsANewLog() {
        WalAppendBenchmark benchmark = new WalAppendBenchmark();
        for (SyncPolicy policy : List.of(SyncPolicy.INTERVAL, SyncPolicy.NONE)) {
            Fixture fixture = new Fixture(policy);
            try {
                for (int i = 1; i <= 3; i++) {
                    long seq = policy == SyncPolicy.NONE ? benchmark.none_t1(fixture.log, fixture.appender)
                            : benchmark.interval_t1(fixture.log, fixture.appender);
                    assertEquals(i, seq);
                }
                fixture.assertHoldsBenchmarkEntries(3);
                Path first = fixture.log.directory;
                fixture.log.renewIfUnforced();
                assertFalse(Files.exists(first), "the iteration's log is deleted");
                assertEquals(0, fixture.log.storage.lastSeq(), "the next iteration's log is new");
            } finally {
                fixture.close();
            }
        }
    }

    @Test
    void alwaysLog_isKeptAcrossIterations() {
        Fixture fixture = new Fixture(SyncPolicy.ALWAYS);
        try {
            new WalAppendBenchmark().always_t1(fixture.log, fixture.appender);
            fixture.log.renewIfUnforced();
            assertEquals(1, fixture.log.storage.lastSeq());
        } finally {
            fixture.close();
        }
    }

    @Test
    void pipelinedAppends_keepTheWindowInFlight_andCountOneAcknowledgementPerCallOnceFull() {
        WalAppendBenchmark benchmark = new WalAppendBenchmark();
        Fixture fixture = new Fixture(SyncPolicy.ALWAYS);
        try {
            for (int i = 0; i < WalAppendBenchmark.PIPELINE_WINDOW; i++) {
                assertEquals(0, benchmark.alwaysAsyncPipelined_t1(fixture.log, fixture.appender), "call " + i);
            }
            assertEquals(WalAppendBenchmark.PIPELINE_WINDOW, fixture.appender.inFlight.size());
            for (int i = 1; i <= 3; i++) {
                assertEquals(i, benchmark.alwaysAsyncPipelined_t1(fixture.log, fixture.appender));
                assertTrue(fixture.log.storage.durableSeq() >= i, "acknowledged seq " + i + " is forced");
            }
            assertEquals(WalAppendBenchmark.PIPELINE_WINDOW, fixture.appender.inFlight.size());
            fixture.appender.drain();
            assertEquals(0, fixture.appender.inFlight.size());
            fixture.assertHoldsBenchmarkEntries(WalAppendBenchmark.PIPELINE_WINDOW + 3);
        } finally {
            fixture.close();
        }
    }

    @Test
    void applyAndRawInsert_commitTheSameRows_theTargetWithItsIdempotencyRecordsAndCheckpoint() throws Exception {
        WalApplyBenchmark benchmark = new WalApplyBenchmark();
        benchmark.payloadBytes = SIZE;
        benchmark.open();
        try {
            benchmark.nextBatch();
            ApplyResult result = benchmark.applyJdbcSyncTarget();
            assertTrue(result.allApplied());
            assertEquals(WalApplyBenchmark.BATCH, result.size());
            benchmark.nextBatch();
            assertEquals(WalApplyBenchmark.BATCH, benchmark.rawJdbcBatchInsert());

            int batch = WalApplyBenchmark.BATCH;
            try (Connection connection = benchmark.database.connect();
                 Statement statement = connection.createStatement()) {
                ObjectMapper mapper = new ObjectMapper();
                try (ResultSet rows = statement.executeQuery(
                        "SELECT aggregate_key, event_type, payload::text FROM outbox ORDER BY id")) {
                    for (int seq = 1; seq <= 2 * batch; seq++) {
                        assertTrue(rows.next(), "row " + seq);
                        assertEquals(WalApplyBenchmark.aggregateKey(seq), rows.getString(1));
                        assertEquals(WalApplyBenchmark.EVENT_TYPE, rows.getString(2));
                        assertEquals(mapper.readTree(payload), mapper.readTree(rows.getString(3)));
                    }
                    assertFalse(rows.next());
                }
                assertEquals(batch, count(statement, "SELECT count(*) FROM " + JdbcSyncTarget.DEFAULT_APPLIED_KEYS_TABLE
                        + " WHERE target_name = 'primary' AND entry_seq BETWEEN 1 AND " + batch));
                // the target's checkpoint is the highest applied key's seq: an apply writes no checkpoint row
                assertEquals(batch, count(statement, "SELECT MAX(entry_seq) FROM "
                        + JdbcSyncTarget.DEFAULT_APPLIED_KEYS_TABLE + " WHERE target_name = 'primary'"));
                assertEquals(0, count(statement, "SELECT COALESCE(MAX(checkpoint_seq), 0) FROM "
                        + JdbcSyncTarget.DEFAULT_CHECKPOINT_TABLE));
            }
        } finally {
            benchmark.close();
        }
    }

    @Test
    void open_recoversEveryEntryAsUnfinished_andMeasuresTheHeapTheLogKeeps() {
        WalRecoveryBenchmark benchmark = new WalRecoveryBenchmark();
        benchmark.payloadBytes = SIZE;
        benchmark.unfinishedEntries = 2_500; // not a multiple of the build batch
        benchmark.buildLog();
        try {
            benchmark.measureHeapBeforeOpen();
            benchmark.open1M();
            assertEquals(2_500, benchmark.opened.recoveryReport().unfinished());
            assertEquals(2_500, benchmark.opened.lastSeq());
            assertEquals(2_500, benchmark.opened.unfinished(WalAppendBenchmark.TARGET, 0, 10_000).size());
            WalEntry last = benchmark.opened.read(2_500).orElseThrow();
            assertEquals(payload, last.payload());
            double perEntry = benchmark.heapBytesPerUnfinishedEntry();
            assertTrue(perEntry > 0 && perEntry < 10_000, "heap bytes per unfinished entry " + perEntry);
            benchmark.opened.close();
        } finally {
            benchmark.deleteLog();
        }
        assertFalse(Files.exists(benchmark.directory));
    }

    private static long count(Statement statement, String sql) throws Exception {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertTrue(rows.next());
            return rows.getLong(1);
        }
    }

    /** A benchmark log under one policy with one thread's appender. */
    private final class Fixture {
        final WalAppendBenchmark.Log log = new WalAppendBenchmark.Log();
        final WalAppendBenchmark.Appender appender = new WalAppendBenchmark.Appender();
        final Path directory;

        Fixture(SyncPolicy policy) {
            log.payloadBytes = SIZE;
            log.open(policy);
            appender.prepare(log, 7);
            directory = log.directory;
        }

        void assertHoldsBenchmarkEntries(int count) {
            assertEquals(count, log.storage.lastSeq());
            List<WalEntry> entries = log.storage.read(1, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertEquals(count, entries.size());
            for (int i = 0; i < count; i++) {
                WalEntry entry = entries.get(i);
                assertEquals(i + 1, entry.seq());
                assertEquals(payload, entry.payload());
                assertEquals("account-7", entry.key());
                assertEquals(List.of(WalAppendBenchmark.TARGET), entry.targets());
            }
        }

        void close() {
            appender.drain();
            log.close();
        }
    }
}
