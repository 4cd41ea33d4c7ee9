package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.Backoff;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryStatus;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.WalEntry;

/**
 * Per-method lifecycles: {@link Critical}'s lifecycle attributes and
 * {@link RepositoryOptions.Builder#lifecycle} (which wins), written into each entry, honoured by
 * the engine (one attempt dead-letters at once while another method keeps retrying), and bad
 * values refused at build naming the method and the value.
 */
@Timeout(60)
class RepositoryLifecycleTest {
    @TempDir
    Path logDir;
    private MemoryRepository repository;

    interface Payments {
        @Critical(namespace = "pay", maxAttempts = 1, ttl = "5m", priority = Priority.HIGH, backoff = Backoff.FIXED,
                backoffBase = "50ms", backoffCap = "2s", initialDelay = "0ms")
        void transfer(@LaneKey String from, int amount) throws SQLException;

        @Critical(namespace = "pay")
        void deposit(@LaneKey String account, int amount) throws SQLException;

        @Critical(namespace = "pay", maxAttempts = 3, ttl = "PT1M")
        void fee(@LaneKey String account, int amount) throws SQLException;

        int balance(@LaneKey String account);
    }

    /** Fails the first {@code failures} calls of each method with a retryable SQLSTATE, counting the calls. */
    static final class FlakyPayments implements Payments {
        final Map<String, AtomicInteger> calls = Map.of("transfer", new AtomicInteger(), "deposit", new AtomicInteger(),
                "fee", new AtomicInteger());
        private final int failures;

        FlakyPayments(int failures) {
            this.failures = failures;
        }

        private void call(String method) throws SQLException {
            if (calls.get(method).incrementAndGet() <= failures) {
                throw new SQLException(method + ": serialization failure (test)", "40001");
            }
        }

        @Override
        public void transfer(String from, int amount) throws SQLException {
            call("transfer");
        }

        @Override
        public void deposit(String account, int amount) throws SQLException {
            call("deposit");
        }

        @Override
        public void fee(String account, int amount) throws SQLException {
            call("fee");
        }

        @Override
        public int balance(String account) {
            return 0;
        }
    }

    @BeforeEach
    void open() {
        repository = new MemoryRepository(logDir);
    }

    @AfterEach
    void close() {
        repository.close();
    }

    @Test
    void entries_carryTheMethodsLifecycle_annotationOverTheWals_optionsOverTheAnnotation() throws SQLException {
        Payments payments = repository.wrap(Payments.class, new FlakyPayments(0),
                o -> o.lifecycle("fee", l -> l.maxAttempts(7).priority(Priority.LOW)));
        Lifecycle wals = repository.wal.config().lifecycleFor("pay");

        payments.transfer("a", 1);
        payments.deposit("a", 2);
        payments.fee("a", 3);

        assertEquals(wals.toBuilder().maxAttempts(1).ttl(Duration.ofMinutes(5)).priority(Priority.HIGH)
                .backoff(Backoff.FIXED).backoffBase(Duration.ofMillis(50)).backoffCap(Duration.ofSeconds(2))
                .initialDelay(Duration.ZERO).build(), entry("Payments#transfer(String,int)").lifecycle());
        assertEquals(wals, entry("Payments#deposit(String,int)").lifecycle(), "nothing set: the Wal's");
        assertEquals(wals.toBuilder().maxAttempts(7).ttl(Duration.ofMinutes(1)).priority(Priority.LOW).build(),
                entry("Payments#fee(String,int)").lifecycle(), "options win over the annotation's maxAttempts = 3");
    }

    @Test
    void maxAttemptsOne_deadLettersAfterOneFailure_whileAMethodWithTheWalsLifecycleRetries() throws Exception {
        FlakyPayments dao = new FlakyPayments(2);
        Payments payments = repository.wrap(Payments.class, dao, UnaryOperator.identity());

        payments.transfer("a", 1);
        long transfer = repository.lastSeq();
        assertEquals(EntryStatus.DEAD, repository.wal.awaitApplied(transfer, "primary", Duration.ofSeconds(30))
                .get(30, TimeUnit.SECONDS).statusByTarget().get("primary"));
        payments.deposit("b", 2);
        long deposit = repository.lastSeq();
        assertEquals(EntryStatus.APPLIED, repository.wal.awaitApplied(deposit, "primary", Duration.ofSeconds(30))
                .get(30, TimeUnit.SECONDS).statusByTarget().get("primary"));

        assertEquals(1, dao.calls.get("transfer").get(), "one attempt, then dead");
        assertEquals(3, dao.calls.get("deposit").get(), "two retryable failures, then applied");
        List<DeadLetter> dead;
        try (Stream<DeadLetter> letters = repository.wal.admin().deadLetters(DeadLetterFilter.all())) {
            dead = letters.collect(Collectors.toList());
        }
        assertEquals(1, dead.size(), dead::toString);
        assertEquals(transfer, dead.get(0).seq());
        assertEquals(1, dead.get(0).attempts());
    }

    interface Bad {
        @Critical(namespace = "bad", maxAttempts = 0)
        void zeroAttempts(@LaneKey String key);

        @Critical(namespace = "bad", maxAttempts = -3)
        void negativeAttempts(@LaneKey String key);

        @Critical(namespace = "bad", ttl = "-5s")
        void unreadableTtl(@LaneKey String key);

        @Critical(namespace = "bad", ttl = "PT-5S")
        void negativeTtl(@LaneKey String key);

