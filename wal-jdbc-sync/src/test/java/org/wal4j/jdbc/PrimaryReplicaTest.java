package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.LaneId;
import org.wal4j.Wal;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsModel;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;
import org.wal4j.jdbc.testing.TradeRow;

/**
 * One repository, two targets, each with its own DAO instance: a PostgreSQL primary and a
 * MariaDB replica. First the replica is down while calls go on: the primary applies them, calls
 * return the primary's results and reads see their writes without waiting for the replica.
 * Then the primary is down: the replica applies, value calls answer at once with
 * {@link NotYetAppliedException}, futures wait. When both are back, both databases hold the
 * same trades in the same order with the same balances, each call applied once on each.
 */
@Timeout(300)
class PrimaryReplicaTest {
    private static final List<String> ACCOUNTS = List.of("acct-a", "acct-b", "acct-c");
    /** What {@link #postRound} books on each account. */
    private static final BigDecimal ROUND_AMOUNT = new BigDecimal("10.00");

    @TempDir
    Path logDir;

    private final AccountsModel model = new AccountsModel();
    private final Map<String, Long> sequences = new LinkedHashMap<>();

    @Test
    void eitherTargetMayBeDown_theOtherApplies_bothEndIdentical() throws Exception {
        DatabaseEngine primaryEngine = Engines.postgresql();
        DatabaseEngine replicaEngine = Engines.mariadb();
        TestDatabase primaryDb = primaryEngine.createDatabase("primary");
        TestDatabase replicaDb = replicaEngine.createDatabase("replica");
        AccountsSchema.create(primaryDb);
        AccountsSchema.create(replicaDb);
        TransactionAwareDataSource primaryDs = TransactionAwareDataSource.wrap(primaryDb.dataSource());
        TransactionAwareDataSource replicaDs = TransactionAwareDataSource.wrap(replicaDb.dataSource());
        JdbcSyncTarget primary = JdbcSyncTarget.builder("primary", primaryDs).build();
        JdbcSyncTarget replica = JdbcSyncTarget.builder("replica", replicaDs).build();
        JdbcAccountDao primaryDao = new JdbcAccountDao(primaryDs);
        JdbcAccountDao replicaDao = new JdbcAccountDao(replicaDs);
        Wal wal = TestWals.open(logDir, primary, replica);
        AccountDao accounts = DurableRepository.builder(AccountDao.class)
                .target(primary, primaryDao).target(replica, replicaDao)
                .options(RepositoryOptions.builder().applyWait(Duration.ofSeconds(10))
                        .readYourWrites(Duration.ofSeconds(30)).build())
                .build(wal);
        wal.start();
        CompletableFuture<BigDecimal> submitted;
        Trade submittedTrade;
        try {
            for (String account : ACCOUNTS) {
                accounts.open(account, "owner of " + account);
            }
            postRound(accounts);

            replicaEngine.stop();
            try {
                BigDecimal before = accounts.balance("acct-a");
                Trade trade = next("acct-a", "2.50");
                long start = System.nanoTime();
                BigDecimal after = accounts.book("acct-a", trade);
                model.acknowledged(trade.tradeId());
                assertEquals(before.add(new BigDecimal("2.50")), after, "the primary's result");
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not held by the replica");
                postRound(accounts);
                assertEquals(after.add(ROUND_AMOUNT), accounts.balance("acct-a"),
                        "the read sees its writes on the primary although the replica is down");
            } finally {
                replicaEngine.start();
            }

            primaryEngine.stop();
            try {
                postRound(accounts);
                Trade trade = next("acct-b", "1.00");
                NotYetAppliedException pending = assertThrows(NotYetAppliedException.class,
                        () -> accounts.book("acct-b", trade));
                model.acknowledged(trade.tradeId());
                assertEquals("primary", pending.target());
                assertTrue(pending.seq() > 0 && !pending.entryId().isEmpty(), pending::toString);
                submittedTrade = next("acct-c", "3.00");
                submitted = accounts.submit("acct-c", submittedTrade);
                model.acknowledged(submittedTrade.tradeId());
                assertTrue(wal.flushLane(LaneId.of("accounts", "acct-c"), "replica", Duration.ofSeconds(60)),
                        "the replica applies while the primary is down");
                assertFalse(submitted.isDone(), "the future waits for the primary");
            } finally {
                primaryEngine.start();
            }
            postRound(accounts);
            for (String account : ACCOUNTS) {
                for (String target : List.of("primary", "replica")) {
                    assertTrue(wal.flushLane(LaneId.of("accounts", account), target, Duration.ofSeconds(60)), account + " on " + target);
                }
            }
            assertEquals(balanceAfter(primaryDb, submittedTrade.tradeId()), submitted.get(30, TimeUnit.SECONDS),
                    "the future completes with the primary's result once it is back");
        } finally {
            wal.stop(Duration.ofSeconds(10));
        }

        List<TradeRow> primaryRows = AccountsSchema.allTrades(primaryDb);
        List<TradeRow> replicaRows = AccountsSchema.allTrades(replicaDb);
        AccountsModel.Verification onPrimary = model.verify(primaryRows, AccountsSchema.balances(primaryDb));
        AccountsModel.Verification onReplica = model.verify(replicaRows, AccountsSchema.balances(replicaDb));
        assertEquals(model.attemptedCount(), onPrimary.rows());
        assertEquals(model.attemptedCount(), onReplica.rows());
        assertEquals(AccountsSchema.balances(primaryDb), AccountsSchema.balances(replicaDb));
        assertEquals(withoutRowIds(primaryRows), withoutRowIds(replicaRows));
        System.out.printf("[wal4j-test] primary (postgresql) and replica (mariadb), each down in turn: %d calls, applied "
                + "once on each, both databases identical%n", onPrimary.rows());
    }

    /** One void trade per account, acknowledged. */
    private void postRound(AccountDao accounts) throws Exception {
        for (String account : ACCOUNTS) {
            Trade trade = next(account, ROUND_AMOUNT.toPlainString());
            accounts.post(account, trade);
            model.acknowledged(trade.tradeId());
        }
    }

    private Trade next(String account, String amount) {
        long sequence = sequences.merge(account, 1L, Long::sum);
        Trade trade = new Trade(account + "-" + sequence, new BigDecimal(amount), sequence);
        model.attempted(account, trade);
        return trade;
    }

    private static BigDecimal balanceAfter(TestDatabase db, String tradeId) throws SQLException {
        return AccountsSchema.allTrades(db).stream().filter(r -> r.tradeId().equals(tradeId)).findFirst()
                .orElseThrow(() -> new AssertionError("no trade " + tradeId + " on " + db)).balanceAfter();
    }

    /** Rows as both databases must agree on them: per account in commit order, without the engine's row ids. */
    private static Map<String, List<String>> withoutRowIds(List<TradeRow> rows) {
        return rows.stream().collect(Collectors.groupingBy(TradeRow::accountId, java.util.TreeMap::new,
                Collectors.mapping(r -> r.tradeId() + " " + r.sequence() + " " + r.amount() + " " + r.balanceAfter(),
                        Collectors.toList())));
    }
}
