package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.Wal;
import org.wal4j.jdbc.PaymentsDao.RejectedTransferException;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.TestDatabase;

/**
 * Request ids ({@link IdempotencyKey}) on a real database and the real file log: a retried call
 * writes nothing and answers what the first call answered (its result, or the exception its DAO
 * threw), in the same process and after a restart; other arguments under the same id are
 * refused; and the receipt of a {@code void} call waits for its apply. One subclass per engine; a
 * fresh database per test.
 */
@Timeout(120)
abstract class RequestIdContract {
    private static final BigDecimal THOUSAND = new BigDecimal("1000.00");

    @TempDir
    Path logDir;
    TestDatabase db;
    MemoryRepository.Switchable dataSource;
    Wal wal;
    PaymentsDao.Jdbc dao;
    PaymentsDao payments;

    abstract DatabaseEngine engine();

    @BeforeEach
    void start() throws SQLException {
        db = engine().createDatabase(getClass().getSimpleName());
        PaymentsDao.createSchema(db.dataSource());
        dataSource = new MemoryRepository.Switchable(db.dataSource());
        open();
    }

    private void open() {
        TransactionAwareDataSource transactional = TransactionAwareDataSource.wrap(dataSource);
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", transactional).build();
        dao = new PaymentsDao.Jdbc(transactional);
        wal = TestWals.open(logDir, target);
        payments = DurableRepository.builder(PaymentsDao.class).target(target, dao)
                .options(RepositoryOptions.builder().readYourWrites(Duration.ofSeconds(30))
                        .applyWait(Duration.ofSeconds(30)).build())
                .build(wal);
        wal.start();
    }

    /** Stops the Wal and builds everything again on the same log and database, as a restarted application. */
    private void restart() {
        wal.stop(Duration.ofSeconds(10));
        open();
    }

    @AfterEach
    void stop() {
        if (wal != null) {
            wal.stop(Duration.ofSeconds(10));
        }
    }

    private void openAccounts() throws SQLException {
        payments.open("A", THOUSAND);
        payments.open("B", BigDecimal.ZERO.setScale(2));
    }

    @Test
    void transfer_retriedWithTheSameRequestId_writesNothing_andAnswersTheFirstResult() throws Exception {
        openAccounts();
        BigDecimal first = payments.transfer("A", "B", new BigDecimal("300.00"), "req-1");
        long written = wal.stats().writes();
        BigDecimal retried = payments.transfer("A", "B", new BigDecimal("300.00"), "req-1");

        assertEquals(new BigDecimal("700.00"), first);
        assertEquals(first, retried, "the retry answers the first call's result");
        assertEquals(1, db.count("pay_transfer"), "one transfer, not two");
        assertEquals(new BigDecimal("700.00"), payments.balance("A"), "debited once");
        assertEquals(new BigDecimal("300.00"), payments.balance("B"));
        assertEquals(written, wal.stats().writes(), "the retry wrote no entry");
        assertEquals(1, wal.stats().duplicateWrites());
        assertEquals(1, dao.transferRuns, "the DAO ran once");
        CallReceipt receipt = DurableRepository.lastReceipt().orElseThrow();
        assertTrue(receipt.duplicate(), receipt::toString);
        assertEquals(written, receipt.seq(), "the receipt is the first call's entry");
    }

    /**
     * The first call's declared exception REJECTs its entry. A retry writes nothing, runs no DAO,
     * and throws an exception of the same declared type with the same message, made again from the
     * verdict the result target stored with the rejection.
     */
    @Test
    void transfer_retriedAfterTheFirstCallWasRejected_throwsTheSameException_andWritesNothing() throws Exception {
        openAccounts();
        RejectedTransferException first = assertThrows(RejectedTransferException.class,
                () -> payments.transfer("A", "B", new BigDecimal("5000.00"), "req-2"));
        RejectedTransferException retried = assertThrows(RejectedTransferException.class,
                () -> payments.transfer("A", "B", new BigDecimal("5000.00"), "req-2"));

        assertEquals("account A has 1000.00, cannot send 5000.00", first.getMessage());
        assertEquals(first.getMessage(), retried.getMessage());
        assertNotSame(first, retried, "made again, not the first call's object");
        assertEquals(0, db.count("pay_transfer"));
        assertEquals(1, dao.transferRuns, "the DAO ran once");
        assertEquals(1, wal.stats().duplicateWrites());
        assertEquals(0, wal.stats().deadLetters(), "a rejection is not a dead letter");
        assertTrue(DurableRepository.lastReceipt().orElseThrow().duplicate());
    }

