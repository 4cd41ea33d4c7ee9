package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.TargetStats;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.event.EntryRejected;
import org.wal4j.event.EntryRetried;
import org.wal4j.event.WalEvent;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.InsufficientFundsException;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;
import org.wal4j.jdbc.testing.TradeRow;
import org.wal4j.spi.ApplyResult;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;
import org.wal4j.testing.Await;

/**
 * Business rejections: an exception a critical DAO method declares (or its options name) ends
 * the entry REJECTED, apart from dead letters and retries, with nothing of it left in the
 * database; the waiting caller gets the exception itself. One subclass per engine.
 */
@Timeout(120)
abstract class RejectionContract {
    private static final String BOOK = "AccountDao#book(String,Trade)";

    @TempDir
    Path logDir;
    TestDatabase db;
    JdbcSyncTarget target;
    Wal wal;
    AccountDao accounts;
    final List<WalEvent> events = new CopyOnWriteArrayList<>();
    /** Trade ids whose next booking fails once with a retryable SQL failure (a serialization failure). */
    final Set<String> failOnce = ConcurrentHashMap.newKeySet();

    abstract DatabaseEngine engine();

    @BeforeEach
    void start() throws SQLException {
        db = engine().createDatabase(getClass().getSimpleName());
        AccountsSchema.create(db);
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        target = JdbcSyncTarget.builder("primary", dataSource).build();
        JdbcAccountDao dao = new JdbcAccountDao(dataSource, (account, trade) -> {
            if (failOnce.remove(trade.tradeId())) {
                throw new IllegalStateException(new SQLException("could not serialize access (test)", "40001"));
            }
        });
        wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(logDir))).config(TestWals.config())
                .target(target).listener(events::add).build();
        accounts = DurableRepository.builder(AccountDao.class).target(target, dao)
                .options(RepositoryOptions.builder().readYourWrites(Duration.ofSeconds(30))
                        .applyWait(Duration.ofSeconds(30)).rejections("submit", InsufficientFundsException.class)
                        .build())
                .build(wal);
        wal.start();
    }

    @AfterEach
    void stop() {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void valueReturningCall_rejected_throwsTheDaosException_endsRejected_andTheLaneMovesOn() throws Exception {
        accounts.open("acct-1", "Ada");
        accounts.book("acct-1", new Trade("t1", new BigDecimal("5.00"), 1));

        InsufficientFundsException thrown = assertThrows(InsufficientFundsException.class,
                () -> accounts.book("acct-1", new Trade("t2", new BigDecimal("-8.00"), 2)));
        assertEquals("account acct-1 would go to -3.00", thrown.getMessage());
        BigDecimal after = accounts.book("acct-1", new Trade("t3", new BigDecimal("1.00"), 3));

        assertEquals(new BigDecimal("6.00"), after, "the next entry of the lane applied on the unchanged balance");
        assertEquals(new BigDecimal("6.00"), accounts.balance("acct-1"));
        assertEquals(List.of("t1", "t3"), tradeIds("acct-1"), "nothing of the rejected call stays");
        assertEquals(List.of(EntryStatus.APPLIED, EntryStatus.REJECTED, EntryStatus.APPLIED), statuses(BOOK));
        TargetStats stats = wal.stats().target("primary");
        assertEquals(1, stats.rejected());
        assertEquals(0, stats.deadLetters());
        assertEquals(0, stats.deadLettered());
        assertEquals(0, wal.admin().deadLetters(DeadLetterFilter.all()).count());
        assertEquals(3, db.count("wal4j_applied_keys"), "open, t1 and t3: a rejected entry records no key");
        EntryRejected event = awaitOne(EntryRejected.class);
        assertEquals(InsufficientFundsException.class.getName(), event.exceptionType());
        assertEquals("account acct-1 would go to -3.00", event.exceptionMessage());
        assertEquals(1, event.attempts());
        assertTrue(event.reason().contains("rejected"), event.reason());
        assertTrue(events.stream().noneMatch(e -> e instanceof EntryDeadLettered));
    }

    @Test
    void voidCall_acknowledged_thenRejected_withAnEvent_notADeadLetter() throws Exception {
        accounts.open("acct-1", "Ada");
        accounts.post("acct-1", new Trade("t1", new BigDecimal("-1.00"), 1)); // acknowledged: durable

        EntryRejected event = awaitOne(EntryRejected.class);
        assertEquals("acct-1", event.entry().key());
        assertEquals(InsufficientFundsException.class.getName(), event.exceptionType());
        assertEquals("account acct-1 would go to -1.00", event.exceptionMessage());
        assertEquals(List.of(EntryStatus.REJECTED), statuses("AccountDao#post(String,Trade)"));
        assertEquals(0, wal.stats().target("primary").deadLetters());
        assertEquals(1, wal.stats().target("primary").rejected());
        assertEquals(new BigDecimal("0.00"), accounts.balance("acct-1").setScale(2));
        assertEquals(List.of(), tradeIds("acct-1"));
    }

    @Test
    void futureCall_rejectedByTheOptions_failsWithTheDaosException() throws Exception {
        accounts.open("acct-1", "Ada");
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> accounts.submit("acct-1", new Trade("t1", new BigDecimal("-2.00"), 1)).get(30, TimeUnit.SECONDS));
        assertInstanceOf(InsufficientFundsException.class, failed.getCause());
        assertEquals(List.of(EntryStatus.REJECTED), statuses("AccountDao#submit(String,Trade)"));
        assertEquals(0, wal.stats().target("primary").deadLetters());
    }

    @Test
    void rejection_deadLetter_andRetry_eachEndAsTheirKind() throws Exception {
        accounts.open("acct-1", "Ada");
        // an undeclared runtime exception (no such account): a fault, dead-lettered
        IllegalStateException noAccount = assertThrows(IllegalStateException.class,
                () -> accounts.book("ghost", new Trade("g1", new BigDecimal("1.00"), 1)));
        assertEquals("no account ghost", noAccount.getMessage());
        // a retryable SQL failure: retried, then applied
        failOnce.add("t1");
        assertEquals(new BigDecimal("4.00"), accounts.book("acct-1", new Trade("t1", new BigDecimal("4.00"), 1)));
        assertTrue(failOnce.isEmpty(), "the first attempt failed");
        // a declared exception: rejected at the first attempt
        assertThrows(InsufficientFundsException.class,
                () -> accounts.book("acct-1", new Trade("t2", new BigDecimal("-9.00"), 2)));

        assertEquals(List.of(EntryStatus.DEAD, EntryStatus.APPLIED, EntryStatus.REJECTED), statuses(BOOK));
        TargetStats stats = wal.stats().target("primary");
        assertEquals(1, stats.deadLetters());
        assertEquals(1, stats.deadLettered());
        assertEquals(1, stats.rejected());
        assertEquals(1, stats.retried());
        List<EntryRetried> retried = events(EntryRetried.class);
        assertEquals(1, retried.size(), retried::toString);
        assertTrue(retried.get(0).reason().contains("40001"), retried.get(0).reason());
        assertEquals(1, awaitOne(EntryRejected.class).attempts(), "rejected at once, not retried");
        assertEquals(List.of("t1"), tradeIds("acct-1"));
    }

    @Test
    void targetApply_rejectedEntryInTheMiddle_commitsTheOnesBefore_leavesNothingOfIt_andSendsTheRestAgain()
            throws SQLException {
        db.execute("CREATE TABLE pot (id INT PRIMARY KEY, amount DECIMAL(19, 2) NOT NULL)",
                "INSERT INTO pot (id, amount) VALUES (1, 10)");
        JdbcSyncTarget direct = JdbcSyncTarget.builder("direct", db.dataSource()).applier("take", (entry, c) -> {
            BigDecimal amount = new BigDecimal(entry.payload().replace("\"", ""));
            try (PreparedStatement take = c.prepareStatement("UPDATE pot SET amount = amount - ? WHERE id = 1")) {
                take.setBigDecimal(1, amount);
                take.executeUpdate();
            }
            if (potOn(c).signum() < 0) {
                throw new EntryRejectedException("the pot is short", new InsufficientFundsException("pot", amount));
            }
        }).build();
        List<WalEntry> batch = new ArrayList<>();
        batch.add(Entries.sql(1, "INSERT INTO pot (id, amount) VALUES (?, ?)", 2L, new BigDecimal("1.00")));
        batch.add(take(2, "4"));
        batch.add(take(3, "7"));
        batch.add(take(4, "1"));

        ApplyResult result = direct.apply(batch);

        assertEquals(2, result.failedIndex(), result::toString);
        assertEquals(ApplyResult.Outcome.APPLIED, result.outcome(1));
        assertEquals(ApplyResult.Outcome.REJECTED, result.outcome(2));
        assertEquals(ApplyResult.Outcome.NOT_APPLIED, result.outcome(3));
        assertInstanceOf(InsufficientFundsException.class, result.cause());
        assertTrue(result.reason().contains("seq=3") && result.reason().contains("the pot is short"), result.reason());
        assertEquals(6, db.queryLong("SELECT amount FROM pot WHERE id = 1"), "the take of 7 was rolled back");
        assertEquals(2, db.count("pot"));
        assertEquals(2, db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys WHERE target_name = 'direct'"));

        ApplyResult again = direct.apply(batch.subList(2, 4));
        assertEquals(ApplyResult.Outcome.REJECTED, again.outcome(0), "no key was kept: the verdict is given again");
        assertTrue(direct.apply(batch.subList(3, 4)).allApplied());
        assertEquals(5, db.queryLong("SELECT amount FROM pot WHERE id = 1"));
    }

    /**
     * A rejection that carries a verdict to store (as {@code DurableRepository} does for a call with
     * a request id): kept in the rejected-calls table with the commit of the entries before it (or
     * alone, first in its batch), replaced by a redelivery, not an applied key, and purged after the
     * target's retention.
     */
    @Test
    void targetApply_rejectionWithAVerdict_storesIt_replacesItOnRedelivery_andThePurgeDeletesIt() throws SQLException {
        db.execute("CREATE TABLE pot (id INT PRIMARY KEY, amount DECIMAL(19, 2) NOT NULL)");
        JdbcSyncTarget direct = JdbcSyncTarget.builder("verdicts", db.dataSource()).appliedKeysRetention(Duration.ofHours(1))
                .purgeInterval(Duration.ZERO).applier("take", (entry, c) -> {
                    throw new EntryRejectedException("short", new InsufficientFundsException("pot", BigDecimal.ONE),
                            "{\"verdict\":" + entry.seq() + "}");
                }).build();
        List<WalEntry> batch = List.of(Entries.sql(1, "INSERT INTO pot (id, amount) VALUES (?, ?)", 1L, BigDecimal.TEN),
                take(2, "4"), take(3, "5"));

        assertEquals(1, direct.apply(batch).failedIndex());
        assertEquals(ApplyResult.Outcome.REJECTED, direct.apply(batch.subList(1, 3)).outcome(0), "delivered again");
        assertEquals(ApplyResult.Outcome.REJECTED, direct.apply(batch.subList(2, 3)).outcome(0), "first of its batch");

        assertEquals("{\"verdict\":2}", direct.rejectedCall(batch.get(1).idempotencyKey()));
        assertEquals("{\"verdict\":3}", direct.rejectedCall(batch.get(2).idempotencyKey()));
        assertEquals(2, db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys_rejected WHERE target_name = 'verdicts'"),
                "one row per rejected key, a redelivery replacing its own");
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys WHERE target_name = 'verdicts'"),
                "only the insert is an applied key");
        assertEquals(1, db.count("pot"), "the entry before the rejection committed with its verdict");

        try (Connection connection = db.connect();
             PreparedStatement age = connection.prepareStatement("UPDATE wal4j_applied_keys_rejected SET rejected_at = ? "
                     + "WHERE target_name = 'verdicts' AND entry_seq = 2")) {
            age.setTimestamp(1, java.sql.Timestamp.from(java.time.Instant.now().minus(Duration.ofHours(2))));
            age.executeUpdate();
        }
        assertEquals(0, direct.purgeAppliedKeys(), "no applied key is old enough");
        assertNull(direct.rejectedCall(batch.get(1).idempotencyKey()), "the old verdict was purged");
        assertEquals("{\"verdict\":3}", direct.rejectedCall(batch.get(2).idempotencyKey()));
    }

    private static WalEntry take(long seq, String amount) {
        return WalEntry.builder("pot", "take").key("pot-1").payloadJson("\"" + amount + "\"").build().withSeq(seq);
    }

    private List<String> tradeIds(String account) throws SQLException {
        return accounts.trades(account).stream().map(TradeRow::tradeId).collect(Collectors.toList());
    }

    private List<EntryStatus> statuses(String operation) {
        try (Stream<ReplayRecord> records = wal.admin().replay(ReplayQuery.builder().operation(operation).build())) {
            return records.map(r -> r.statusByTarget().get("primary")).collect(Collectors.toList());
        }
    }

    private <T extends WalEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    private <T extends WalEvent> T awaitOne(Class<T> type) {
        Await.until(() -> !events(type).isEmpty(), "a " + type.getSimpleName() + " event");
        List<T> found = events(type);
        assertEquals(1, found.size(), found::toString);
        return found.get(0);
    }

    private static BigDecimal potOn(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT amount FROM pot WHERE id = 1");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getBigDecimal(1);
        }
    }
}
