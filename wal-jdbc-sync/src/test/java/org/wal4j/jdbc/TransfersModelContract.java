package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryStatus;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.Wal;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.ForwardingDataSource;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * Issue 13's model property for calls that touch several keys, on a real database and the real
 * file log: random transfers between accounts (each ordered in both accounts' lanes by two
 * {@code @LaneKey}s, some refused for insufficient funds), deposits, database outages (the data
 * source refusing connections, or hanging before it refuses, as a pool does on a hung server),
 * restarts of the Wal on the same directory (the proxy rebound, or the DAO wrapped again as a
 * restarted application does) and retried request ids, through a {@link DurableRepository} with
 * four apply partitions. After the database is back and everything is applied:
 *
 * <ul>
 *   <li>each account's history rows are exactly its calls in the order they were acknowledged,
 *       each with its running balance; the balances equal the model's;</li>
 *   <li>a rejected transfer left nothing, its entry is REJECTED (no dead letter), and its caller,
 *       when it waited, got the declared exception; the others returned the model's balance;</li>
 *   <li>no double effect: one applied key per applied call, one entry per request id, a retry
 *       wrote nothing;</li>
 *   <li>a read with read-your-writes of either account of a transfer (made while the database is
 *       up) answered the model's balance.</li>
 * </ul>
 *
 * <p>The model is sequential in call order. That is exact because a transfer's outcome depends only
 * on its debited account's earlier calls, all ordered before it in that account's lane: the lanes
 * give a conflict-serializable order equal to the call order. A transfer ordered in one lane only
 * breaks it (the history of the credited account, its read, or a later transfer's verdict).
 *
 * <p>One subclass per engine; a fresh database and log directory per try. Tries are few by
 * default (the module's suite has a time budget) and many under {@code -Pstress}.
 */
abstract class TransfersModelContract {
    private static final int ACCOUNTS = 5;
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Map<String, Figures> FIGURES = new ConcurrentHashMap<>();

    abstract DatabaseEngine engine();

    // ----------------------------------------------------------------------------------------- the DAO

    /** Thrown by the DAO when the debited account holds less than the amount: a declared verdict. */
    static final class NotEnoughFundsException extends Exception {
        private static final long serialVersionUID = 1L;

        public NotEnoughFundsException(String message) {
            super(message);
        }
    }

    /** Accounts with balances and a history with a per-account sequence, every write with a request id. */
    interface Ledger {
        /** Moves {@code amount}; returns the debited account's new balance. */
        @Critical(namespace = "ledger")
        BigDecimal transfer(@LaneKey String from, @LaneKey String to, BigDecimal amount,
                            @IdempotencyKey String requestId) throws SQLException, NotEnoughFundsException;

        /** The same transfer, returning once durable. */
        @Critical(namespace = "ledger")
        void transferLater(@LaneKey String from, @LaneKey String to, BigDecimal amount,
                           @IdempotencyKey String requestId) throws SQLException, NotEnoughFundsException;

        @Critical(namespace = "ledger")
        void deposit(@LaneKey String account, BigDecimal amount, @IdempotencyKey String requestId)
                throws SQLException;

        BigDecimal balance(@LaneKey String account) throws SQLException;
    }

    /** Plain JDBC on the target's transaction-aware data source: each call opens, writes, commits and closes. */
    static final class JdbcLedger implements Ledger {
        private final DataSource dataSource;

        JdbcLedger(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public BigDecimal transfer(String from, String to, BigDecimal amount, String requestId)
                throws SQLException, NotEnoughFundsException {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                BigDecimal held = balanceOn(c, from);
                if (held.compareTo(amount) < 0) {
                    throw new NotEnoughFundsException("account " + from + " holds " + held + ", cannot send " + amount);
                }
                BigDecimal after = post(c, from, requestId, amount.negate());
                post(c, to, requestId, amount);
                c.commit();
                return from.equals(to) ? balanceOn(c, from) : after;
            }
        }

        @Override
        public void transferLater(String from, String to, BigDecimal amount, String requestId)
                throws SQLException, NotEnoughFundsException {
            transfer(from, to, amount, requestId);
        }

        @Override
        public void deposit(String account, BigDecimal amount, String requestId) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                post(c, account, requestId, amount);
                c.commit();
            }
        }

        @Override
        public BigDecimal balance(String account) throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                return balanceOn(c, account);
            }
        }

        /** Changes the balance and appends the history row with the account's next sequence number. */
        private static BigDecimal post(Connection c, String account, String requestId, BigDecimal delta)
                throws SQLException {
            try (PreparedStatement s = c.prepareStatement("UPDATE ledger_account SET balance = balance + ? WHERE id = ?")) {
                s.setBigDecimal(1, delta);
                s.setString(2, account);
                if (s.executeUpdate() != 1) {
                    throw new IllegalStateException("no account " + account);
                }
            }
            BigDecimal after = balanceOn(c, account);
            long next;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger_history WHERE account_id = ?")) {
                s.setString(1, account);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    next = r.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO ledger_history (account_id, seq, request_id, "
                    + "amount, balance_after) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, account);
                s.setLong(2, next);
                s.setString(3, requestId);
                s.setBigDecimal(4, delta);
                s.setBigDecimal(5, after);
                s.executeUpdate();
            }
            return after;
        }

        private static BigDecimal balanceOn(Connection c, String account) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT balance FROM ledger_account WHERE id = ?")) {
                s.setString(1, account);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalStateException("no account " + account);
                    }
                    return r.getBigDecimal(1);
                }
            }
        }
    }

    /** A data source that can fail at once, or hang a while and then fail, as a pool does on a hung server. */
    static final class OutageDataSource extends ForwardingDataSource {
        private static final long HANG_MILLIS = 150;
        private volatile boolean down;
        private volatile boolean hangs;

        OutageDataSource(DataSource target) {
            super(target);
        }

        void down(boolean hang) {
            hangs = hang;
            down = true;
        }

        void up() {
            down = false;
        }

        boolean isDown() {
            return down;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down && hangs) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANG_MILLIS);
                while (down && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted while the database hangs", "08001", e);
                    }
                }
            }
            if (down) {
                throw new SQLException(hangs ? "connection attempt timed out after " + HANG_MILLIS + " ms (the test hangs "
                        + "the database)" : "connection refused (the test switched the database off)", "08001");
            }
            return target.getConnection();
        }
    }

    // ----------------------------------------------------------------------------------------- actions

    sealed interface Action permits Deposit, Transfer, Retry, Read, Outage, Recover, Restart {
    }

    record Deposit(int account, int cents) implements Action {
    }

    /** {@code waits}: the value method (waits for the apply); otherwise the void one (returns once durable). */
    record Transfer(int from, int to, int cents, boolean waits) implements Action {
    }

    /** Repeats the {@code pick % n}-th earlier call with its request id and arguments. */
    record Retry(int pick) implements Action {
    }

    /** A read with read-your-writes, while the database is up. */
    record Read(int account) implements Action {
    }

    record Outage(boolean hangs) implements Action {
    }

    record Recover() implements Action {
    }

    /** Stops the Wal and builds a new one on the same directory; {@code rebind}: the same proxy, else wrapped anew. */
    record Restart(boolean rebind) implements Action {
    }

    @Property(tries = 6, shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.RANDOM_SEED)
    void transfersDepositsOutagesRestartsAndRetries_leaveTheModelsHistoriesAndBalances(
            @ForAll("balances") List<Integer> openingCents, @ForAll("scenarios") List<Action> actions) throws Exception {
        run(openingCents, actions);
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.RANDOM_SEED)
    @Tag("stress")
    void transfersDepositsOutagesRestartsAndRetries_stress(
            @ForAll("balances") List<Integer> openingCents, @ForAll("longScenarios") List<Action> actions)
            throws Exception {
        run(openingCents, actions);
    }

    @AfterContainer
    static void printFigures() {
        new TreeMap<>(FIGURES).forEach((engine, f) -> System.out.printf(Locale.ROOT,
                "[wal4j-test] transfers model on %s: %d tries passed, %d calls (%d transfers, %d rejected, %d retried request "
                        + "ids), %d reads, %d outages, %d restarts; every history in acknowledged order, balances as "
                        + "the model, no double effect%n", engine, f.tries.get(), f.calls.get(), f.transfers.get(),
                f.rejected.get(), f.retries.get(), f.reads.get(), f.outages.get(), f.restarts.get()));
        FIGURES.clear();
    }

    @Provide
    Arbitrary<List<Integer>> balances() {
        return Arbitraries.integers().between(0, 30_000).list().ofSize(ACCOUNTS);
    }

    @Provide
    Arbitrary<List<Action>> scenarios() {
        return actions().list().ofMinSize(10).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Action>> longScenarios() {
        return actions().list().ofMinSize(30).ofMaxSize(100);
    }

    private static Arbitrary<Action> actions() {
        Arbitrary<Integer> account = Arbitraries.integers().between(0, ACCOUNTS - 1);
        Arbitrary<Integer> cents = Arbitraries.integers().between(1, 20_000);
        Arbitrary<Action> deposit = Combinators.combine(account, Arbitraries.integers().between(1, 30_000)).as(Deposit::new);
        Arbitrary<Action> transfer = Combinators.combine(account, account, cents, Arbitraries.of(true, false))
                .as(Transfer::new);
        Arbitrary<Action> retry = Arbitraries.integers().between(0, 1000).map(Retry::new);
        Arbitrary<Action> read = account.map(Read::new);
        Arbitrary<Action> outage = Arbitraries.of(true, false).map(Outage::new);
        Arbitrary<Action> recover = Arbitraries.just(new Recover());
        Arbitrary<Action> restart = Arbitraries.of(true, false).map(Restart::new);
        return Arbitraries.frequencyOf(Tuple.of(4, deposit), Tuple.of(10, transfer), Tuple.of(3, retry),
                Tuple.of(3, read), Tuple.of(3, outage), Tuple.of(2, recover), Tuple.of(2, restart));
    }

    // ----------------------------------------------------------------------------------------- one try

    private void run(List<Integer> openingCents, List<Action> actions) throws Exception {
        TestDatabase db = engine().createDatabase("transfers");
        db.execute("CREATE TABLE ledger_account (id VARCHAR(40) PRIMARY KEY, balance DECIMAL(14,2) NOT NULL)",
                "CREATE TABLE ledger_history (account_id VARCHAR(40) NOT NULL, seq BIGINT NOT NULL, "
                        + "request_id VARCHAR(80) NOT NULL, amount DECIMAL(14,2) NOT NULL, "
                        + "balance_after DECIMAL(14,2) NOT NULL, PRIMARY KEY (account_id, seq))");
        Model model = new Model();
        for (int a = 0; a < ACCOUNTS; a++) {
            BigDecimal opening = BigDecimal.valueOf(openingCents.get(a), 2);
            model.open(account(a), opening);
            try (Connection c = db.connect();
                 PreparedStatement s = c.prepareStatement("INSERT INTO ledger_account (id, balance) VALUES (?, ?)")) {
                s.setString(1, account(a));
                s.setBigDecimal(2, opening);
                s.executeUpdate();
            }
        }
        Figures figures = new Figures();
        Path logDir = Files.createTempDirectory("wal4j-transfers");
        Session session = new Session(db, logDir, model, figures);
        try {
            for (Action action : actions) {
                session.perform(action);
            }
            session.settle();
            session.verify();
            figures.tries.incrementAndGet();
            FIGURES.computeIfAbsent(engine().name(), e -> new Figures()).add(figures);
        } finally {
            session.close();
            deleteRecursively(logDir);
        }
    }

    private static String account(int index) {
        return "acct-" + index;
    }

    /** The application of one try: the Wal, the repository, the model, and the calls made so far. */
    private static final class Session {
        private final TestDatabase db;
        private final Path logDir;
        private final Model model;
        private final Figures figures;
        private final OutageDataSource dataSource;
        private final List<Call> calls = new ArrayList<>();
        private JdbcSyncTarget target;
        private Wal wal;
        private Ledger ledger;
        private int nextRequest;

        Session(TestDatabase db, Path logDir, Model model, Figures figures) {
            this.db = db;
            this.logDir = logDir;
            this.model = model;
            this.figures = figures;
            this.dataSource = new OutageDataSource(db.dataSource());
            this.target = newTarget();
            this.wal = newWal();
            this.ledger = wrap();
            wal.start();
        }

        private JdbcSyncTarget newTarget() {
            return JdbcSyncTarget.builder("primary", TransactionAwareDataSource.wrap(dataSource)).build();
        }

        private Wal newWal() {
            return Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(logDir)))
                    .config(TestWals.config().toBuilder().applyPartitions(4).build()).target(target).build();
        }

        private Ledger wrap() {
            return DurableRepository.builder(Ledger.class)
                    .target(target, new JdbcLedger(target.transactionAwareDataSource()))
                    .options(RepositoryOptions.builder().applyWait(Duration.ofSeconds(10))
                            .readYourWrites(Duration.ofSeconds(60)).build())
                    .build(wal);
        }

        void perform(Action action) throws Exception {
            if (action instanceof Deposit d) {
                call(new Call("req-" + nextRequest++, false, account(d.account()), account(d.account()),
                        BigDecimal.valueOf(d.cents(), 2), false));
            } else if (action instanceof Transfer t) {
                call(new Call("req-" + nextRequest++, true, account(t.from()), account(t.to()),
                        BigDecimal.valueOf(t.cents(), 2), t.waits()));
            } else if (action instanceof Retry r) {
                if (!calls.isEmpty()) {
                    retry(calls.get(r.pick() % calls.size()));
                }
            } else if (action instanceof Read r) {
                if (!dataSource.isDown()) {
                    String account = account(r.account());
                    assertEquals(model.balance(account), ledger.balance(account),
                            "read-your-writes of " + account + " after calls " + calls);
                    figures.reads.incrementAndGet();
                }
            } else if (action instanceof Outage o) {
                if (!dataSource.isDown()) {
                    figures.outages.incrementAndGet();
                }
                dataSource.down(o.hangs());
            } else if (action instanceof Recover) {
                dataSource.up();
            } else if (action instanceof Restart r) {
                restart(r.rebind());
            }
        }

        /** A first call: acknowledged once it returns (or once it is durable, for a value call told "not yet"). */
        private void call(Call call) throws Exception {
            calls.add(call);
            figures.calls.incrementAndGet();
            if (!call.transfer) {
                ledger.deposit(call.to, call.amount, call.requestId);
                model.deposit(call);
                return;
            }
            figures.transfers.incrementAndGet();
            model.transfer(call);
            if (model.rejected.contains(call.requestId)) {
                figures.rejected.incrementAndGet();
            }
            if (!call.waits) {
                ledger.transferLater(call.from, call.to, call.amount, call.requestId);
                return;
            }
            try {
                BigDecimal debited = ledger.transfer(call.from, call.to, call.amount, call.requestId);
                assertEquals(model.results.get(call.requestId), debited, "result of " + call);
            } catch (NotEnoughFundsException e) {
                assertTrue(model.rejected.contains(call.requestId), "the model applies " + call + ", the DAO said: " + e);
            } catch (NotYetAppliedException e) {
                // durable: applied when the database is back, in its lanes' order
            }
        }

        /** A retry writes nothing and changes nothing; what it answers depends on how far the first call got. */
        private void retry(Call call) throws Exception {
            figures.retries.incrementAndGet();
            long writes = wal.stats().writes();
            if (!call.transfer || !call.waits) {
                if (call.transfer) {
                    ledger.transferLater(call.from, call.to, call.amount, call.requestId);
                } else {
                    ledger.deposit(call.to, call.amount, call.requestId);
                }
                assertTrue(DurableRepository.lastReceipt().orElseThrow().duplicate(),
                        "a retry's receipt is the first call's: " + call);
            } else {
                try {
                    BigDecimal debited = ledger.transfer(call.from, call.to, call.amount, call.requestId);
                    assertEquals(model.results.get(call.requestId), debited, "retried result of " + call);
                } catch (NotEnoughFundsException e) {
                    // the first call's rejection, made again from its stored verdict
                    assertTrue(model.rejected.contains(call.requestId), "retry of " + call + ": " + e);
                } catch (NotYetAppliedException | JdbcTargetException e) {
                    // the first call is still pending, or the database could not answer for its outcome
                }
            }
            assertEquals(writes, wal.stats().writes(), "a retry of " + call + " wrote an entry");
        }

        private void restart(boolean rebind) {
            figures.restarts.incrementAndGet();
            wal.stop(Duration.ofSeconds(10));
            if (rebind) {
                wal = newWal();
                DurableRepository.rebind(ledger, wal);
            } else {
                target = newTarget();
                wal = newWal();
                ledger = wrap();
            }
            wal.start();
        }

        void settle() throws Exception {
            dataSource.up();
            wal.awaitAllApplied(SETTLE).get(SETTLE.toSeconds() + 10, TimeUnit.SECONDS);
        }

        void verify() throws SQLException {
            try (Stream<DeadLetter> dead = wal.admin().deadLetters(DeadLetterFilter.all())) {
                assertEquals(List.of(), dead.map(DeadLetter::toString).collect(Collectors.toList()),
                        "no dead letters; calls " + calls);
            }
            Map<String, EntryStatus> statusByRequest = new LinkedHashMap<>();
            try (Stream<ReplayRecord> records = wal.admin().replay(ReplayQuery.all())) {
                records.forEach(r -> {
                    WalEntry entry = r.entry();
                    String requestId = entry.idempotencyKey().substring(entry.idempotencyKey().indexOf('|') + 1);
                    EntryStatus old = statusByRequest.put(requestId, r.statusByTarget().get("primary"));
                    assertEquals(null, old, "two entries for request id " + requestId);
                });
            }
            assertEquals(calls.size(), statusByRequest.size(), "one entry per first call: " + statusByRequest);
            Set<String> rejected = statusByRequest.entrySet().stream()
                    .filter(e -> e.getValue() == EntryStatus.REJECTED).map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(model.rejected), rejected, "the rejected calls; calls " + calls);
            statusByRequest.forEach((id, status) -> assertTrue(status == EntryStatus.APPLIED
                    || status == EntryStatus.REJECTED, id + " is " + status));

            assertEquals(model.histories(), histories(), "each account's history in acknowledged order; calls " + calls);
            assertEquals(model.balances, balances(), "balances; calls " + calls);
            assertEquals(calls.size() - model.rejected.size(), db.count("wal4j_applied_keys"),
                    "one applied key per applied call");
        }

        private Map<String, List<String>> histories() throws SQLException {
            Map<String, List<String>> out = new TreeMap<>();
            try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT account_id, seq, "
                    + "request_id, amount, balance_after FROM ledger_history ORDER BY account_id, seq");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    List<String> rows = out.computeIfAbsent(r.getString(1), k -> new ArrayList<>());
                    assertEquals(rows.size() + 1, r.getLong(2), "sequence of " + r.getString(1));
                    rows.add(Model.row(r.getString(3), r.getBigDecimal(4), r.getBigDecimal(5)));
                }
            }
            return out;
        }

        private Map<String, BigDecimal> balances() throws SQLException {
            Map<String, BigDecimal> out = new TreeMap<>();
            try (Connection c = db.connect();
                 PreparedStatement s = c.prepareStatement("SELECT id, balance FROM ledger_account");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getBigDecimal(2).setScale(2));
                }
            }
            return out;
        }

        void close() {
            dataSource.up();
            wal.stop(Duration.ofSeconds(10));
        }
    }

    /** One first call, as made. */
    private record Call(String requestId, boolean transfer, String from, String to, BigDecimal amount, boolean waits) {
        @Override
        public String toString() {
            return transfer ? requestId + " " + (waits ? "transfer" : "transferLater") + "(" + from + "->" + to + " "
                    + amount + ")" : requestId + " deposit(" + to + " " + amount + ")";
        }
    }

    /** The sequential model: the calls in acknowledged order, each account's expected history. */
    private static final class Model {
        final Map<String, BigDecimal> balances = new TreeMap<>();
        final Map<String, List<String>> histories = new TreeMap<>();
        final Set<String> rejected = new TreeSet<>();
        final Map<String, BigDecimal> results = new ConcurrentHashMap<>();

        void open(String account, BigDecimal balance) {
            balances.put(account, balance);
        }

        BigDecimal balance(String account) {
            return balances.get(account);
        }

        void deposit(Call call) {
            post(call.to, call.requestId, call.amount);
        }

        void transfer(Call call) {
            if (balances.get(call.from).compareTo(call.amount) < 0) {
                rejected.add(call.requestId);
                return;
            }
            post(call.from, call.requestId, call.amount.negate());
            post(call.to, call.requestId, call.amount);
            results.put(call.requestId, balances.get(call.from));
        }

        private void post(String account, String requestId, BigDecimal delta) {
            BigDecimal after = balances.get(account).add(delta);
            balances.put(account, after);
            histories.computeIfAbsent(account, k -> new ArrayList<>()).add(row(requestId, delta, after));
        }

        Map<String, List<String>> histories() {
            return histories;
        }

        static String row(String requestId, BigDecimal amount, BigDecimal balanceAfter) {
            return requestId + " " + amount.setScale(2).toPlainString() + " = " + balanceAfter.setScale(2).toPlainString();
        }
    }

    /** What the passed tries of one engine did, for the line printed after the container. */
    private static final class Figures {
        final AtomicLong tries = new AtomicLong();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong transfers = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong outages = new AtomicLong();
        final AtomicLong restarts = new AtomicLong();

        void add(Figures f) {
            tries.addAndGet(f.tries.get());
            calls.addAndGet(f.calls.get());
            transfers.addAndGet(f.transfers.get());
            rejected.addAndGet(f.rejected.get());
            retries.addAndGet(f.retries.get());
            reads.addAndGet(f.reads.get());
            outages.addAndGet(f.outages.get());
            restarts.addAndGet(f.restarts.get());
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
