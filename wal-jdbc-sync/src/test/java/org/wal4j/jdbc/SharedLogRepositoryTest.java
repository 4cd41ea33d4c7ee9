package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.InsufficientFundsException;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;
import org.wal4j.testing.SharedInMemoryLog;

/**
 * Two instances of a service on one shared log and one database: a call made on the instance that
 * applies nothing is applied by the other, and still returns what the DAO returned there, throws the
 * business exception the DAO threw there, and reads its own write.
 */
@Timeout(60)
class SharedLogRepositoryTest {
    private static final int PARTITIONS = 4;

    private final SharedInMemoryLog shared = new SharedInMemoryLog(PARTITIONS);
    private TestDatabase db;
    private Wal callerWal;
    private Wal applierWal;
    private AccountDao caller;
    private SharedInMemoryLog.Instance applierLog;

    private Wal instance(SharedInMemoryLog.Instance log, Class<AccountDao> dao, AccountDao[] proxy) {
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", dataSource).instanceName(log.toString()).build();
        Wal wal = Wal.builder(log).config(WalConfig.builder().applyPartitions(PARTITIONS).build()).target(target)
                .build();
        proxy[0] = DurableRepository.builder(dao).target(target, new JdbcAccountDao(dataSource))
                .options(RepositoryOptions.builder().applyWait(Duration.ofSeconds(20))
                        .readYourWrites(Duration.ofSeconds(20)).build())
                .build(wal);
        return wal.start();
    }

    @BeforeEach
    void start() throws Exception {
        db = Engines.h2().createDatabase(getClass().getSimpleName());
        AccountsSchema.create(db);
        AccountDao[] proxy = new AccountDao[1];
        SharedInMemoryLog.Instance callerLog = shared.instance("caller");
        callerWal = instance(callerLog, AccountDao.class, proxy);
        caller = proxy[0];
        applierLog = shared.instance("applier");
        applierWal = instance(applierLog, AccountDao.class, new AccountDao[1]);
        applierLog.give(Set.of(0, 1, 2, 3)).get(20, TimeUnit.SECONDS); // the caller applies nothing
    }

    @AfterEach
    void stop() {
        callerWal.stop(Duration.ofSeconds(10));
        applierWal.stop(Duration.ofSeconds(10));
    }

    @Test
    void aCallAppliedByTheOtherInstance_returnsWhatItsDaoReturnedThere() throws Exception {
        caller.open("acct-1", "alice");
        assertEquals(0, new BigDecimal("100.00").compareTo(
                caller.book("acct-1", new Trade("t1", new BigDecimal("100.00"), 1))));
        assertEquals(0, new BigDecimal("70.00").compareTo(
                caller.book("acct-1", new Trade("t2", new BigDecimal("-30.00"), 2))),
                "the balance the other instance's DAO computed");
        assertEquals(0, new BigDecimal("70.00").compareTo(caller.balance("acct-1")), "the caller reads its writes");
        assertEquals(List.of("t1", "t2"), caller.trades("acct-1").stream().map(t -> t.tradeId()).toList());
    }

    @Test
    void aCallRejectedByTheOtherInstance_throwsTheBusinessExceptionItsDaoThrewThere() throws Exception {
        caller.open("acct-2", "bob");
        InsufficientFundsException e = assertThrows(InsufficientFundsException.class,
                () -> caller.book("acct-2", new Trade("t3", new BigDecimal("-5.00"), 1)));
        assertEquals("account acct-2 would go to -5.00", e.getMessage(), "the verdict the other instance's DAO gave");
        assertEquals(0, db.count("trade"), "the rejected call changed nothing");
    }

    @Test
    void theApplierIsTheOnlyInstanceThatRanTheDao_andKeepsOnlyValuesForCallersElsewhere() throws Exception {
        caller.open("acct-3", "carol");
        caller.post("acct-3", new Trade("t4", new BigDecimal("1.00"), 1));
        assertEquals(0, BigDecimal.ONE.compareTo(caller.balance("acct-3")), "read-your-writes");
        assertEquals(1, db.count("trade"));
        assertEquals(0, callerWal.stats().targets().get("primary").applied(), "the caller applied nothing");
        assertEquals(2, applierWal.stats().targets().get("primary").applied());
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM " + JdbcSyncTarget.DEFAULT_APPLIED_KEYS_TABLE
                + " WHERE call_outcome IS NOT NULL"), "a method without a value stores no outcome: no statement more");
        caller.book("acct-3", new Trade("t5", new BigDecimal("2.00"), 2));
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM " + JdbcSyncTarget.DEFAULT_APPLIED_KEYS_TABLE
                + " WHERE call_outcome IS NOT NULL"), "a method with a value stores it for a caller elsewhere");
    }
}
