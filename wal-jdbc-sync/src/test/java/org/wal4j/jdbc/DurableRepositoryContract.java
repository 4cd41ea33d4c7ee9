package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryStatus;
import org.wal4j.LaneId;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsModel;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.InsufficientFundsException;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;
import org.wal4j.jdbc.testing.TradeRow;

/**
 * {@link DurableRepository} wrapping a realistic plain-JDBC DAO ({@link JdbcAccountDao}) over
 * the real file log and a real database: critical writes of every return type mixed with reads
 * that pass through, DAO exceptions coming out unwrapped, and replays that change nothing. One
 * subclass per engine; a fresh database per test.
 */
@Timeout(120)
abstract class DurableRepositoryContract {
    @TempDir
    Path logDir;
    TestDatabase db;
    JdbcSyncTarget target;
    Wal wal;
    AccountDao accounts;
    final AccountsModel model = new AccountsModel();

    abstract DatabaseEngine engine();

    @BeforeEach
    void start() throws SQLException {
        db = engine().createDatabase(getClass().getSimpleName());
        AccountsSchema.create(db);
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        target = JdbcSyncTarget.builder("primary", dataSource).build();
        JdbcAccountDao dao = new JdbcAccountDao(dataSource);
        wal = TestWals.open(logDir, target);
        accounts = DurableRepository.builder(AccountDao.class).target(target, dao)
                .options(RepositoryOptions.builder().readYourWrites(Duration.ofSeconds(30))
                        .applyWait(Duration.ofSeconds(30)).build())
                .build(wal);
        wal.start();
    }

