package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.Wal;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.AccountsSchema;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.InsufficientFundsException;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.jdbc.testing.Trade;

/**
 * {@link RepositoryOptions.Builder#passThrough}: the same calls through the log (every call
 * waiting for its apply) and with the switch on give the same results, the same exceptions
 * (declared, undeclared, SQL, in a future) and the same database, and with the switch on nothing
 * is written to the log. One subclass per engine.
 */
@Timeout(120)
abstract class PassThroughEquivalenceContract {
    @TempDir
    Path logDir;

    abstract DatabaseEngine engine();

    /** What one call of the script did. */
    record Outcome(String call, String answer) {
    }

    /** The script's outcomes, and the database afterwards. */
    record Run(List<Outcome> outcomes, Map<String, BigDecimal> balances, List<String> trades, long logEntries) {
    }

    @Test
    void sameCalls_withAndWithoutTheLog_giveTheSameResultsExceptionsAndDatabase() throws Exception {
        Run logged = run(false);
        Run direct = run(true);

        assertEquals(logged.outcomes(), direct.outcomes());
        assertEquals(logged.balances(), direct.balances());
        assertEquals(logged.trades(), direct.trades());
        assertEquals(12, logged.logEntries(), "through the log, every critical call is an entry");
        assertEquals(0, direct.logEntries(), "pass-through writes nothing to the log");
        List<String> answers = direct.outcomes().stream().map(Outcome::answer).collect(Collectors.toList());
        assertTrue(answers.contains("threw " + InsufficientFundsException.class.getName()
                + ": account a would go to -430.00"), answers::toString);
        assertTrue(answers.contains("threw java.lang.IllegalStateException: no account nobody"), answers::toString);
        assertTrue(answers.stream().anyMatch(a -> a.startsWith("threw SQLException 23")), answers::toString);
        assertTrue(answers.contains("future failed " + InsufficientFundsException.class.getName()
                + ": account b would go to -97.50"), answers::toString);
        assertEquals(Map.of("a", new BigDecimal("70.00"), "b", new BigDecimal("7.50")), direct.balances());
    }

    private Run run(boolean passThrough) throws Exception {
        TestDatabase db = engine().createDatabase(getClass().getSimpleName());
        AccountsSchema.create(db);
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(db.dataSource());
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", dataSource).build();
        Wal wal = TestWals.open(logDir.resolve(passThrough ? "direct" : "logged"), target);
        try {
            AccountDao accounts = DurableRepository.builder(AccountDao.class)
                    .target(target, new JdbcAccountDao(dataSource))
                    .options(RepositoryOptions.builder().passThrough(passThrough).voidWaitsForApply(true)
                            .applyWait(Duration.ofSeconds(30)).build())
                    .build(wal);
            wal.start();
            List<Outcome> outcomes = new ArrayList<>();
            outcomes.add(outcome("open a", () -> {
                accounts.open("a", "Ada");
                return null;
            }));
            outcomes.add(outcome("open b", () -> {
                accounts.open("b", "Bob");
                return null;
            }));
            outcomes.add(outcome("book a 100", () -> accounts.book("a", trade("t1", "100.00", 1))));
            outcomes.add(outcome("post a -30", () -> {
                accounts.post("a", trade("t2", "-30.00", 2));
                return null;
            }));
            outcomes.add(outcome("book a -500 (declared exception)", () -> accounts.book("a", trade("t3", "-500.00", 3))));
            outcomes.add(outcome("book nobody (undeclared exception)", () -> accounts.book("nobody", trade("t4", "1.00", 1))));
            outcomes.add(outcome("open a again (SQL exception)", () -> {
                accounts.open("a", "Again");
                return null;
            }));
            outcomes.add(outcome("bookAll b, second fails", () -> accounts.bookAll("b", List.of(trade("t5", "5.00", 1),
                    trade("t6", "-10.00", 2)))));
            outcomes.add(outcome("submit b 2.50", () -> accounts.submit("b", trade("t7", "2.50", 3))
                    .get(30, TimeUnit.SECONDS)));
            outcomes.add(outcome("submit b -100 (failed future)", () -> accounts.submit("b", trade("t8", "-100.00", 4))
                    .get(30, TimeUnit.SECONDS)));
            outcomes.add(outcome("bookAll b", () -> accounts.bookAll("b", List.of(trade("t9", "5.00", 5)))));
            outcomes.add(outcome("post nobody (undeclared, void)", () -> {
                accounts.post("nobody", trade("t10", "1.00", 1));
                return null;
            }));
            outcomes.add(outcome("balance a (read)", () -> accounts.balance("a")));
            List<String> trades = AccountsSchema.allTrades(db).stream().map(r -> r.tradeId() + " " + r.accountId() + " "
                    + r.sequence() + " " + r.amount() + " " + r.balanceAfter()).collect(Collectors.toList());
            return new Run(outcomes, AccountsSchema.balances(db), trades, wal.stats().lastSeq());
        } finally {
            wal.stop(Duration.ofSeconds(10));
        }
    }

    private static Trade trade(String id, String amount, long sequence) {
        return new Trade(id, new BigDecimal(amount), sequence);
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws Exception;
    }

    private static Outcome outcome(String name, Call call) {
        try {
            return new Outcome(name, "returned " + call.run());
        } catch (ExecutionException e) {
            return new Outcome(name, "future failed " + e.getCause());
        } catch (SQLException e) {
            // the message names the database's constraint and row, the same in both runs; the class and state suffice
            return new Outcome(name, "threw SQLException " + e.getSQLState() + " " + e.getClass().getName());
        } catch (Exception e) {
            return new Outcome(name, "threw " + e);
        }
    }
}
