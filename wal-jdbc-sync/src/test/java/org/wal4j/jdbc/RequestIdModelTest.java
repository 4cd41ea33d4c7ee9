package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * Request ids ({@link IdempotencyKey}) on an in-memory H2 target: what {@code build} refuses, the
 * entry's idempotency key, futures, the outcome read back when the log no longer knows the id,
 * an outcome that is gone, the schema of an applied-keys table from before the outcome column, and
 * how a dead letter's reason becomes the exception again.
 */
@Timeout(60)
class RequestIdModelTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path logDir;
    private Wal wal;
    private JdbcDataSource h2;

    interface Ledger {
        @Critical(namespace = "ledger")
        BigDecimal add(@LaneKey String account, BigDecimal amount, @IdempotencyKey String requestId);

        @Critical(namespace = "ledger")
        CompletableFuture<BigDecimal> addLater(@LaneKey String account, BigDecimal amount, @IdempotencyKey long requestId);
    }

    /** Keeps balances in memory: enough to count runs. */
    static final class MemoryLedger implements Ledger {
        final AtomicInteger runs = new AtomicInteger();
        BigDecimal balance = BigDecimal.ZERO;

        @Override
        public synchronized BigDecimal add(String account, BigDecimal amount, String requestId) {
            runs.incrementAndGet();
            balance = balance.add(amount);
            return balance;
        }

        @Override
        public CompletableFuture<BigDecimal> addLater(String account, BigDecimal amount, long requestId) {
            return CompletableFuture.completedFuture(add(account, amount, Long.toString(requestId)));
        }
    }

    interface Rejecting {
        @Critical(namespace = "ledger")
        int reject(@LaneKey String key, @IdempotencyKey String requestId);
    }

    @Test
    void retry_ofACallWhoseExceptionCannotBeMadeAgain_getsEntryNotApplied_asDoesItsReceipt() {
        Rejecting rejecting = wrap(Rejecting.class, (key, id) -> {
            throw new Throwing.NoMessageConstructor();
        }, TestWals.config());
        assertThrows(Throwing.NoMessageConstructor.class, () -> rejecting.reject("k", "r-5"));

        EntryNotAppliedException retried = assertThrows(EntryNotAppliedException.class,
                () -> rejecting.reject("k", "r-5"));
        CallReceipt receipt = DurableRepository.lastReceipt().orElseThrow();
        EntryNotAppliedException awaited = assertThrows(EntryNotAppliedException.class,
                () -> receipt.await(Duration.ofSeconds(5)));

        assertEquals(org.wal4j.EntryStatus.DEAD, retried.status());
        assertTrue(retried.getMessage().contains(", the first call of request id 'r-5', was not applied by target "
                + "'primary': it was dead-lettered"), retried.getMessage());
        assertTrue(retried.reason().contains("NoMessageConstructor: x"), retried.reason());
        assertTrue(receipt.duplicate());
        assertTrue(awaited.getMessage().endsWith("was not applied by target 'primary': it is DEAD and will not be applied "
                + "unless an operator requeues it"), awaited.getMessage());
        assertThrows(IllegalArgumentException.class, () -> receipt.await(Duration.ofSeconds(-1)));
    }

    interface RejectingNamed {
        @Critical(namespace = "ledger", rejections = Throwing.NoMessageConstructor.class)
        int reject(@LaneKey String key, @IdempotencyKey String requestId);
    }

    @Test
    void retry_ofARejectionWhoseExceptionCannotBeMadeAgain_getsEntryNotApplied_namingItsTypeAndMessage() {
        AtomicInteger runs = new AtomicInteger();
        RejectingNamed rejecting = wrap(RejectingNamed.class, (key, id) -> {
            runs.incrementAndGet();
            throw new Throwing.NoMessageConstructor();
        }, TestWals.config());
        assertThrows(Throwing.NoMessageConstructor.class, () -> rejecting.reject("k", "r-7"));

        EntryNotAppliedException retried = assertThrows(EntryNotAppliedException.class,
                () -> rejecting.reject("k", "r-7"));

        assertEquals(org.wal4j.EntryStatus.REJECTED, retried.status());
        assertEquals(Throwing.NoMessageConstructor.class.getName() + ": x", retried.reason());
        assertTrue(retried.getMessage().contains(", the first call of request id 'r-7', was not applied by target "
                + "'primary': it was rejected (a business verdict of its DAO method), and will not be applied; its "
                + "verdict " + Throwing.NoMessageConstructor.class.getName() + ": x cannot be thrown again as itself (its "
                + "type is not one of the method's rejection types by that name, or has no public (String) "
                + "constructor)"), retried.getMessage());
        assertEquals(1, runs.get(), "the retry ran no DAO");
        assertEquals(1, wal.stats().duplicateWrites());
    }

    interface TwoIds {
        @Critical
        void write(@LaneKey String key, @IdempotencyKey String a, @IdempotencyKey String b);
    }

    interface NotCritical {
        @Critical
        void write(@LaneKey String key);

        String read(@LaneKey String key, @IdempotencyKey String requestId);
    }

    interface BadIdType {
        @Critical
        void write(@LaneKey String key, @IdempotencyKey BigDecimal requestId);
    }

    interface UntypedResult {
        @Critical
        Object write(@LaneKey String key, @IdempotencyKey String requestId);
    }

    @AfterEach
    void stop() {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(5));
        }
    }

    private JdbcSyncTarget target(Duration appliedKeysRetention) {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:requestids" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        return JdbcSyncTarget.builder("primary", h2).appliedKeysRetention(appliedKeysRetention).build();
    }

    private <T> T wrap(Class<T> type, T dao, WalConfig config) {
        JdbcSyncTarget target = target(Duration.ofDays(3650));
        wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(logDir))).config(config).target(target)
                .build();
        T proxy = DurableRepository.builder(type).target(target, dao)
                .options(RepositoryOptions.builder().applyWait(Duration.ofSeconds(30)).build()).build(wal);
        wal.start();
        return proxy;
    }

    private <T> IllegalArgumentException refused(Class<T> type) {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(5));
        }
        JdbcSyncTarget target = target(Duration.ofDays(3650));
        wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(logDir.resolve(type.getSimpleName()))))
                .config(TestWals.config()).target(target).build();
        @SuppressWarnings("unchecked")
        T dao = (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> null);
        return assertThrows(IllegalArgumentException.class, () -> DurableRepository.builder(type).target(target, dao)
                .build(wal));
    }

    @Test
    void build_refusesRequestIdsItCannotUse() {
        assertEquals("TwoIds.write(String, String, String) marks 2 parameters @IdempotencyKey "
                + "(arguments [1, 2]); a call has one request id", refused(TwoIds.class).getMessage());
        assertEquals("NotCritical.read(String, String) marks a parameter @IdempotencyKey but is not "
                + "critical: only calls written to the log are deduplicated; make it @Critical or remove the annotation",
                refused(NotCritical.class).getMessage());
        assertTrue(refused(BadIdType.class).getMessage().contains("cannot be a request id: java.math.BigDecimal has no "
                + "text that names its value"));
        assertTrue(refused(UntypedResult.class).getMessage().startsWith("UntypedResult.write(String, "
                + "String): the result, stored for the retries of a request id,: java.lang.Object does not say which "
                + "class"));
    }

    @Test
    void call_writesTheOperationAndTheRequestIdAsTheEntrysIdempotencyKey_andFuturesAnswerRetries() throws Exception {
        MemoryLedger dao = new MemoryLedger();
        Ledger ledger = wrap(Ledger.class, dao, TestWals.config());

        assertEquals(new BigDecimal("5"), ledger.add("a", new BigDecimal("5"), "r-1"));
        assertEquals(new BigDecimal("12"), ledger.addLater("a", new BigDecimal("7"), 42L).get(30, TimeUnit.SECONDS));
        assertEquals(new BigDecimal("12"), ledger.addLater("a", new BigDecimal("7"), 42L).get(30, TimeUnit.SECONDS),
                "a retried future answers the first call's value");
        assertTrue(DurableRepository.lastReceipt().isEmpty(), "a future call leaves no receipt: the future is its handle");

        List<String> keys;
        try (Stream<ReplayRecord> records = wal.admin().replay(ReplayQuery.all())) {
            keys = records.map(ReplayRecord::entry).map(WalEntry::idempotencyKey).collect(Collectors.toList());
        }
        assertEquals(List.of("Ledger#add(String,BigDecimal,String)|r-1",
                "Ledger#addLater(String,BigDecimal,long)|42"), keys);
        assertEquals(2, dao.runs.get());
        assertEquals(1, wal.stats().duplicateWrites());
    }

    @Test
    void retry_afterTheLogForgotTheRequestId_isSkippedByTheTarget_andAnswersTheStoredResult() throws Exception {
        MemoryLedger dao = new MemoryLedger();
        Ledger ledger = wrap(Ledger.class, dao, TestWals.config().toBuilder().retention(Duration.ofSeconds(1))
                .compactionInterval(Duration.ofSeconds(1)).build());
        assertEquals(new BigDecimal("5"), ledger.add("a", new BigDecimal("5"), "r-2"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (wal.stats().idempotencyKeys() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, wal.stats().idempotencyKeys(), "the log forgot the request id after its retention");

        assertEquals(new BigDecimal("5"), ledger.add("a", new BigDecimal("5"), "r-2"));
        assertEquals(0, wal.stats().duplicateWrites(), "the log wrote the retry as a new entry");
        assertEquals(1, dao.runs.get(), "the target skipped it: its key was applied");
    }

    @Test
    void retry_whoseStoredOutcomeIsGone_isRefusedSayingWhy() throws Exception {
        MemoryLedger dao = new MemoryLedger();
        Ledger ledger = wrap(Ledger.class, dao, TestWals.config());
        ledger.add("a", BigDecimal.ONE, "r-3");
        ledger.add("a", BigDecimal.ONE, "r-4");
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM wal4j_applied_keys WHERE idempotency_key LIKE '%|r-3'");
            s.execute("UPDATE wal4j_applied_keys SET call_outcome = NULL WHERE idempotency_key LIKE '%|r-4'");
        }

        IllegalStateException purged = assertThrows(IllegalStateException.class,
                () -> ledger.add("a", BigDecimal.ONE, "r-3"));
        IllegalStateException older = assertThrows(IllegalStateException.class,
                () -> ledger.add("a", BigDecimal.ONE, "r-4"));

        assertTrue(purged.getMessage().contains("request id 'r-3' was applied by target 'primary' as entry seq=1"),
                purged.getMessage());
        assertTrue(purged.getMessage().endsWith("(its applied key was purged after appliedKeysRetention), so the first "
                + "call's result is unknown; nothing was written"), purged.getMessage());
        assertTrue(older.getMessage().contains("(it was applied by a version that did not store outcomes)"),
                older.getMessage());
        assertEquals(2, dao.runs.get());
    }

    @Test
    void schema_fromBefore_getsTheOutcomeColumnAndTheRejectedCallsTable_orNamesTheMigration() throws SQLException {
        JdbcDataSource old = new JdbcDataSource();
        old.setURL("jdbc:h2:mem:requestids" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = old.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE wal4j_applied_keys (target_name VARCHAR(64) NOT NULL, idempotency_key VARCHAR(512) "
                    + "NOT NULL, entry_seq BIGINT NOT NULL, entry_id VARCHAR(512) NOT NULL, applied_at TIMESTAMP WITH "
                    + "TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, PRIMARY KEY (target_name, idempotency_key))");
            s.execute("CREATE TABLE wal4j_checkpoints (target_name VARCHAR(64) NOT NULL PRIMARY KEY, checkpoint_seq "
                    + "BIGINT NOT NULL, updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
        }

        JdbcTargetException missing = assertThrows(JdbcTargetException.class,
                () -> JdbcSyncTarget.builder("primary", old).createSchema(false).build().createSchema());
        assertTrue(missing.getMessage().contains("table wal4j_applied_keys has no column call_outcome (added for request "
                + "ids in this version); add it with: ALTER TABLE wal4j_applied_keys ADD COLUMN call_outcome CHARACTER "
                + "LARGE OBJECT, or let the target do it (createSchema(true))"), missing.getMessage());
        try (Connection c = old.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE wal4j_applied_keys ADD COLUMN call_outcome CHARACTER LARGE OBJECT");
        }
        JdbcTargetException noRejected = assertThrows(JdbcTargetException.class,
                () -> JdbcSyncTarget.builder("primary", old).createSchema(false).build().createSchema());
        assertTrue(noRejected.getMessage().contains("table wal4j_applied_keys_rejected is not usable (SQLSTATE 42S02"),
                noRejected.getMessage());
        assertTrue(noRejected.getMessage().endsWith("it keeps the verdicts of rejected calls with a request id, added in "
                + "this version); create it with its statements in /org/wal4j/jdbc/ddl/h2.sql or let the target create "
                + "it (createSchema(true))"), noRejected.getMessage());

        JdbcSyncTarget.builder("primary", old).build().createSchema();
        JdbcSyncTarget.builder("primary", old).build().createSchema(); // a second run finds the column
        try (Connection c = old.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT call_outcome FROM wal4j_applied_keys").close();
        }
        JdbcSyncTarget.builder("primary", old).createSchema(false).build().createSchema();
    }

    @Test
    void rebuild_makesOnlyTheMethodsRejectionTypesByName_throughAMessageConstructor() throws Exception {
        java.lang.reflect.Method write = Throwing.class.getMethod("write", String.class, String.class);
        MethodRejections rejections = MethodRejections.of("Throwing#write", write, write.getAnnotation(Critical.class),
                List.of(Throwing.NoMessageConstructor.class));

        Throwable declared = CallOutcomes.rebuild(new CallOutcomes.Rejection("h", Throwing.Declared.class.getName(),
                "no funds"), rejections);
        assertInstanceOf(Throwing.Declared.class, declared);
        assertEquals("no funds", declared.getMessage());
        assertNull(CallOutcomes.rebuild(new CallOutcomes.Rejection("h", Throwing.NoMessageConstructor.class.getName(),
                "x"), rejections), "named, but no public (String) constructor");
        assertNull(CallOutcomes.rebuild(new CallOutcomes.Rejection("h", IllegalStateException.class.getName(), "x"),
                rejections), "a loadable class that is not one of the method's rejections is never made");
        assertEquals("a.B: m", new CallOutcomes.Rejection("h", "a.B", "m").describe());
        assertEquals("a.B", new CallOutcomes.Rejection("h", "a.B", null).describe());
    }

    interface Throwing {
        @Critical
        void write(@LaneKey String key, @IdempotencyKey String id) throws SQLException, Declared;

        /** A declared exception with a message constructor. */
        final class Declared extends Exception {
            private static final long serialVersionUID = 1L;

            public Declared(String message) {
                super(message);
            }
        }

        /** A declared-looking exception without one. */
        final class NoMessageConstructor extends RuntimeException {
            private static final long serialVersionUID = 1L;

            NoMessageConstructor() {
                super("x");
            }
        }
    }

    /** A checked exception the method does not declare. */
    static final class Undeclared extends Exception {
        private static final long serialVersionUID = 1L;

        public Undeclared(String message) {
            super(message);
        }
    }

    @Test
    void rethrown_makesTheDaosExceptionAgainFromTheDeadLettersReason_whereItCan() throws Exception {
        java.lang.reflect.Method method = Throwing.class.getMethod("write", String.class, String.class);
        CallOutcomes outcomes = new CallOutcomes(method, "Throwing.write", new com.fasterxml.jackson.databind.ObjectMapper(),
                null);
        WalEntry entry = WalEntry.builder("ns", "Throwing#write").key("k").payloadJson("[]").build().withSeq(7);
        String prefix = SqlFailures.entry(entry, "primary") + " failed (permanent): ";

        Throwable declared = outcomes.rethrown(entry, "primary", prefix + SqlFailures.describe(
                new DaoCallApplier.DaoCallException("wrapped", new Throwing.Declared("no: funds"))));
        assertInstanceOf(Throwing.Declared.class, declared);
        assertEquals("no: funds", declared.getMessage());
        Throwable unchecked = outcomes.rethrown(entry, "primary", prefix + SqlFailures.describe(
                new IllegalStateException((String) null)));
        assertInstanceOf(IllegalStateException.class, unchecked);
        assertNull(unchecked.getMessage());
        SQLException sql = (SQLException) outcomes.rethrown(entry, "primary", prefix + SqlFailures.describe(
                new SQLException("duplicate key", "23505", 7)));
        assertEquals("23505", sql.getSQLState());
        assertEquals(7, sql.getErrorCode());
        assertEquals("duplicate key", sql.getMessage());

        assertNull(outcomes.rethrown(entry, "primary", null));
        assertNull(outcomes.rethrown(entry, "primary", "after 5 attempts: something"), "not the target's format");
        assertNull(outcomes.rethrown(entry, "primary", SqlFailures.entry(entry, "primary") + " failed (permanent"));
        assertNull(outcomes.rethrown(entry, "primary", prefix + SqlFailures.describe(new Undeclared("u"))),
                "a checked exception the method does not declare");
        assertNull(outcomes.rethrown(entry, "primary", prefix + SqlFailures.describe(
                new Throwing.NoMessageConstructor())), "no (String) constructor");
        assertNull(outcomes.rethrown(entry, "primary", prefix + "com.example.Missing: gone"), "no such class");
        assertNull(outcomes.rethrown(entry, "primary", prefix + "java.lang.String: not a throwable"));
        assertNull(outcomes.rethrown(entry, "primary", prefix + SqlFailures.describe(
                new IllegalStateException("dao", new SQLException("lost", "08006")))), "its cause cannot be made again");
        assertNull(outcomes.rethrown(entry, "primary", prefix + "no class here"));
        assertThrows(IllegalStateException.class, () -> outcomes.decode("[1]"));
        assertThrows(IllegalStateException.class, () -> outcomes.decode("{\"arguments\":\"x\"}"));
        assertThrows(IllegalStateException.class, () -> outcomes.decode("{not json"));
        assertEquals("x", outcomes.decode("{\"other\":[1],\"arguments\":\"x\",\"value\":{\"a\":1}}").argumentsHash());
    }
}