    @AfterEach
    void stop() {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(10));
        }
    }

    private Trade trade(String account, String id, String amount, long sequence) {
        Trade trade = new Trade(id, new BigDecimal(amount), sequence);
        model.attempted(account, trade);
        return trade;
    }

    @Test
    void criticalAndPassThroughCallsMix_eachReturnTypeAnswersAsDocumented() throws Exception {
        accounts.open("acct-1", "Ada");
        accounts.open("acct-2", "Brian");
        accounts.post("acct-1", trade("acct-1", "t1", "100.00", 1));
        BigDecimal afterBook = accounts.book("acct-1", trade("acct-1", "t2", "12.30", 2));
        CompletableFuture<BigDecimal> afterSubmit = accounts.submit("acct-2", trade("acct-2", "t3", "7.05", 1));
        BigDecimal afterAll = accounts.bookAll("acct-2", List.of(trade("acct-2", "t4", "1.10", 2),
                trade("acct-2", "t5", "2.20", 3)));
        List.of("t1", "t2", "t3", "t4", "t5").forEach(model::acknowledged);

        assertEquals(new BigDecimal("112.30"), afterBook, "the balance the database computed, returned once applied");
        assertEquals(new BigDecimal("7.05"), afterSubmit.get(30, TimeUnit.SECONDS));
        assertEquals(new BigDecimal("10.35"), afterAll);
        assertEquals(new BigDecimal("10.35"), accounts.balance("acct-2"), "a read sees the caller's writes");
        assertEquals(List.of("t1", "t2"), accounts.trades("acct-1").stream().map(TradeRow::tradeId)
                .collect(Collectors.toList()));
        assertEquals(2, accounts.accountCount(), "passed through");

        AccountsModel.Verification found = model.verify(AccountsSchema.allTrades(db), AccountsSchema.balances(db));
        assertEquals(5, found.rows());
        assertFalse(((DaoCallApplier) target.applierFor("AccountDao#book(String,Trade)")).warnedNoConnection(),
                "the DAO's SQL ran on the apply transaction");
        assertEquals(6, db.count("wal4j_applied_keys"), "one key per critical call");
        WalEntry entry = entryOf("AccountDao#book(String,Trade)");
        assertEquals("accounts", entry.namespace());
        assertEquals("acct-1", entry.key());
        assertEquals(List.of("primary"), entry.targets());
        assertEquals("[\"acct-1\",{\"tradeId\":\"t2\",\"amount\":12.30,\"sequence\":2}]", entry.payload());
        assertEquals("[\"acct-2\",[{\"tradeId\":\"t4\",\"amount\":1.10,\"sequence\":2},"
                + "{\"tradeId\":\"t5\",\"amount\":2.20,\"sequence\":3}]]", entryOf("AccountDao#bookAll(String,List)").payload());
    }

    @Test
    void daoExceptionOfACriticalCall_comesOutUnwrapped_andTheCallIsRolledBack() throws Exception {
        accounts.open("acct-1", "Ada");
        accounts.book("acct-1", trade("acct-1", "t1", "5.00", 1));

        InsufficientFundsException thrown = assertThrows(InsufficientFundsException.class,
                () -> accounts.book("acct-1", trade("acct-1", "t2", "-8.00", 2)));
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> accounts.submit("acct-1", trade("acct-1", "t3", "-9.00", 3)).get(30, TimeUnit.SECONDS));

        assertEquals("account acct-1 would go to -3.00", thrown.getMessage());
        assertInstanceOf(InsufficientFundsException.class, failed.getCause());
        assertEquals("account acct-1 would go to -4.00", failed.getCause().getMessage());
        assertEquals(new BigDecimal("5.00"), accounts.balance("acct-1"), "the DAO's balance update was rolled back");
        List<DeadLetter> dead;
        try (Stream<DeadLetter> letters = wal.admin().deadLetters(DeadLetterFilter.all())) {
            dead = letters.collect(Collectors.toList());
        }
        // book declares InsufficientFundsException: its call was rejected, not dead-lettered; submit
        // (whose future carries it) does not, and names no rejections here: a dead letter
        assertEquals(1, dead.size(), dead::toString);
        assertEquals("AccountDao#submit(String,Trade)", dead.get(0).entry().operation());
        assertTrue(dead.get(0).reason().contains("failed (permanent): " + InsufficientFundsException.class.getName()
                + ": account acct-1 would go to -4.00"), dead.get(0).reason());
        assertEquals(1, wal.stats().target("primary").rejected());
        model.acknowledged("t1");
        model.verify(AccountsSchema.allTrades(db), AccountsSchema.balances(db));
    }

    @Test
    void passThroughException_comesOutAsTheDaoThrewIt() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> accounts.balance("no-such-account"));
        assertEquals("no account no-such-account", thrown.getMessage());
    }

    @Test
    void entriesDeliveredAgain_areSkipped_theDatabaseDoesNotChange() throws Exception {
        accounts.open("acct-1", "Ada");
        for (int i = 1; i <= 20; i++) {
            accounts.post("acct-1", trade("acct-1", "t" + i, i + ".25", i));
            model.acknowledged("t" + i);
        }
        BigDecimal balance = accounts.balance("acct-1");
        Map<String, BigDecimal> before = AccountsSchema.balances(db);

        int again = wal.admin().reapply(ReplayQuery.builder().namespace("accounts").build(), "primary");
        assertEquals(21, again);
        assertTrue(wal.flushLane(LaneId.of("accounts", "acct-1"), "primary", Duration.ofSeconds(30)));

        assertEquals(balance, accounts.balance("acct-1"));
        assertEquals(before, AccountsSchema.balances(db));
        assertEquals(20, model.verify(AccountsSchema.allTrades(db), AccountsSchema.balances(db)).rows());
        assertEquals(21, db.count("wal4j_applied_keys"));
    }

    private WalEntry entryOf(String operation) {
        try (Stream<ReplayRecord> records = wal.admin().replay(ReplayQuery.builder().operation(operation).build())) {
            List<ReplayRecord> found = records.collect(Collectors.toList());
            assertEquals(1, found.size(), found::toString);
            assertEquals(Map.of("primary", EntryStatus.APPLIED), found.get(0).statusByTarget());
            return found.get(0).entry();
        }
    }
}
