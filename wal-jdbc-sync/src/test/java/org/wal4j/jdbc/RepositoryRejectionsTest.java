package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;

/**
 * Which exceptions of a critical method reject its calls: those it declares (except the SQLException
 * family, too-broad types, and a declared one that wraps an SQLException), those its
 * {@link Critical#rejections()} or {@link RepositoryOptions.Builder#rejections} name; and what the
 * build refuses.
 */
@Timeout(60)
class RepositoryRejectionsTest {
    @TempDir
    Path logDir;
    private MemoryRepository repository;

    /** A checked business exception, or a DAO's wrapper of a database failure when it has an SQLException cause. */
    static final class PaymentException extends Exception {
        private static final long serialVersionUID = 1L;

        PaymentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An unchecked business exception. */
    static final class AccountClosedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AccountClosedException(String message) {
            super(message);
        }
    }

    interface Payments {
        @Critical(namespace = "pay")
        int pay(@LaneKey String account, String how) throws PaymentException, SQLException;

        @Critical(namespace = "pay", rejections = AccountClosedException.class)
        int close(@LaneKey String account, String how) throws Exception;

        @Critical(namespace = "pay")
        void refund(@LaneKey String account, String how);

        int balance(@LaneKey String account);
    }

    /** Throws what {@code how} says: "reject", "wrapped" (once: a retryable SQLSTATE inside), "closed", "bug". */
    static final class ScriptedPayments implements Payments {
        final AtomicInteger wrappedFailures = new AtomicInteger();

        private int run(String how) throws PaymentException {
            switch (how) {
                case "reject":
                    throw new PaymentException("card declined", null);
                case "wrapped":
                    if (wrappedFailures.getAndIncrement() == 0) {
                        throw new PaymentException("database busy", new SQLException("serialization failure", "40001"));
                    }
                    return 1;
                case "closed":
                    throw new AccountClosedException("account closed");
                case "bug":
                    throw new IllegalStateException("a bug");
                default:
                    return 1;
            }
        }

        @Override
        public int pay(String account, String how) throws PaymentException {
            return run(how);
        }

        @Override
        public int close(String account, String how) throws Exception {
            return run(how);
        }

        @Override
        public void refund(String account, String how) {
            try {
                run(how);
            } catch (PaymentException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int balance(String account) {
            return 0;
        }
    }

    @BeforeEach
    void open() {
        // a breaker that a single retryable failure does not open (the waiting call would stop waiting)
        repository = new MemoryRepository(logDir, TestWals.config().toBuilder().breakerSlidingWindowSize(10)
                .breakerMinimumCalls(10).build());
    }

    @AfterEach
    void close() {
        repository.close();
    }

    @Test
    void declaredNamedAndWrappedExceptions_endAsRejectionsRetriesOrDeadLetters() throws Exception {
        ScriptedPayments dao = new ScriptedPayments();
        Payments payments = repository.wrap(Payments.class, dao, o -> o.applyWait(Duration.ofSeconds(30))
                .voidWaitsForApply(true).rejections("refund", AccountClosedException.class));

        assertEquals(1, payments.pay("a", "wrapped"), "a declared exception wrapping a retryable SQLException is retried");
        assertEquals(2, dao.wrappedFailures.get());
        PaymentException declined = assertThrows(PaymentException.class, () -> payments.pay("a", "reject"));
        assertEquals("card declined", declined.getMessage());
        assertEquals("account closed", assertThrows(AccountClosedException.class, () -> payments.close("b", "closed"))
                .getMessage());
        assertEquals("a bug", assertThrows(IllegalStateException.class, () -> payments.close("b", "bug")).getMessage(),
                "throws Exception declares nothing in particular: a runtime exception is a fault");
        assertEquals("account closed", assertThrows(AccountClosedException.class, () -> payments.refund("c", "closed"))
                .getMessage(), "a void call that waits gets the exception too");

        assertEquals(List.of(EntryStatus.APPLIED, EntryStatus.REJECTED), statuses("Payments#pay(String,String)"));
        assertEquals(List.of(EntryStatus.REJECTED, EntryStatus.DEAD), statuses("Payments#close(String,String)"));
        assertEquals(List.of(EntryStatus.REJECTED), statuses("Payments#refund(String,String)"));
        assertEquals(3, repository.wal.stats().target("primary").rejected());
        assertEquals(1, repository.wal.stats().target("primary").deadLetters());
        assertEquals(1, repository.wal.stats().target("primary").retried());
    }

    interface TooBroad {
        @Critical(namespace = "pay", rejections = Exception.class)
        void pay(@LaneKey String account);
    }

    @Test
    void build_refusesRejectionsThatWouldHideFaults_andOptionsForMethodsThatAreNotCritical() {
        assertEquals("TooBroad.pay(String): @Critical(rejections) names java.lang.Exception, which cannot be a "
                + "rejection: it would turn database failures and bugs into business verdicts; name the application's "
                + "own exception types", refusal(TooBroad.class, account -> { },
                RepositoryOptions.builder()));
        ScriptedPayments dao = new ScriptedPayments();
        assertEquals("Payments.pay(String, String): RepositoryOptions.rejections names java.sql.SQLException, which "
                + "cannot be a rejection: it would turn database failures and bugs into business verdicts; name the "
                + "application's own exception types", refusal(Payments.class, dao, RepositoryOptions.builder()
                        .rejections("pay", SQLException.class)));
        assertEquals("Payments.pay(String, String): RepositoryOptions.rejections names java.lang.RuntimeException, "
                + "which cannot be a rejection: it would turn database failures and bugs into business verdicts; name "
                + "the application's own exception types", refusal(Payments.class, dao, RepositoryOptions.builder()
                        .rejections("pay", RuntimeException.class)));
        assertEquals("Payments.pay(String, String): RepositoryOptions.rejections holds null", refusal(Payments.class, dao,
                RepositoryOptions.builder().rejections("pay", AccountClosedException.class, null)));
        assertEquals("RepositoryOptions.rejections names method 'balance' of Payments, which is not critical: only "
                + "critical calls are entries", refusal(Payments.class, dao, RepositoryOptions.builder()
                        .rejections("balance", AccountClosedException.class)));
        assertEquals("RepositoryOptions.rejections names method 'charge', which Payments does not have; its methods: "
                + "[balance, close, pay, refund]", refusal(Payments.class, dao, RepositoryOptions.builder()
                        .rejections("charge", AccountClosedException.class)));
        assertEquals("rejections of method 'pay' must name at least one exception type",
                assertThrows(IllegalArgumentException.class, () -> RepositoryOptions.builder().rejections("pay"))
                        .getMessage());
    }

    private <T> String refusal(Class<T> type, T dao, RepositoryOptions.Builder options) {
        return assertThrows(IllegalArgumentException.class, () -> DurableRepository.builder(type)
                .target(repository.target, dao).options(options.build()).build(repository.wal)).getMessage();
    }

    private List<EntryStatus> statuses(String operation) {
        try (Stream<ReplayRecord> records = repository.wal.admin().replay(ReplayQuery.builder().operation(operation)
                .build())) {
            return records.map(r -> r.statusByTarget().get("primary")).collect(Collectors.toList());
        }
    }
}
