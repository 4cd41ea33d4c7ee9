package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.LaneId;
import org.wal4j.PartitionFencedException;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.ForwardingDataSource;
import org.wal4j.jdbc.testing.RecordingDataSource;
import org.wal4j.jdbc.testing.StatementCountingDataSource;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyPartitions;
import org.wal4j.spi.ApplyResult;

/**
 * Fencing of {@link JdbcSyncTarget} in a log shared by several instances, on a real database; one
 * subclass per engine. Two target objects with the same name on the same database stand for two
 * instances (A and B) of one application. Each test uses its own target name and item table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PartitionFencingContract {
    private static final int PARTITIONS = 4;
    private static final String BLOCKING = "blocking";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicLong seqs = new AtomicLong();
    private TestDatabase db;
    private ExecutorService threads;

    abstract DatabaseEngine engine();

    @BeforeAll
    void start() {
        db = engine().createDatabase(getClass().getSimpleName());
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    void stop() {
        threads.shutdownNow();
    }

    private String newItemTable() throws SQLException {
        String table = "fenced_items_" + counter.incrementAndGet();
        db.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
        return table;
    }

    private String newTargetName() {
        return "fence" + counter.incrementAndGet();
    }

    private JdbcSyncTarget instance(String target, String instanceName) {
        return JdbcSyncTarget.builder(target, db.dataSource()).instanceName(instanceName).build();
    }

    /** A lane key of namespace {@code test} in {@code partition} of {@link #PARTITIONS}. */
    private static String keyOf(int partition) {
        for (int i = 0; ; i++) {
            if (ApplyPartitions.of(LaneId.of("test", "k" + i), PARTITIONS) == partition) {
                return "k" + i;
            }
        }
    }

    /** An entry of {@code partition} inserting row {@code id} into {@code table}. */
    private WalEntry insert(String table, int partition, long id) {
        return SqlStatementEntry.builder("test", "INSERT INTO " + table + " (id, name) VALUES (?, ?)", id, "row-" + id)
                .key(keyOf(partition)).build().withSeq(seqs.incrementAndGet());
    }

    private long appliedKeys(String target) throws SQLException {
        return db.queryLong("SELECT COUNT(*) FROM " + JdbcSyncTarget.DEFAULT_APPLIED_KEYS_TABLE + " WHERE target_name = ?",
                target);
    }

    private long epoch(String target, int partition) throws SQLException {
        return db.queryLong("SELECT epoch FROM " + JdbcSyncTarget.DEFAULT_PARTITION_OWNERS_TABLE
                + " WHERE target_name = ? AND partition_no = ?", target, partition);
    }

    @Test
    void apply_ofAPartitionAnotherInstanceClaimed_isFencedAndWritesNothing() throws SQLException {
        String table = newItemTable();
        String target = newTargetName();
        JdbcSyncTarget a = instance(target, "instance-a");
        JdbcSyncTarget b = instance(target, "instance-b");
        a.claimPartition(1, PARTITIONS);
        a.claimPartition(2, PARTITIONS);
        assertTrue(a.apply(List.of(insert(table, 1, 1))).allApplied());

        b.claimPartition(1, PARTITIONS);
        List<WalEntry> held = List.of(insert(table, 1, 2), insert(table, 1, 3));
        PartitionFencedException fenced = assertThrows(PartitionFencedException.class, () -> a.apply(held));

        assertEquals(1, fenced.partition());
        String message = fenced.getMessage();
        assertTrue(message.contains("target '" + target + "'"), message);
        assertTrue(message.contains("partition 1 of 4"), message);
        assertTrue(message.contains("'instance-a') claimed it at epoch 1"), message);
        assertTrue(message.contains("has epoch 2, claimed by 'instance-b'"), message);
        assertEquals(1, db.count(table), "the fenced batch changed nothing");
        assertEquals(1, appliedKeys(target), "the fenced batch recorded no key");

        assertTrue(b.apply(held).allApplied(), "the new owner applies the batch");
        assertEquals(3, db.count(table));
        assertTrue(a.apply(List.of(insert(table, 2, 4))).allApplied(), "A still owns partition 2");
        assertEquals(4, db.count(table));
        assertEquals(4, appliedKeys(target));
        assertEquals(2, epoch(target, 1));
        assertEquals(1, epoch(target, 2));
    }

    @Test
    void apply_afterStaleOwnerWasPaused_neverWritesAKey_evenForEntriesItAppliedBefore() throws SQLException {
        String table = newItemTable();
        String target = newTargetName();
        JdbcSyncTarget a = instance(target, "a");
        JdbcSyncTarget b = instance(target, "b");
        a.claimPartition(0, PARTITIONS);
        b.claimPartition(0, PARTITIONS);
        a.claimPartition(0, PARTITIONS);

        assertTrue(a.apply(List.of(insert(table, 0, 1))).allApplied(), "A claimed it back at epoch 3");
        assertThrows(PartitionFencedException.class, () -> b.apply(List.of(insert(table, 0, 2))));
        assertEquals(1, db.count(table));
        assertEquals(3, epoch(target, 0));
    }

    @Test
    void releasePartition_fencesTheNextBatchOfThePartition() throws SQLException {
        String table = newItemTable();
        String target = newTargetName();
        JdbcSyncTarget a = instance(target, "a");
        a.claimPartition(3, PARTITIONS);
        assertTrue(a.apply(List.of(insert(table, 3, 1))).allApplied());

        a.releasePartition(3);
        PartitionFencedException fenced = assertThrows(PartitionFencedException.class,
                () -> a.apply(List.of(insert(table, 3, 2))));

        assertEquals(3, fenced.partition());
        assertTrue(fenced.getMessage().contains("holds no claim of it"), fenced.getMessage());
        assertEquals(1, db.count(table));
        assertEquals(1, appliedKeys(target));
        a.claimPartition(3, PARTITIONS);
        assertTrue(a.apply(List.of(insert(table, 3, 2))).allApplied(), "claimed again");
    }

    @Test
    void apply_ofAPartitionNeverClaimed_isFencedOnceAnotherOneWas() throws SQLException {
        String table = newItemTable();
        String target = newTargetName();
        JdbcSyncTarget a = instance(target, "a");
        a.claimPartition(0, PARTITIONS);

        PartitionFencedException fenced = assertThrows(PartitionFencedException.class,
                () -> a.apply(List.of(insert(table, 2, 1))));

        assertTrue(fenced.getMessage().contains("holds no claim of it, and table "
                + JdbcSyncTarget.DEFAULT_PARTITION_OWNERS_TABLE + " has no row for it"), fenced.getMessage());
        assertEquals(0, db.count(table));
    }

    @Test
    void apply_withoutAnyClaim_runsNoStatementOnTheOwnersTable() throws SQLException {
        String table = newItemTable();
        String owners = "owners_" + counter.incrementAndGet();
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource());
        JdbcSyncTarget alone = JdbcSyncTarget.builder(newTargetName(), counting).partitionOwnersTable(owners)
                .purgeInterval(Duration.ZERO).build();
        alone.createSchema();
        db.execute("DROP TABLE " + owners);
        counting.reset();

        ApplyResult result = alone.apply(List.of(insert(table, 0, 1), insert(table, 1, 2)));

        assertTrue(result.allApplied(), result::toString);
        assertEquals(2, counting.roundTrips(), () -> "the keys and the inserts, nothing else: " + counting);
        assertEquals(2, db.count(table));
    }

    @Test
    void apply_ofAClaimedPartition_addsOneStatement() throws SQLException {
        String table = newItemTable();
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource());
        JdbcSyncTarget a = JdbcSyncTarget.builder(newTargetName(), counting).purgeInterval(Duration.ZERO).build();
        a.createSchema();
        a.claimPartition(0, PARTITIONS);
        counting.reset();

        ApplyResult result = a.apply(List.of(insert(table, 0, 1), insert(table, 0, 2)));

        assertTrue(result.allApplied(), result::toString);
        assertEquals(1, counting.calls("executeQuery"), counting::toString);
        assertEquals(3, counting.roundTrips(), () -> "the owner row, the keys and the inserts: " + counting);
    }

    @Test
    void claimPartition_waitsForABatchOfTheOldOwnerUnderWay_whichCommits_andTheNextIsFenced() throws Exception {
        String table = newItemTable();
        String target = newTargetName();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        JdbcSyncTarget a = JdbcSyncTarget.builder(target, db.dataSource()).instanceName("a")
                .applier(BLOCKING, (entry, connection) -> {
                    try (var insert = connection.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
                        insert.setLong(1, entry.seq());
                        insert.setString(2, "blocking");
                        insert.executeUpdate();
                    }
                    inside.countDown();
                    try {
                        if (!proceed.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                            throw new IllegalStateException("not released within " + WAIT);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }).build();
        RecordingDataSource recording = new RecordingDataSource(db);
        JdbcSyncTarget b = JdbcSyncTarget.builder(target, recording).instanceName("b").build();
        b.createSchema();
        a.claimPartition(2, PARTITIONS);
        WalEntry blocking = WalEntry.builder("test", BLOCKING).key(keyOf(2)).build().withSeq(seqs.incrementAndGet());

        Future<ApplyResult> batch = threads.submit(() -> a.apply(List.of(blocking)));
        assertTrue(inside.await(WAIT.toSeconds(), TimeUnit.SECONDS), "A's batch reached its applier");
        int opened = recording.sessionIds().size();
        Future<?> claim = threads.submit(() -> b.claimPartition(2, PARTITIONS));
        String claimSession = awaitNewSession(recording, opened);
        db.awaitLockWait(claimSession, WAIT);

        assertFalse(claim.isDone(), "B's claim waits for A's batch");
        proceed.countDown();
        ApplyResult applied = batch.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        claim.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertTrue(applied.allApplied(), "A's batch began before the claim: it commits; " + applied);
        assertEquals(1, db.count(table));
        assertEquals(2, epoch(target, 2));
        assertThrows(PartitionFencedException.class, () -> a.apply(List.of(insert(table, 2, 100))));
        assertEquals(1, db.count(table));
        assertEquals(1, appliedKeys(target));
    }

    /** The session of the first connection {@code recording} opens after {@code opened} ones. */
    private static String awaitNewSession(RecordingDataSource recording, int opened) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (recording.sessionIds().size() <= opened) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no connection opened within " + WAIT);
            }
            Thread.sleep(10);
        }
        return recording.sessionIds().get(opened);
    }

    @Test
    void claimPartition_byTwoInstancesAtOnce_createsTheRowOnce_andRaisesTheEpochTwice() throws Exception {
        String target = newTargetName();
        JdbcSyncTarget a = instance(target, "a");
        JdbcSyncTarget b = instance(target, "b");
        a.createSchema();
        b.createSchema();
        CyclicBarrier together = new CyclicBarrier(2);
        Future<?> first = threads.submit(() -> {
            together.await();
            a.claimPartition(1, PARTITIONS);
            return null;
        });
        Future<?> second = threads.submit(() -> {
            together.await();
            b.claimPartition(1, PARTITIONS);
            return null;
        });
        first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        second.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(2, epoch(target, 1));
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM " + JdbcSyncTarget.DEFAULT_PARTITION_OWNERS_TABLE
                + " WHERE target_name = ?", target));
        String table = newItemTable();
        boolean aOwns = applies(a, insert(table, 1, 1));
        boolean bOwns = applies(b, insert(table, 1, 2));
        assertEquals(Set.of(true, false), Set.of(aOwns, bOwns), "exactly one of them owns the partition");
    }

    /** Whether {@code target} applies {@code entry} (true) or is fenced (false). */
    private static boolean applies(JdbcSyncTarget target, WalEntry entry) {
        try {
            ApplyResult result = target.apply(List.of(entry));
            assertTrue(result.allApplied(), result::toString);
            return true;
        } catch (PartitionFencedException e) {
            return false;
        }
    }

    @Test
    void claimPartition_withAnotherPartitionCount_isRefusedNamingBoth() {
        JdbcSyncTarget a = instance(newTargetName(), "a");
        a.claimPartition(0, PARTITIONS);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.claimPartition(1, 8));

        assertTrue(e.getMessage().contains("claim of partition 1 of 8 partitions, but an earlier claim was of 4 "
                + "partitions"), e.getMessage());
        assertEquals("partition must be between 0 and 3 but was 4",
                assertThrows(IllegalArgumentException.class, () -> a.claimPartition(4, PARTITIONS)).getMessage());
        assertEquals("partitions must be between 1 and 1024 but was 0",
                assertThrows(IllegalArgumentException.class, () -> a.claimPartition(0, 0)).getMessage());
    }

    @Test
    void apply_ofABatchOfSeveralPartitions_isRefusedOnceClaimed() throws SQLException {
        String table = newItemTable();
        JdbcSyncTarget a = instance(newTargetName(), "a");
        a.claimPartition(0, PARTITIONS);
        a.claimPartition(1, PARTITIONS);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.apply(List.of(insert(table, 0, 1), insert(table, 1, 2))));

        assertTrue(e.getMessage().contains("a batch must hold entries of one apply partition"), e.getMessage());
        assertEquals(0, db.count(table));
    }

    @Test
    void apply_whenAnEntryFails_checksTheOwnerAgainAfterTheRollback_andReportsTheEntry() throws SQLException {
        String table = newItemTable();
        db.execute("INSERT INTO " + table + " (id, name) VALUES (2, 'there')");
        String target = newTargetName();
        JdbcSyncTarget a = instance(target, "a");
        a.claimPartition(0, PARTITIONS);
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource());
        JdbcSyncTarget counted = JdbcSyncTarget.builder(target, counting).instanceName("a").build();
        counted.createSchema();
        counted.claimPartition(0, PARTITIONS);
        counting.reset();

        ApplyResult result = counted.apply(List.of(insert(table, 0, 1), insert(table, 0, 2), insert(table, 0, 3)));

        assertEquals(ApplyResult.Outcome.PERMANENT, result.outcome(1), result::toString);
        assertEquals(2, counting.calls("executeQuery"), () -> "the owner row, before each attempt: " + counting);
        assertEquals(1, db.count(table));
        assertEquals(0, appliedKeys(target));
        assertThrows(PartitionFencedException.class, () -> a.apply(List.of(insert(table, 0, 4))),
                "the second target object's claim fenced the first");
    }

    @Test
    void apply_whenAnEntryIsRejected_checksTheOwnerAgainBeforeCommittingTheOnesBefore() throws SQLException {
        String table = newItemTable();
        String target = newTargetName();
        StatementCountingDataSource counting = new StatementCountingDataSource(db.dataSource());
        JdbcSyncTarget a = JdbcSyncTarget.builder(target, counting).instanceName("a")
                .applier("refuse", (entry, connection) -> {
                    throw new EntryRejectedException("no", new IllegalStateException("refused"));
                }).build();
        a.createSchema();
        a.claimPartition(0, PARTITIONS);
        counting.reset();
        WalEntry refused = WalEntry.builder("test", "refuse").key(keyOf(0)).build().withSeq(seqs.incrementAndGet());

        ApplyResult result = a.apply(List.of(insert(table, 0, 1), refused, insert(table, 0, 3)));

        assertEquals(ApplyResult.Outcome.APPLIED, result.outcome(0), result::toString);
        assertEquals(ApplyResult.Outcome.REJECTED, result.outcome(1), result::toString);
        assertEquals(2, counting.calls("executeQuery"), () -> "the owner row, before each transaction: " + counting);
        assertEquals(1, db.count(table));
    }

    @Test
    void apply_whenTheOwnersRowCannotBeRead_failsRetryable_andWritesNothing() throws SQLException {
        String table = newItemTable();
        String owners = "owners_" + counter.incrementAndGet();
        JdbcSyncTarget a = JdbcSyncTarget.builder(newTargetName(), db.dataSource()).partitionOwnersTable(owners).build();
        a.claimPartition(0, PARTITIONS);
        db.execute("DROP TABLE " + owners);

        ApplyResult result = a.apply(List.of(insert(table, 0, 1)));

        assertEquals(ApplyResult.Outcome.RETRYABLE, result.outcome(0), result::toString);
        assertTrue(result.reason().contains("locking the partition's row in table " + owners), result.reason());
        assertEquals(0, db.count(table));
    }

    @Test
    void createSchemaFalse_withoutTheOwnersTable_isReportedNamingIt() {
        instance(newTargetName(), "a").createSchema();
        String owners = "owners_" + counter.incrementAndGet();
        JdbcSyncTarget strict = JdbcSyncTarget.builder(newTargetName(), db.dataSource()).partitionOwnersTable(owners)
                .createSchema(false).build();

        JdbcTargetException schema = assertThrows(JdbcTargetException.class, strict::createSchema);
        JdbcTargetException claim = assertThrows(JdbcTargetException.class, () -> strict.claimPartition(0, PARTITIONS));

        assertTrue(schema.getMessage().contains("table " + owners + " is not usable"), schema.getMessage());
        assertTrue(claim.getMessage().contains("table " + owners + " is not usable"), claim.getMessage());
    }

    @Test
    void claimPartition_whenTheDatabaseRefuses_throwsNamingTheTable() throws SQLException {
        String owners = "owners_" + counter.incrementAndGet();
        JdbcSyncTarget a = JdbcSyncTarget.builder(newTargetName(), db.dataSource()).partitionOwnersTable(owners)
                .build();
        a.createSchema();
        db.execute("DROP TABLE " + owners);

        JdbcTargetException e = assertThrows(JdbcTargetException.class, () -> a.claimPartition(0, PARTITIONS));

        assertTrue(e.getMessage().contains("cannot claim partition 0 of 4 in table " + owners), e.getMessage());
    }

    @Test
    void builder_refusesABlankOrLongInstanceName_andAnInvalidOwnersTable() {
        JdbcSyncTarget.Builder builder = JdbcSyncTarget.builder(newTargetName(), db.dataSource());
        assertEquals("instanceName must be 1 to 255 characters, not blank, but was ' ' (1 characters)",
                assertThrows(IllegalArgumentException.class, () -> builder.instanceName(" ")).getMessage());
        String tooLong = "x".repeat(JdbcSyncTarget.MAX_INSTANCE_NAME + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.instanceName(tooLong)).getMessage()
                .endsWith("(256 characters)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.partitionOwnersTable("a b"))
                .getMessage().startsWith("partitionOwnersTable must be an unquoted SQL identifier"));
        builder.instanceName("x".repeat(JdbcSyncTarget.MAX_INSTANCE_NAME));
    }

    @Test
    void claimPartition_byDefault_recordsThisProcessAsOwner() throws SQLException {
        String target = newTargetName();
        JdbcSyncTarget.builder(target, db.dataSource()).build().claimPartition(0, PARTITIONS);

        try (var connection = db.connect(); var select = connection.prepareStatement("SELECT owner FROM "
                + JdbcSyncTarget.DEFAULT_PARTITION_OWNERS_TABLE + " WHERE target_name = ?")) {
            select.setString(1, target);
            try (var rows = select.executeQuery()) {
                assertTrue(rows.next());
                assertTrue(rows.getString(1).startsWith(ProcessHandle.current().pid() + "@"), rows.getString(1));
            }
        }
    }

    @Test
    void claimPartition_whenAnotherInstanceInsertsTheRowFirst_raisesThatRow() throws SQLException {
        String name = newTargetName();
        instance(name, "setup").createSchema();
        AtomicInteger interfered = new AtomicInteger();
        // after this claim's UPDATE found no row and rolled back, another instance inserts the row:
        // this claim's own INSERT then meets a duplicate key
        DataSource racing = new ForwardingDataSource(db.dataSource()) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = target.getConnection();
                boolean[] emptyUpdate = {false};
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("rollback") && args == null && emptyUpdate[0]
                                    && interfered.get() == 0) {
                                real.rollback();
                                interfered.incrementAndGet();
                                db.execute("INSERT INTO " + JdbcSyncTarget.DEFAULT_PARTITION_OWNERS_TABLE
                                        + " (target_name, partition_no, epoch, owner) VALUES ('" + name
                                        + "', 1, 5, 'other')");
                                return null;
                            }
                            Object result = invoke(real, method, args);
                            if (method.getName().equals("prepareStatement") && ((String) args[0]).startsWith("UPDATE "
                                    + JdbcSyncTarget.DEFAULT_PARTITION_OWNERS_TABLE)) {
                                PreparedStatement update = (PreparedStatement) result;
                                return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                                        new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                                            Object r = invoke(update, m, a);
                                            if (m.getName().equals("executeUpdate") && (Integer) r == 0) {
                                                emptyUpdate[0] = true;
                                            }
                                            return r;
                                        });
                            }
                            return result;
                        });
            }
        };
        JdbcSyncTarget mine = JdbcSyncTarget.builder(name, racing).instanceName("mine").build();

        mine.claimPartition(1, PARTITIONS);

        assertEquals(1, interfered.get(), "the other instance inserted the row in between");
        assertEquals(6, epoch(name, 1));
        String table = newItemTable();
        assertTrue(mine.apply(List.of(insert(table, 1, 1))).allApplied());
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
