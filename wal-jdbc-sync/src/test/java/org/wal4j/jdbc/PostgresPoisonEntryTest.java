package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.TestDatabase;

/**
 * Poison entries on real PostgreSQL (RELIABILITY row 19): an entry the driver cannot batch (two
 * statements: pgjdbc throws a ClassCastException from executeBatch) and an entry whose applier
 * throws an Error are dead-lettered; every other entry, of every lane, is applied once.
 */
@Timeout(120)
class PostgresPoisonEntryTest {
    @TempDir
    Path dir;

    @Test
    void poisonEntries_thatEscapeValidation_areDeadLettered_andEverythingElseIsAppliedOnce() throws Exception {
        TestDatabase db = Engines.postgresql().createDatabase("poison");
        db.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, lane VARCHAR(20) NOT NULL)");
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", db.dataSource())
                .applier("broken", (entry, connection) -> {
                    throw new AssertionError("applier bug on entry " + entry.seq());
                }).build();
        try (Wal wal = TestWals.open(dir, target).start()) {
            // written by other means than SqlStatementEntry, which refuses it: two statements
            long multi = wal.write(WalEntry.builder("items", SqlStatementEntry.OPERATION).key("poison")
                    .payloadJson("{\"sql\":\"UPDATE item SET lane = 'x' WHERE id = 0; INSERT INTO item VALUES (0, 'x')\","
                            + "\"params\":[]}")).seq();
            long broken = wal.write(WalEntry.builder("items", "broken").key("broken").payloadJson("{}")
                    .lifecycle(org.wal4j.Lifecycle.builder().maxAttempts(3).backoffBase(Duration.ofMillis(20))
                            .build())).seq();
            int id = 1;
            for (int round = 0; round < 25; round++) {
                for (String lane : List.of("a", "b", "c", "d")) {
                    wal.write(SqlStatementEntry.builder("items", "INSERT INTO item VALUES (?, ?)", (long) id++, lane)
                            .key(lane));
                }
            }
            long last = wal.write(SqlStatementEntry.builder("items", "INSERT INTO item VALUES (?, ?)", (long) id++,
                    "poison").key("poison")).seq();
            for (long seq = 1; seq <= last; seq++) {
                wal.awaitApplied(seq, Duration.ofMinutes(1)).get(60, TimeUnit.SECONDS);
            }
            List<DeadLetter> dead = wal.admin().deadLetters(DeadLetterFilter.all()).toList();
            assertEquals(2, dead.size(), dead::toString);
            DeadLetter multiDead = dead.stream().filter(d -> d.entry().seq() == multi).findFirst().orElseThrow();
            assertTrue(multiDead.reason().contains("sql must be a single statement"), multiDead.reason());
            DeadLetter brokenDead = dead.stream().filter(d -> d.entry().seq() == broken).findFirst().orElseThrow();
            assertEquals(3, brokenDead.attempts(), brokenDead.toString());
            assertTrue(brokenDead.reason().contains("java.lang.AssertionError: applier bug on entry " + broken),
                    brokenDead.reason());
        }
        assertEquals(101, db.count("item"), "every other entry applied once, the poison lane's follower too");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM item WHERE id = 0"));
    }
}