        @Critical(namespace = "bad", backoffBase = "0ms")
        void zeroBackoff(@LaneKey String key);

        @Critical(namespace = "bad", priority = {Priority.HIGH, Priority.LOW})
        void twoPriorities(@LaneKey String key);

        @Critical(namespace = "bad", backoff = {Backoff.FIXED, Backoff.EXPONENTIAL})
        void twoBackoffs(@LaneKey String key);
    }

    /** How the lifecycle of {@code Bad}'s {@code method} is refused; the build below shows it is refused by build. */
    private static String refusal(String method) throws NoSuchMethodException {
        java.lang.reflect.Method m = Bad.class.getMethod(method, String.class);
        return assertThrows(IllegalArgumentException.class, () -> MethodLifecycles.resolve(
                MethodNames.display(Bad.class, m), m.getAnnotation(Critical.class), null, Lifecycle.ofDefaults()))
                .getMessage();
    }

    interface ZeroAttempts {
        @Critical(maxAttempts = 0)
        void pay(@LaneKey String key);
    }

    @Test
    void build_refusesBadLifecycleValues_namingTheMethodAndTheValue() throws Exception {
        assertEquals("ZeroAttempts.pay(String): @Critical(maxAttempts = 0) is refused: maxAttempts must be at least 1 "
                + "but was 0", assertThrows(IllegalArgumentException.class, () -> DurableRepository
                        .builder(ZeroAttempts.class).target(repository.target, key -> { })
                        .build(repository.wal)).getMessage());
        assertEquals("Bad.zeroAttempts(String): @Critical(maxAttempts = 0) is refused: maxAttempts must be at least 1 "
                + "but was 0", refusal("zeroAttempts"));
        assertEquals("Bad.negativeAttempts(String): @Critical(maxAttempts = -3) is refused: maxAttempts must be at "
                + "least 1 but was -3", refusal("negativeAttempts"));
        assertEquals("Bad.unreadableTtl(String): @Critical(ttl = \"-5s\") must be a duration such as 250ms, 30s, 5m, "
                + "2h, 7d or PT30S but was '-5s'", refusal("unreadableTtl"));
        assertEquals("Bad.negativeTtl(String): @Critical(ttl = PT-5S) is refused: ttl must be between PT0.001S and "
                + "PT87600H but was PT-5S", refusal("negativeTtl"));
        assertEquals("Bad.zeroBackoff(String): @Critical(backoffBase = 0ms) is refused: backoffBase must be between "
                + "PT0.001S and PT87600H but was PT0S", refusal("zeroBackoff"));
        assertEquals("Bad.twoPriorities(String): @Critical(priority = [HIGH, LOW]) names more than one priority; give "
                + "at most one", refusal("twoPriorities"));
        assertEquals("Bad.twoBackoffs(String): @Critical(backoff = [FIXED, EXPONENTIAL]) names more than one backoff; "
                + "give at most one", refusal("twoBackoffs"));
    }

    @Test
    void build_refusesBadOptions_namingTheMethod_andLeavesTheWalUnwired() throws SQLException {
        FlakyPayments dao = new FlakyPayments(0);
        String bad = assertThrows(IllegalArgumentException.class, () -> DurableRepository.builder(Payments.class)
                .target(repository.target, dao).options(RepositoryOptions.builder()
                        .lifecycle("deposit", l -> l.maxAttempts(-2)).build()).build(repository.wal)).getMessage();
        assertEquals("Payments.deposit(String, int): RepositoryOptions.lifecycle of method 'deposit': maxAttempts must "
                + "be at least 1 but was -2", bad);
        assertEquals("Payments.deposit(String, int): RepositoryOptions.lifecycle of method 'deposit': the change "
                + "returned null instead of the builder", assertThrows(IllegalArgumentException.class,
                        () -> DurableRepository.builder(Payments.class).target(repository.target, dao)
                                .options(RepositoryOptions.builder().lifecycle("deposit", l -> null).build())
                                .build(repository.wal)).getMessage());
        assertEquals("RepositoryOptions.lifecycle names method 'balance' of Payments, which is not critical: only "
                + "critical calls are entries", assertThrows(IllegalArgumentException.class,
                        () -> DurableRepository.builder(Payments.class).target(repository.target, dao)
                                .options(RepositoryOptions.builder().lifecycle("balance", l -> l).build())
                                .build(repository.wal)).getMessage());
        assertEquals("RepositoryOptions.lifecycle names method 'refund', which Payments does not have; its methods: "
                + "[balance, deposit, fee, transfer]", assertThrows(IllegalArgumentException.class,
                        () -> DurableRepository.builder(Payments.class).target(repository.target, dao)
                                .options(RepositoryOptions.builder().lifecycle("refund", l -> l).build())
                                .build(repository.wal)).getMessage());
        Payments payments = repository.wrap(Payments.class, dao, UnaryOperator.identity()); // the Wal is still NEW
        payments.deposit("a", 1);
        assertNull(repository.wal.config().namespaceLifecycles().get("pay"));
    }

    private WalEntry entry(String operation) {
        try (Stream<ReplayRecord> records = repository.wal.admin().replay(ReplayQuery.builder().operation(operation)
                .build())) {
            Optional<ReplayRecord> found = records.findFirst();
            return found.orElseThrow(() -> new AssertionError("no entry of " + operation)).entry();
        }
    }
}