    /** A retry of a rejected request id with other arguments is refused, as for an applied one. */
    @Test
    void transfer_retriedAfterARejectionWithOtherArguments_isRefused_andWritesNothing() throws Exception {
        openAccounts();
        assertThrows(RejectedTransferException.class,
                () -> payments.transfer("A", "B", new BigDecimal("5000.00"), "req-9"));
        long written = wal.stats().writes();

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> payments.transfer("A", "B", new BigDecimal("50.00"), "req-9"));

        assertTrue(refused.getMessage().contains("request id 'req-9' was first used with other arguments"),
                refused.getMessage());
        assertEquals(written, wal.stats().writes());
        assertEquals(1, dao.transferRuns);
        assertEquals(0, db.count("pay_transfer"));
    }

    @Test
    void transfer_retriedAfterARestart_answersTheFirstOutcome_andWritesNothing() throws Exception {
        openAccounts();
        BigDecimal first = payments.transfer("A", "B", new BigDecimal("250.00"), "req-3");
        RejectedTransferException rejected = assertThrows(RejectedTransferException.class,
                () -> payments.transfer("B", "A", new BigDecimal("9999.00"), "req-4"));
        payments.transferLater("A", "B", new BigDecimal("50.00"), "req-5");
        DurableRepository.lastReceipt().orElseThrow().await(Duration.ofSeconds(30));

        restart();
        long written = wal.stats().writes();
        assertEquals(first, payments.transfer("A", "B", new BigDecimal("250.00"), "req-3"));
        RejectedTransferException retried = assertThrows(RejectedTransferException.class,
                () -> payments.transfer("B", "A", new BigDecimal("9999.00"), "req-4"));
        payments.transferLater("A", "B", new BigDecimal("50.00"), "req-5");

        assertEquals("account B has 250.00, cannot send 9999.00", rejected.getMessage());
        assertEquals(rejected.getMessage(), retried.getMessage(), "the retry throws the first call's verdict");
        assertTrue(DurableRepository.lastReceipt().orElseThrow().duplicate());
        assertEquals(0, dao.transferRuns, "the restarted DAO ran no transfer");
        assertEquals(written, wal.stats().writes(), "nothing new was written");
        assertEquals(3, wal.stats().duplicateWrites());
        assertEquals(2, db.count("pay_transfer"));
        assertEquals(new BigDecimal("700.00"), payments.balance("A"));
    }

    @Test
    void transfer_withOtherArgumentsUnderAUsedRequestId_isRefused_andWritesNothing() throws Exception {
        openAccounts();
        payments.transfer("A", "B", new BigDecimal("300.00"), "req-6");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> payments.transfer("A", "B", new BigDecimal("400.00"), "req-6"));

        assertTrue(refused.getMessage().startsWith("PaymentsDao.transfer(String, String, BigDecimal, String): request id "
                + "'req-6' was first used with other arguments (entry seq="), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("a retry must repeat the first call's arguments, and a new request "
                + "needs a new request id; nothing was written"), refused.getMessage());
        assertEquals(1, db.count("pay_transfer"));
        assertEquals(new BigDecimal("700.00"), payments.balance("A"));
        assertEquals(1, dao.transferRuns);
    }

    @Test
    void transfer_withAnInvalidRequestId_isRefusedBeforeAnythingIsWritten() throws Exception {
        openAccounts();
        long written = wal.stats().writes();
        String method = "PaymentsDao.transfer(String, String, BigDecimal, String): request id argument 3 (";
        for (String id : new String[] {null, "", "   ", "x".repeat(RequestIds.MAX_LENGTH + 1), "a\nb"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> payments.transfer("A", "B", BigDecimal.ONE, id));
            assertTrue(refused.getMessage().startsWith(method), refused.getMessage());
            assertTrue(refused.getMessage().endsWith("nothing was written"), refused.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> payments.transfer("A", "B", BigDecimal.ONE,
                "y".repeat(300))).getMessage().contains("has 300 characters, more than the 255 allowed"));
        assertEquals(written, wal.stats().writes());
        assertEquals(0, dao.transferRuns);
        assertFalse(DurableRepository.lastReceipt().isPresent(), "a refused call leaves no receipt");
        assertEquals(new BigDecimal("5.00"), payments.transfer("A", "B", new BigDecimal("995.00"),
                "x".repeat(RequestIds.MAX_LENGTH)), "the longest id is accepted");
    }

    @Test
    void transfer_retriedWhileTheFirstCallIsStillBeingApplied_waitsForIt_andAnswersItsResult() throws Exception {
        openAccounts();
        dao.gate = new CountDownLatch(1);
        long before = wal.stats().writes();
        CompletableFuture<BigDecimal> first = CompletableFuture.supplyAsync(() -> transfer("req-7"));
        while (wal.stats().writes() == before) {
            Thread.sleep(5);
        }
        CompletableFuture<BigDecimal> retried = CompletableFuture.supplyAsync(() -> transfer("req-7"));
        while (wal.stats().duplicateWrites() == 0) {
            Thread.sleep(5);
        }
        assertFalse(retried.isDone(), "the retry waits for the first call's apply");
        dao.gate.countDown();

        assertEquals(new BigDecimal("900.00"), first.get(30, TimeUnit.SECONDS));
        assertEquals(new BigDecimal("900.00"), retried.get(30, TimeUnit.SECONDS));
        assertEquals(1, db.count("pay_transfer"));
        assertEquals(1, dao.transferRuns);
    }

    private BigDecimal transfer(String requestId) {
        try {
            return payments.transfer("A", "B", new BigDecimal("100.00"), requestId);
        } catch (SQLException | RejectedTransferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void lastReceipt_ofAVoidCallBehindABacklog_awaitsItsApply() throws Exception {
        openAccounts();
        dao.gate = new CountDownLatch(1);
        payments.transferLater("A", "B", new BigDecimal("10.00"), "req-8");
        CallReceipt held = DurableRepository.lastReceipt().orElseThrow();
        payments.transferLater("A", "B", new BigDecimal("20.00"), "req-9");
        CallReceipt receipt = DurableRepository.lastReceipt().orElseThrow();

        assertEquals(held.seq() + 1, receipt.seq());
        assertEquals("primary", receipt.target());
        assertFalse(receipt.duplicate());
        NotYetAppliedException notYet = assertThrows(NotYetAppliedException.class,
                () -> receipt.await(Duration.ofMillis(200)));
        assertTrue(notYet.getMessage().contains("target 'primary' did not apply it within PT0.2S"), notYet.getMessage());
        assertEquals(receipt.seq(), notYet.seq());
        dao.gate.countDown();
        receipt.await(Duration.ofSeconds(30));

        assertEquals(new BigDecimal("970.00"), dao.balance("A"), "applied when the receipt returned");
        assertEquals(2, db.count("pay_transfer"));
    }

    @Test
    void lastReceipt_whileTheDatabaseIsDown_timesOutWithNotYetApplied_thenAwaitsTheApply() throws Exception {
        openAccounts();
        dataSource.down = true;
        payments.transferLater("A", "B", new BigDecimal("10.00"), "req-10");
        CallReceipt receipt = DurableRepository.lastReceipt().orElseThrow();

        NotYetAppliedException notYet = assertThrows(NotYetAppliedException.class,
                () -> receipt.await(Duration.ofSeconds(1)));
        assertTrue(notYet.getMessage().startsWith("PaymentsDao.transferLater(String, String, BigDecimal, String): entry "
                + "seq=" + receipt.seq() + " id=" + receipt.entryId() + " is durable in the log but not applied yet: target "
                + "'primary' did not apply it within PT1S"), notYet.getMessage());
        dataSource.down = false;
        receipt.await(Duration.ofSeconds(30));
        assertEquals(new BigDecimal("990.00"), dao.balance("A"));
    }
}
