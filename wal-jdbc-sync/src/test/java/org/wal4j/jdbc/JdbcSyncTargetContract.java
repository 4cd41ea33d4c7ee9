package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.StatementCountingDataSource;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyResult.FailureKind;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.TargetHealth;

/**
 * The behaviour of {@link JdbcSyncTarget} on a real database; one subclass per engine. Each
 * test uses its own table and target name, so tests share the class's database without
 * interfering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcSyncTargetContract {
    private final AtomicInteger counter = new AtomicInteger();
    TestDatabase db;

    abstract DatabaseEngine engine();

    /** The SQLSTATE of a unique violation on this engine. */
    abstract String uniqueViolationState();

    /**
     * DDL of a table with columns id (int key), s (varchar), b (boolean), sh (smallint), i (int),
     * l (bigint), f (real), d (double), dc (decimal 30,10), ts (timestamp, microseconds),
     * otz (timestamp with time zone or the engine's nearest), dt (timestamp without time zone,
     * microseconds), dd (date), tm (time), bin (varbinary), n (varchar, nullable).
     */
    abstract String typedTableDdl(String table);

    @BeforeAll
    void createDatabase() {
        db = engine().createDatabase(getClass().getSimpleName());
    }

    String newItemTable() throws SQLException {
        String table = "item_" + counter.incrementAndGet();
        db.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                + "amount DECIMAL(19, 2) NOT NULL)");
        return table;
    }

    JdbcSyncTarget newTarget() {
        return JdbcSyncTarget.builder("t" + counter.incrementAndGet(), db.dataSource()).build();
    }

    long appliedKeys(JdbcSyncTarget target) throws SQLException {
        return db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys WHERE target_name = ?", target.name());
    }

    @Test
    void apply_appliesBatchInOneTransaction_recordsKeysAndCheckpoint() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget target = newTarget();

        ApplyResult result = target.apply(Entries.inserts(table, 1, 1, 100));

        assertAll(
                () -> assertTrue(result.allApplied(), result::toString),
                () -> assertEquals(100, db.count(table)),
                () -> assertEquals(new BigDecimal("5050.00").add(new BigDecimal("25.00")),
                        new BigDecimal(db.queryLong("SELECT SUM(amount) * 100 FROM " + table)).movePointLeft(2)
                                .setScale(2)),
                () -> assertEquals(100, appliedKeys(target)),
                () -> assertEquals(OptionalLong.of(100), target.checkpoint()));
    }

    @Test
    void apply_sendsTheKeysAsOneJdbcBatch_andEachRunOfTheSameStatementAsAnother() throws SQLException {
        String items = newItemTable();
        String other = newItemTable();
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource());
        // the periodic purge of old keys runs after a committed batch: off here, this counts the apply alone
        JdbcSyncTarget target = JdbcSyncTarget.builder("t" + counter.incrementAndGet(), counting)
                .purgeInterval(Duration.ZERO).build();
        target.createSchema();
        List<WalEntry> batch = new ArrayList<>(Entries.inserts(items, 1, 1, 10));
        batch.addAll(Entries.inserts(other, 11, 1, 5));
        batch.add(Entries.sql(16, "UPDATE " + items + " SET name = ? WHERE id = ?", "changed", 3L));
        counting.reset();

        ApplyResult result = target.apply(batch);

        assertTrue(result.allApplied(), result::toString);
        // keys; the 10 inserts; the 5 inserts; the update; nothing else before the commit
        assertEquals(4, counting.calls("executeBatch"), counting::toString);
        assertEquals(4, counting.roundTrips(), counting::toString);
        assertEquals(10, db.count(items));
        assertEquals(5, db.count(other));
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM " + items + " WHERE id = 3 AND name = 'changed'"));
        assertEquals(16, appliedKeys(target));
        assertEquals(OptionalLong.of(16), target.checkpoint());

        counting.reset();
        ApplyResult again = target.apply(batch);
        assertTrue(again.allApplied(), again::toString);
        assertEquals(1, counting.calls("executeBatch"), () -> "a replay records the keys only; " + counting);
        assertEquals(10, db.count(items));
    }

    /** Two tables, accounts (id, balance) with rows 0..lanes-1 at 0, and trades (id, account, balance_seen); their names. */
    private String[] newAccountTables(int lanes) throws SQLException {
        int n = counter.incrementAndGet();
        String accounts = "acct_" + n;
        String trades = "trade_" + n;
        db.execute("CREATE TABLE " + accounts + " (id INT PRIMARY KEY, balance BIGINT NOT NULL, version INT NOT NULL)",
                "CREATE TABLE " + trades + " (id INT PRIMARY KEY, account INT NOT NULL, balance_seen BIGINT NOT NULL)");
        for (int lane = 0; lane < lanes; lane++) {
            db.execute("INSERT INTO " + accounts + " (id, balance, version) VALUES (" + lane + ", 0, 0)");
        }
        return new String[] {accounts, trades};
    }

    /**
     * 20 accounts, 5 requests each: an UPDATE of the account's balance, conditional on its
     * version (so that an update out of its lane's order changes nothing), and right after it an
     * INSERT of the trade with the balance after it; each account is a lane. In seq order the SQL
     * changes at every entry.
     */
    private List<WalEntry> updateInsertBatch(String[] tables) {
        List<WalEntry> batch = new ArrayList<>();
        long seq = 0;
        long[] balance = new long[20];
        for (int request = 0; request < 5; request++) {
            for (int account = 0; account < 20; account++) {
                String lane = "account-" + account;
                long amount = (long) (request + 1) * (account + 1);
                balance[account] += amount;
                batch.add(SqlStatementEntry.builder("accounts", "UPDATE " + tables[0] + " SET balance = balance + ?, "
                        + "version = version + 1 WHERE id = ? AND version = ?", amount, account, request).key(lane).build()
                        .withSeq(++seq));
                batch.add(SqlStatementEntry.builder("accounts", "INSERT INTO " + tables[1] + " (id, account, balance_seen) "
                        + "VALUES (?, ?, ?)", request * 100 + account, account, balance[account]).key(lane).build()
                        .withSeq(++seq));
            }
        }
        return batch;
    }

    private String contents(String[] tables) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection connection = db.connect(); java.sql.Statement statement = connection.createStatement()) {
            for (String query : new String[] {"SELECT id, balance, version FROM " + tables[0] + " ORDER BY id",
                    "SELECT id, account, balance_seen FROM " + tables[1] + " ORDER BY id"}) {
                try (java.sql.ResultSet rows = statement.executeQuery(query)) {
                    while (rows.next()) {
                        for (int c = 1; c <= rows.getMetaData().getColumnCount(); c++) {
                            out.append(rows.getLong(c)).append(c == rows.getMetaData().getColumnCount() ? "\n" : ",");
                        }
                    }
                }
            }
        }
        return out.toString();
    }

    @Test
    void apply_ofUpdatesAndInsertsAlternatingInManyLanes_goesLevelByLevel_withTheEffectOfOneByOne() throws SQLException {
        String[] regrouped = newAccountTables(20);
        String[] oneByOne = newAccountTables(20);
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource());
        JdbcSyncTarget target = JdbcSyncTarget.builder("t" + counter.incrementAndGet(), counting)
                .purgeInterval(Duration.ZERO).build();
        JdbcSyncTarget reference = JdbcSyncTarget.builder("t" + counter.incrementAndGet(), db.dataSource()).build();
        target.createSchema();
        List<WalEntry> batch = updateInsertBatch(regrouped);
        counting.reset();

        ApplyResult result = target.apply(batch);

        assertTrue(result.allApplied(), result::toString);
        // the keys; then for each of the 5 requests the 20 updates and the 20 inserts: 10 runs, not 200
        assertEquals(11, counting.calls("executeBatch"), counting::toString);
        assertEquals(11, counting.roundTrips(), counting::toString);
        for (WalEntry entry : updateInsertBatch(oneByOne)) {
            assertTrue(reference.apply(List.of(entry)).allApplied());
        }
        String expected = contents(oneByOne);
        assertEquals(expected, contents(regrouped));
        assertEquals(60, db.queryLong("SELECT balance FROM " + regrouped[0] + " WHERE id = 3"),
                "account 3's five updates, 4 + 8 + 12 + 16 + 20, each applied in its lane's order");
        assertEquals(100, db.queryLong("SELECT SUM(version) FROM " + regrouped[0]));
        assertEquals(200, appliedKeys(target));
    }

    @Test
    void apply_ofARegroupedBatch_withAFailingStatementInTheMiddle_reportsItsIndex_andLeavesNothing()
            throws SQLException {
        String[] tables = newAccountTables(20);
        db.execute("INSERT INTO " + tables[1] + " (id, account, balance_seen) VALUES (207, 7, -1)");
        JdbcSyncTarget target = newTarget();
        List<WalEntry> batch = updateInsertBatch(tables);
        String before = contents(tables);

        ApplyResult result = target.apply(batch);

        // request 2's insert of account 7 (trade id 207) is entry 2 * 40 + 2 * 7 + 1 = 95
        assertFalse(result.allApplied());
        assertEquals(95, result.failedIndex(), result::toString);
        assertEquals(ApplyResult.Outcome.PERMANENT, result.outcome(95));
        assertEquals(0, result.appliedCount());
        assertTrue(result.reason().contains("seq=96"), result.reason());
        assertEquals(before, contents(tables), "nothing of the batch stays");
        assertEquals(0, appliedKeys(target));

        List<Integer> dead = applySplitting(target, batch);
        assertEquals(List.of(95), dead);
        assertEquals(199, appliedKeys(target));
    }

    @Test
    void apply_withADriverThatGivesNoCountPerBatchedStatement_recordsKeysOneByOne_andStaysExactlyOnce()
            throws SQLException {
        String table = newItemTable();
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource(), true);
        JdbcSyncTarget target = JdbcSyncTarget.builder("t" + counter.incrementAndGet(), counting).build();
        target.createSchema();
        List<WalEntry> first = Entries.inserts(table, 1, 1, 10);
        List<WalEntry> second = new ArrayList<>(Entries.inserts(table, 11, 11, 10));
        second.add(first.get(4)); // applied by the first batch: skipped

        ApplyResult one = target.apply(first);
        counting.reset();
        ApplyResult two = target.apply(second);

        assertTrue(one.allApplied(), one::toString);
        assertTrue(two.allApplied(), two::toString);
        assertEquals(11, counting.calls("executeUpdate"), () -> "11 keys one by one; " + counting);
        assertEquals(1, counting.calls("executeBatch"), () -> "the inserts in one batch; " + counting);
        assertTrue(target.apply(first).allApplied());
        assertEquals(20, db.count(table));
        assertEquals(20, appliedKeys(target));
        assertEquals(OptionalLong.of(20), target.checkpoint());
    }

    @Test
    void apply_sameEntriesTwice_changesNothing() throws SQLException {
        String table = newItemTable();
        db.execute("INSERT INTO " + table + " (id, name, amount) VALUES (1, 'counter', 0)");
        JdbcSyncTarget target = newTarget();
        List<WalEntry> batch = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            batch.add(Entries.sql(i, "UPDATE " + table + " SET amount = amount + ? WHERE id = 1", new BigDecimal("1.5")));
        }

        assertTrue(target.apply(batch).allApplied());
        ApplyResult replay = target.apply(batch);
        ApplyResult overlapping = target.apply(batch.subList(10, 20));

        assertAll(
                () -> assertTrue(replay.allApplied(), replay::toString),
                () -> assertTrue(overlapping.allApplied(), overlapping::toString),
                () -> assertEquals(3000, db.queryLong("SELECT amount * 100 FROM " + table + " WHERE id = 1")),
                () -> assertEquals(20, appliedKeys(target)),
                () -> assertEquals(OptionalLong.of(20), target.checkpoint()));
    }

    @Test
    void apply_duplicateKeyWithinOneBatch_appliesItOnce() throws SQLException {
        String table = newItemTable();
        db.execute("INSERT INTO " + table + " (id, name, amount) VALUES (1, 'counter', 0)");
        JdbcSyncTarget target = newTarget();
        WalEntry debit = Entries.sql(1, "UPDATE " + table + " SET amount = amount - 10 WHERE id = 1").toBuilder()
                .idempotencyKey("request-42").build().withSeq(1);
        WalEntry retriedRequest = debit.toBuilder().id("other-id").build().withSeq(2);

        ApplyResult result = target.apply(List.of(debit, retriedRequest));

        assertTrue(result.allApplied(), result::toString);
        assertEquals(-1000, db.queryLong("SELECT amount * 100 FROM " + table + " WHERE id = 1"));
        assertEquals(1, appliedKeys(target));
    }

    @Test
    void apply_keysCompareExactly_caseTrailingSpaceAndUnicodeAreDistinct() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget target = newTarget();
        String[] keys = {"Key", "key", "key ", "KEY", "ключ-\uD83D\uDD11", "ключ-\uD83D\uDD12"};
        List<WalEntry> batch = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            batch.add(Entries.inserts(table, i + 1, i + 1, 1).get(0).toBuilder().idempotencyKey(keys[i]).build()
                    .withSeq(i + 1));
        }

        assertTrue(target.apply(batch).allApplied());
        ApplyResult replay = target.apply(batch);

        assertTrue(replay.allApplied(), replay::toString);
        assertEquals(keys.length, db.count(table));
        assertEquals(keys.length, appliedKeys(target));
    }

    @Test
    void apply_poisonEntry_reportsItsIndexAndRollsBackTheBatch_restAppliesAfterSplitting() throws SQLException {
        String table = newItemTable();
        db.execute("INSERT INTO " + table + " (id, name, amount) VALUES (1006, 'already there', 0)");
        JdbcSyncTarget target = newTarget();
        List<WalEntry> batch = Entries.inserts(table, 1, 1000, 10);

        ApplyResult result = target.apply(batch);

        assertAll(
                () -> assertFalse(result.allApplied()),
                () -> assertEquals(6, result.failedIndex()),
                () -> assertEquals(0, result.appliedCount(), "a transactional target rolls earlier entries back"),
                () -> assertEquals(ApplyResult.Outcome.NOT_APPLIED, result.outcome(0)),
                () -> assertEquals(ApplyResult.Outcome.PERMANENT, result.outcome(6)),
                () -> assertTrue(result.reason().contains("SQLSTATE " + uniqueViolationState()), result.reason()),
                () -> assertTrue(result.reason().contains("seq=7"), result.reason()),
                () -> assertTrue(result.reason().contains("target '" + target.name() + "'"), result.reason()),
                () -> assertEquals(1, db.count(table), "nothing of the batch stays"),
                () -> assertEquals(0, appliedKeys(target)),
                () -> assertEquals(OptionalLong.empty(), target.checkpoint()));

        List<Integer> dead = applySplitting(target, batch);

        assertEquals(List.of(6), dead);
        assertEquals(10, db.count(table));
        assertEquals(9, appliedKeys(target));
        assertEquals(OptionalLong.of(10), target.checkpoint());
    }

    /** What the sync engine does: apply, and on a failure apply the part before it, skip the poison entry, go on. */
    static List<Integer> applySplitting(JdbcSyncTarget target, List<WalEntry> batch) {
        List<Integer> dead = new ArrayList<>();
        int offset = 0;
        List<WalEntry> rest = batch;
        while (!rest.isEmpty()) {
            ApplyResult result = target.apply(rest);
            if (result.allApplied()) {
                break;
            }
            int failed = result.failedIndex();
            if (failed > 0) {
                ApplyResult head = target.apply(rest.subList(0, failed));
                assertTrue(head.allApplied(), head::toString);
            }
            assertEquals(FailureKind.PERMANENT, result.failureKind().orElseThrow(), result::toString);
            dead.add(offset + failed);
            offset += failed + 1;
            rest = rest.subList(failed + 1, rest.size());
        }
        return dead;
    }

    @Test
    void sqlStatementParameters_ofEveryType_reachTheDatabaseExactly() throws SQLException {
        String table = "typed_" + counter.incrementAndGet();
        db.execute(typedTableDdl(table));
        Instant instant = Instant.parse("2024-02-29T23:59:58.123456Z");
        OffsetDateTime offsetDateTime = OffsetDateTime.parse("2024-03-01T10:15:30.654321+05:30");
        LocalDateTime localDateTime = LocalDateTime.parse("1999-12-31T23:59:59.999999");
        LocalDate date = LocalDate.parse("2000-02-29");
        LocalTime time = LocalTime.parse("13:45:30");
        BigDecimal decimal = new BigDecimal("12345678901234567890.0123456789");
        byte[] bytes = {0, 1, -1, 127, -128, 42};
        WalEntry entry = Entries.sql(1, "INSERT INTO " + table + " (id, s, b, sh, i, l, f, d, dc, ts, otz, dt, dd, tm, bin, n) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                1, "sørensen \"quoted\" 🔑", true, (short) -32768, Integer.MAX_VALUE, Long.MIN_VALUE, 1.5f, 0.1d,
                decimal, instant, offsetDateTime, localDateTime, date, time, bytes, null);
        WalEntry throughTheLog = WalEntry.builder("test", "sql").payloadJson(entry.payload()).build().withSeq(1);

        ApplyResult result = newTarget().apply(List.of(throughTheLog));
        assertTrue(result.allApplied(), result::toString);

        try (Connection connection = db.connect();
             java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet row = statement.executeQuery("SELECT s, b, sh, i, l, f, d, dc, ts, otz, dt, dd, tm, bin, n "
                     + "FROM " + table + " WHERE id = 1")) {
            assertTrue(row.next());
            assertAll(
                    () -> assertEquals("sørensen \"quoted\" 🔑", row.getString("s")),
                    () -> assertTrue(row.getBoolean("b")),
                    () -> assertEquals((short) -32768, row.getShort("sh")),
                    () -> assertEquals(Integer.MAX_VALUE, row.getInt("i")),
                    () -> assertEquals(Long.MIN_VALUE, row.getLong("l")),
                    () -> assertEquals(1.5f, row.getFloat("f")),
                    () -> assertEquals(0.1d, row.getDouble("d")),
                    () -> assertEquals(decimal, row.getBigDecimal("dc")),
                    () -> assertEquals(instant, row.getTimestamp("ts").toInstant()),
                    () -> assertEquals(offsetDateTime.toInstant(), row.getObject("otz", OffsetDateTime.class).toInstant()),
                    () -> assertEquals(localDateTime, row.getObject("dt", LocalDateTime.class)),
                    () -> assertEquals(date, row.getObject("dd", LocalDate.class)),
                    () -> assertEquals(time, row.getObject("tm", LocalTime.class)),
                    () -> assertArrayEquals(bytes, row.getBytes("bin")),
                    () -> assertNull(row.getString("n")));
        }
    }

    @Test
    void concurrentDeliveriesOfTheSameBatch_haveTheirEffectOnce_andTheCheckpointEndsAtTheTop() throws Exception {
        String table = newItemTable();
        db.execute("INSERT INTO " + table + " (id, name, amount) VALUES (1, 'counter', 0)");
        String name = "racing" + counter.incrementAndGet();
        List<WalEntry> batch = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            batch.add(Entries.sql(i, "UPDATE " + table + " SET amount = amount + 1 WHERE id = 1"));
        }
        List<WalEntry> later = Entries.inserts(table, 21, 100, 20);
        int appliers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(appliers);
        try {
            List<Future<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < appliers; i++) {
                JdbcSyncTarget target = JdbcSyncTarget.builder(name, db.dataSource()).build();
                target.createSchema();
                List<WalEntry> mine = i % 2 == 0 ? batch : later;
                attempts.add(pool.submit(() -> {
                    start.await();
                    for (int attempt = 1; attempt <= 50; attempt++) {
                        ApplyResult result = target.apply(mine);
                        if (result.allApplied()) {
                            return attempt;
                        }
                        assertEquals(FailureKind.RETRYABLE, result.failureKind().orElseThrow(), result::toString);
                    }
                    throw new AssertionError("not applied in 50 attempts");
                }));
            }
            start.countDown();
            for (Future<Integer> attempt : attempts) {
                attempt.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20, db.queryLong("SELECT amount FROM " + table + " WHERE id = 1"));
        assertEquals(21, db.count(table));
        assertEquals(40, db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys WHERE target_name = ?", name));
        assertEquals(OptionalLong.of(40), JdbcSyncTarget.builder(name, db.dataSource()).build().checkpoint());
    }

    @Test
    void checkpoint_onlyMovesForward() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget target = newTarget();

        List<WalEntry> first = Entries.inserts(table, 50, 1, 11);
        assertTrue(target.apply(first).allApplied());
        assertEquals(OptionalLong.of(60), target.checkpoint());
        assertTrue(target.apply(Entries.inserts(table, 10, 100, 11)).allApplied(), "lower seqs, new keys");
        assertEquals(OptionalLong.of(60), target.checkpoint());
        assertTrue(target.apply(first).allApplied(), "a replay");
        assertEquals(OptionalLong.of(60), target.checkpoint());
        assertTrue(target.apply(Entries.inserts(table, 61, 200, 1)).allApplied());
        assertEquals(OptionalLong.of(61), target.checkpoint());
        assertEquals(23, db.count(table));
    }

    @Test
    void checkpoint_failedBatchLeavesItWhereItWas() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget target = newTarget();
        assertTrue(target.apply(Entries.inserts(table, 1, 1, 5)).allApplied());

        List<WalEntry> poisoned = new ArrayList<>(Entries.inserts(table, 6, 6, 5));
        poisoned.add(Entries.sql(11, "INSERT INTO " + table + " (id, name, amount) VALUES (1, 'dup', 0)"));

        assertEquals(5, target.apply(poisoned).failedIndex());
        assertEquals(OptionalLong.of(5), target.checkpoint());
    }

    @Test
    void checkpoints_ofTwoTargetsInOneDatabase_areSeparate() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget first = newTarget();
        JdbcSyncTarget second = newTarget();

        assertTrue(first.apply(Entries.inserts(table, 1, 1, 3)).allApplied());
        assertTrue(second.apply(Entries.inserts(table, 7, 10, 1)).allApplied());

        assertEquals(OptionalLong.of(3), first.checkpoint());
        assertEquals(OptionalLong.of(7), second.checkpoint());
    }

    @Test
    void apply_unknownOperation_isRetryableAndNamesTheOperation() throws SQLException {
        JdbcSyncTarget target = newTarget();
        WalEntry entry = WalEntry.builder("test", "AccountDao#debit").payloadJson("{}").build().withSeq(3);

        ApplyResult result = target.apply(List.of(entry));

        assertEquals(ApplyResult.Outcome.RETRYABLE, result.outcome(0));
        assertTrue(result.reason().contains("no EntryApplier registered for operation 'AccountDao#debit'"),
                result.reason());
        assertTrue(result.reason().contains("[sql]"), result.reason());
        assertEquals(0, appliedKeys(target));
    }

    @Test
    void apply_badSql_isPermanentWithTheDatabaseError() throws SQLException {
        JdbcSyncTarget target = newTarget();

        ApplyResult result = target.apply(List.of(Entries.sql(1, "INSERT INTO no_such_table_anywhere VALUES (1)")));

        assertEquals(ApplyResult.Outcome.PERMANENT, result.outcome(0));
        assertTrue(result.reason().contains("SQLSTATE 42"), result.reason());
    }

    @Test
    void createSchema_isIdempotentAndSafeWhenTargetsRace() throws Exception {
        int n = counter.incrementAndGet();
        String keys = "race_keys_" + n;
        String checkpoints = "race_checkpoints_" + n;
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                JdbcSyncTarget target = JdbcSyncTarget.builder("race" + i, db.dataSource()).appliedKeysTable(keys)
                        .checkpointTable(checkpoints).build();
                futures.add(pool.submit(() -> {
                    start.await();
                    target.createSchema();
                    target.createSchema();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads, db.count(checkpoints), "one checkpoint row per target");
        assertEquals(0, db.count(keys));
    }

    @Test
    void createSchemaFalse_missingTables_reportedWithTheDdlToRun() {
        JdbcSyncTarget target = JdbcSyncTarget.builder("strict", db.dataSource()).createSchema(false)
                .appliedKeysTable("missing_keys_" + counter.incrementAndGet()).build();

        ApplyResult result = target.apply(List.of(Entries.sql(1, "SELECT 1")));
        JdbcTargetException thrown = assertThrows(JdbcTargetException.class, target::createSchema);

        assertEquals(ApplyResult.Outcome.RETRYABLE, result.outcome(0));
        assertTrue(result.reason().contains("table missing_keys_"), result.reason());
        assertTrue(result.reason().contains(engine().dialect().ddlResource()), result.reason());
        assertTrue(thrown.getMessage().startsWith("target 'strict': table missing_keys_"), thrown.getMessage());
    }

    @Test
    void shippedDdl_createsASchemaTheTargetAccepts() throws SQLException {
        int n = counter.incrementAndGet();
        String keys = "shipped_keys_" + n;
        String checkpoints = "shipped_checkpoints_" + n;
        List<String> ddl = engine().dialect().ddl(keys, checkpoints);
        db.execute(ddl.toArray(new String[0]));
        db.execute(ddl.toArray(new String[0]));
        String table = newItemTable();
        JdbcSyncTarget target = JdbcSyncTarget.builder("shipped", db.dataSource()).createSchema(false)
                .appliedKeysTable(keys).checkpointTable(checkpoints).build();

        assertTrue(target.apply(Entries.inserts(table, 1, 1, 2)).allApplied());
        assertEquals(2, db.count(keys));
        assertEquals(OptionalLong.of(2), target.checkpoint());
    }

    @Test
    void dialect_isDetectedFromMetadata() throws SQLException {
        JdbcSyncTarget target = newTarget();
        assertEquals(engine().dialect(), target.dialect());
        try (Connection connection = db.connect()) {
            assertEquals(engine().dialect(), SqlDialect.detect(connection.getMetaData()));
        }
    }

    @Test
    void namedDialect_isUsedWithoutAskingTheDatabase() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget target = JdbcSyncTarget.builder("named" + counter.incrementAndGet(), db.dataSource())
                .dialect(engine().dialect()).build();

        assertEquals(engine().dialect(), target.dialect());
        assertTrue(target.apply(Entries.inserts(table, 1, 1, 1)).allApplied());
    }

    @Test
    void probe_isUpOnARunningDatabase() {
        TargetHealth health = newTarget().probe();
        assertEquals(TargetHealth.State.UP, health.state(), health.detail());
    }

    @Test
    void apply_afterSchemaIsReady_worksWithAutoCommitConnectionsLeftAsTheyWere() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget target = newTarget();
        assertTrue(target.apply(Entries.inserts(table, 1, 1, 1)).allApplied());
        assertTrue(target.apply(Entries.inserts(table, 2, 2, 1)).allApplied());
        assertNull(target.apply(Entries.inserts(table, 3, 3, 1)).reason());
        assertEquals(3, db.count(table));
    }

    @Test
    void purgeAppliedKeys_deletesThisTargetsKeysOlderThanTheRetention_andOnlyThoseAreAppliedAgain() throws SQLException {
        String table = newItemTable();
        db.execute("INSERT INTO " + table + " (id, name, amount) VALUES (1, 'counter', 0)");
        String name = "purge" + counter.incrementAndGet();
        JdbcSyncTarget target = JdbcSyncTarget.builder(name, db.dataSource()).appliedKeysRetention(Duration.ofHours(1))
                .purgeBatchSize(3).purgeInterval(Duration.ZERO).build();
        JdbcSyncTarget other = JdbcSyncTarget.builder(name + "other", db.dataSource()).purgeInterval(Duration.ZERO).build();
        List<WalEntry> increments = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            increments.add(Entries.sql(i, "UPDATE " + table + " SET amount = amount + 1 WHERE id = 1"));
        }
        assertTrue(target.apply(increments).allApplied());
        assertTrue(other.apply(increments.subList(0, 2)).allApplied());
        ageKeys(name, 7, Duration.ofHours(2));
        ageKeys(other.name(), 2, Duration.ofHours(2));

        assertEquals(7, target.purgeAppliedKeys(), "7 keys older than an hour, deleted in transactions of 3");
        assertEquals(0, target.purgeAppliedKeys());
        assertEquals(3, appliedKeys(target));
        assertEquals(2, appliedKeys(other), "another target's keys are its own business");
        assertEquals(12, db.queryLong("SELECT amount FROM " + table + " WHERE id = 1"));

        ApplyResult replay = target.apply(increments);
        assertTrue(replay.allApplied(), replay::toString);
        assertEquals(19, db.queryLong("SELECT amount FROM " + table + " WHERE id = 1"),
                "the 7 purged entries applied again, the 3 within the retention skipped");
    }

    @Test
    void purgeAppliedKeys_ofEveryKey_leavesTheCheckpointWhereItWas() throws SQLException {
        String table = newItemTable();
        String name = "purgeall" + counter.incrementAndGet();
        JdbcSyncTarget target = JdbcSyncTarget.builder(name, db.dataSource()).appliedKeysRetention(Duration.ofHours(1))
                .purgeBatchSize(4).purgeInterval(Duration.ZERO).build();
        List<WalEntry> batch = new ArrayList<>(Entries.inserts(table, 30, 1, 5));
        batch.addAll(Entries.inserts(table, 3, 6, 5)); // the highest seq is not the newest key
        assertTrue(target.apply(batch).allApplied());
        assertEquals(OptionalLong.of(34), target.checkpoint());
        ageKeys(name, 7, Duration.ofHours(3));
        ageKeys(name, 34, Duration.ofHours(2)); // seqs 30..34 are now the newer of the old keys

        assertEquals(10, target.purgeAppliedKeys(), "oldest first (seqs 3..7), in transactions of 4");
        assertEquals(0, appliedKeys(target));
        assertEquals(OptionalLong.of(34), target.checkpoint(), "kept by the row once the keys are gone");

        assertTrue(target.apply(Entries.inserts(table, 20, 11, 1)).allApplied());
        assertEquals(OptionalLong.of(34), target.checkpoint());
        assertTrue(target.apply(Entries.inserts(table, 40, 12, 1)).allApplied());
        assertEquals(OptionalLong.of(40), target.checkpoint());
    }

    @Test
    void apply_doesNotWriteTheCheckpointRow_soConcurrentTransactionsDoNotQueueOnIt() throws Exception {
        String table = newItemTable();
        String name = "hotrow" + counter.incrementAndGet();
        JdbcSyncTarget target = JdbcSyncTarget.builder(name, db.dataSource()).queryTimeout(Duration.ofSeconds(3))
                .purgeInterval(Duration.ZERO).build();
        assertTrue(target.apply(Entries.inserts(table, 1, 1, 1)).allApplied());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = db.connect()) {
            // another transaction (a concurrent apply of the target, as it was) holds the row's lock
            other.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = other.prepareStatement("SELECT checkpoint_seq FROM wal4j_checkpoints "
                    + "WHERE target_name = ? FOR UPDATE")) {
                lock.setString(1, name);
                lock.executeQuery().close();
            }
            Future<ApplyResult> apply = pool.submit(() -> target.apply(Entries.inserts(table, 2, 2, 3)));
            ApplyResult result = apply.get(30, TimeUnit.SECONDS);
            other.rollback();

            assertTrue(result.allApplied(), result::toString);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4, db.count(table));
        assertEquals(OptionalLong.of(4), target.checkpoint());
    }

    @Test
    void purge_runsAfterCommittedBatches_oneBoundedDeleteEach_untilCaughtUp() throws SQLException {
        String table = newItemTable();
        String name = "autopurge" + counter.incrementAndGet();
        JdbcSyncTarget target = JdbcSyncTarget.builder(name, db.dataSource()).appliedKeysRetention(Duration.ofHours(1))
                .purgeBatchSize(2).purgeInterval(Duration.ofHours(1)).build();
        assertTrue(target.apply(Entries.inserts(table, 1, 1, 5)).allApplied(),
                "the first batch purges at once: nothing old yet, so the next purge is an hour away");
        ageKeys(name, 5, Duration.ofHours(2));
        assertTrue(target.apply(Entries.inserts(table, 6, 6, 1)).allApplied());
        assertEquals(6, appliedKeys(target), "not due: the interval has not passed");

        JdbcSyncTarget eager = JdbcSyncTarget.builder(name, db.dataSource()).appliedKeysRetention(Duration.ofHours(1))
                .purgeBatchSize(2).purgeInterval(Duration.ofHours(1)).build();
        long[] after = new long[4];
        for (int i = 0; i < after.length; i++) {
            assertTrue(eager.apply(Entries.inserts(table, 7 + i, 7 + i, 1)).allApplied());
            after[i] = appliedKeys(eager);
        }
        assertArrayEquals(new long[] {5, 4, 4, 5}, after,
                "each batch adds a key; each purge deletes at most 2 old ones, and goes on while it finds 2");
    }

    @Test
    void appliedKeysTable_hasAnIndexByTargetAndTime() throws SQLException {
        JdbcSyncTarget target = newTarget();
        target.createSchema();
        List<String> columns = new ArrayList<>();
        try (Connection connection = db.connect()) {
            for (String table : new String[] {"wal4j_applied_keys", "WAL4J_APPLIED_KEYS"}) {
                try (java.sql.ResultSet rows = connection.getMetaData().getIndexInfo(connection.getCatalog(), null, table,
                        false, false)) {
                    while (rows.next()) {
                        String index = rows.getString("INDEX_NAME");
                        if (index != null && index.equalsIgnoreCase("wal4j_applied_keys_by_time")) {
                            columns.add(rows.getShort("ORDINAL_POSITION") + ":" + rows.getString("COLUMN_NAME")
                                    .toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                }
            }
        }
        columns.sort(null);
        assertEquals(List.of("1:target_name", "2:applied_at"), columns);
    }

    /** Moves the applied time of {@code target}'s keys with seq up to {@code maxSeq} into the past by {@code age}. */
    private void ageKeys(String target, long maxSeq, Duration age) throws SQLException {
        try (Connection connection = db.connect();
             java.sql.PreparedStatement update = connection.prepareStatement("UPDATE wal4j_applied_keys SET applied_at = ? "
                     + "WHERE target_name = ? AND entry_seq <= ?")) {
            update.setTimestamp(1, java.sql.Timestamp.from(Instant.now().minus(age)));
            update.setString(2, target);
            update.setLong(3, maxSeq);
            update.executeUpdate();
        }
    }
}
