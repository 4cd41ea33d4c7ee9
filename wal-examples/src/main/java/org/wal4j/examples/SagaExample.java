package org.wal4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.wal4j.Backoff;
import org.wal4j.DeadLetter;
import org.wal4j.DeadLetterFilter;
import org.wal4j.EntryOutcome;
import org.wal4j.EntryStatus;
import org.wal4j.Lifecycle;
import org.wal4j.Priority;
import org.wal4j.ReplayQuery;
import org.wal4j.ReplayRecord;
import org.wal4j.UserContext;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.WriteResult;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.SqlStatementEntry;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * Three orders, each a saga of steps in one log: place the order, charge it, book the courier,
 * text the customer. Each step's namespace has its own {@link Lifecycle}, set once in the
 * {@link WalConfig}: payments retry on a fixed backoff, shipments wait a delivery delay,
 * texts expire. Along the way the payment provider times out twice on one order (retried), declines
 * another's card (dead-lettered, then requeued by an operator once the customer updates it), and
 * the SMS gateway is down long enough for two texts to expire. At the end the log is replayed by
 * correlation id (one order's saga) and by time range (what was written after the requeue), and the
 * outcome is checked: PASS or FAIL.
 *
 * <p>Run: {@code mvn -B -q -pl wal-examples -am test-compile exec:java -Dexec.mainClass=org.wal4j.examples.SagaExample}
 *
 * <p>A program: its state is confined to the thread that runs it.
 */
public final class SagaExample {
    static final String LEDGER = "ledger";
    static final String PAYMENTS = "payments";
    static final String SMS = "sms";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UserContext OPERATOR = UserContext.of("ops-alice", null);
    private static final List<Order> ORDERS = List.of(new Order("order-1", "Ada", new BigDecimal("120.00")),
            new Order("order-2", "Barbara", new BigDecimal("75.50")),
            new Order("order-3", "Claude", new BigDecimal("42.00")));

    record Order(String id, String customer, BigDecimal amount) {
    }

    /** The payload of a text to a customer. */
    record Text(String orderId, String message) {
    }

    /** The seqs of one order's steps, 0 until written. */
    private static final class Saga {
        final Order order;
        long placed;
        long charge;
        long shipment;
        long text;

        Saga(Order order) {
            this.order = order;
        }
    }

    private final PrintStream out;
    private final BeforeCheck beforeCheck;
    private final ObjectMapper mapper = new ObjectMapper();
    private final PaymentProvider provider = new PaymentProvider(mapper);
    private final SimulatedService payments = new SimulatedService(PAYMENTS, "the payment provider", provider);
    private final SimulatedService sms = new SimulatedService(SMS, "the SMS gateway", request -> { });
    private final SagaEvents events;
    private final Map<String, Saga> sagas = new LinkedHashMap<>();
    private final Map<Long, EntryStatus> textStatuses = new LinkedHashMap<>();
    private final List<ReplayRecord> byCorrelation = new ArrayList<>();
    private final List<ReplayRecord> byTime = new ArrayList<>();
    private Wal wal;
    private Instant requeuedAt;

    private SagaExample(PrintStream out, BeforeCheck beforeCheck) {
        this.out = out;
        this.beforeCheck = beforeCheck;
        this.events = new SagaEvents(out);
    }

    public static void main(String[] args) {
        int status = run(System.out, BeforeCheck.NONE);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the example; returns 0 on PASS, 1 on FAIL, 3 if it could not run. */
    static int run(PrintStream out, BeforeCheck beforeCheck) {
        try {
            return new SagaExample(out, beforeCheck).run();
        } catch (Exception e) {
            out.println("ERROR: the saga example could not run: " + e);
            e.printStackTrace();
            return 3;
        }
    }

    /** The lifecycle of each namespace: the writers set none, the Wal fills them in. */
    static WalConfig config() {
        return WalConfig.builder()
                .breakerOpenDuration(Duration.ofMillis(500))
                .namespaceLifecycle("payments", Lifecycle.builder().priority(Priority.HIGH).maxAttempts(4)
                        .backoff(Backoff.FIXED).backoffBase(Duration.ofMillis(300)).jitter(false).build())
                .namespaceLifecycle("shipping", Lifecycle.builder().initialDelay(Duration.ofSeconds(1)).build())
                .namespaceLifecycle("notifications", Lifecycle.builder().priority(Priority.LOW)
                        .ttl(Duration.ofSeconds(2)).backoff(Backoff.FIXED).backoffBase(Duration.ofMillis(100)).build())
                .build();
    }

    private int run() throws Exception {
        Path logDir = Files.createTempDirectory("wal4j-saga");
        try (DemoDatabase ledger = DemoDatabase.inMemoryH2("saga_ledger")) {
            createTables(ledger.dataSource());
            wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(logDir)))
                    .config(config())
                    .target(JdbcSyncTarget.builder(LEDGER, ledger.dataSource()).build())
                    .target(payments)
                    .target(sms)
                    .listener(events)
                    .build()
                    .start();
            try {
                introduce();
                playSagas();
                replays();
                beforeCheck.run(Map.of(LEDGER, ledger.dataSource()));
                return check(ledger.dataSource());
            } finally {
                wal.stop(Duration.ofSeconds(5));
            }
        } finally {
            DemoDirectory.deleteRecursively(logDir);
        }
    }

    private void introduce() {
        out.println("Saga example: three orders, each a saga of steps in one wal4j log. Each step's namespace has its");
        out.println("own lifecycle, configured once (WalConfig.namespaceLifecycle):");
        out.println("  orders         -> ledger (H2)        applied at once");
        out.println("  payments       -> payment provider   HIGH priority; 4 attempts, a fixed 300 ms apart");
        out.println("  shipping       -> ledger (H2)        not before 1 s after it is written (the customer may cancel)");
        out.println("  notifications  -> SMS gateway        LOW priority; expires 2 s after it is written (late is useless)");
        out.println("Each step's key (its lane) and correlation id is its order's id.");
        out.println();
    }

    private void playSagas() throws Exception {
        provider.timeOut("order-2", 2);
        provider.expireCard("order-3");
        sms.setReachable(false);
        events.startClock();
        events.say("Set-up: the provider will time out twice on order-2; order-3's card has expired; "
                + "the SMS gateway is down.");
        for (Order order : ORDERS) {
            place(order);
        }
        for (Saga saga : sagas.values()) {
            if (await(saga.charge).applied()) {
                ship(saga);
            }
        }
        DeadLetter dead = deadPayment();
        for (Saga saga : sagas.values()) {
            if (saga.text != 0) {
                textStatuses.put(saga.text, await(saga.text).statusByTarget().get(SMS));
            }
        }
        sms.setReachable(true);
        events.say("The SMS gateway is back.");
        requeue(dead);
        for (Saga saga : sagas.values()) {
            if (saga.shipment != 0) {
                await(saga.shipment);
            }
        }
        out.println();
    }

    /** The payment the provider declined, as the dead-letter queue lists it. */
    private DeadLetter deadPayment() {
        try (Stream<DeadLetter> letters = wal.admin().deadLetters(DeadLetterFilter.builder().namespace("payments").build())) {
            DeadLetter dead = letters.findFirst().orElseThrow(() -> new IllegalStateException(
                    "no payment was dead-lettered"));
            events.say("Dead-letter queue: seq " + dead.seq() + " (" + dead.entry().key() + ", after " + dead.attempts()
                    + (dead.attempts() == 1 ? " attempt): " : " attempts): ") + dead.reason());
            return dead;
        }
    }

    /** The customer fixes the card, an operator requeues the payment; once it is applied the saga goes on. */
    private void requeue(DeadLetter dead) throws Exception {
        provider.updateCard(dead.entry().key());
        requeuedAt = Instant.now();
        wal.as(OPERATOR).admin().requeue(dead.seq(), PAYMENTS);
        events.say(dead.entry().key() + "'s customer updated the card; " + OPERATOR.userId() + " requeues seq "
                + dead.seq() + ".");
        Saga saga = sagas.get(dead.entry().key());
        if (await(saga.charge).applied()) {
            ship(saga);
            textStatuses.put(saga.text, await(saga.text).statusByTarget().get(SMS));
        }
    }

    /** Writes the order and its charge in one append: both durable, or neither. */
    private void place(Order order) {
        Saga saga = new Saga(order);
        List<WriteResult> written = wal.writeBatch(List.of(
                SqlStatementEntry.builder("orders", "INSERT INTO saga_order (order_id, customer, amount) VALUES (?, ?, ?)",
                        order.id(), order.customer(), order.amount()).key(order.id()).correlationId(order.id())
                        .targets(LEDGER),
                WalEntry.builder("payments", "charge").key(order.id()).correlationId(order.id()).targets(PAYMENTS)
                        .payload(mapper, new PaymentProvider.Charge(order.id(), order.amount()))));
        saga.placed = written.get(0).seq();
        saga.charge = written.get(1).seq();
        sagas.put(order.id(), saga);
        events.say(String.format("%-13s %-7s seq %d, %d: order placed, charge of %s written", "orders", order.id(),
                saga.placed, saga.charge, order.amount()));
    }

    /** Once paid: book the courier (after the delivery delay) and text the customer (if in time). */
    private void ship(Saga saga) {
        String id = saga.order.id();
        List<WriteResult> written = wal.writeBatch(List.of(
                SqlStatementEntry.builder("shipping", "INSERT INTO saga_shipment (order_id, carrier) VALUES (?, ?)", id,
                        "ACME Couriers").key(id).correlationId(id).targets(LEDGER),
                WalEntry.builder("notifications", "text").key(id).correlationId(id).targets(SMS)
                        .payload(mapper, new Text(id, "Your order " + id + " is paid and ships soon."))));
        saga.shipment = written.get(0).seq();
        saga.text = written.get(1).seq();
        events.say(String.format("%-13s %-7s seq %d, %d: paid, so shipment and text written", "shipping", id,
                saga.shipment, saga.text));
    }

    /** Waits until entry {@code seq} is settled (applied, dead, expired) for its target. */
    private EntryOutcome await(long seq) throws Exception {
        return wal.awaitApplied(seq, WAIT).get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
    }

    private void replays() {
        out.println("Replay by correlation id order-2 (its whole saga, across namespaces):");
        byCorrelation.addAll(replay(ReplayQuery.builder().correlationId("order-2").build()));
        out.println("Replay by time range, from the requeue until now:");
        byTime.addAll(replay(ReplayQuery.builder().createdBetween(requeuedAt, Instant.now()).build()));
        out.println();
    }

    private List<ReplayRecord> replay(ReplayQuery query) {
        List<ReplayRecord> records;
        try (Stream<ReplayRecord> stream = wal.admin().replay(query)) {
            records = stream.toList();
        }
        for (ReplayRecord r : records) {
            out.printf("  seq %-2d %-13s %-7s %-6s %s%n", r.entry().seq(), r.entry().namespace(), r.entry().key(),
                    r.entry().operation(), r.statusByTarget());
        }
        return records;
    }

    private int check(DataSource ledger) throws SQLException {
        SagaCheck check = new SagaCheck();
        check.rows(ledger, "saga_order", ORDERS.size());
        check.rows(ledger, "saga_shipment", ORDERS.size());
        Map<String, BigDecimal> amounts = new LinkedHashMap<>();
        ORDERS.forEach(order -> amounts.put(order.id(), order.amount()));
        check.charges(payments.handled(), mapper, amounts);
        Saga second = sagas.get("order-2");
        Saga third = sagas.get("order-3");
        check.attempts("order-2's charge", events.applied(second.charge), 3);
        check.deadThenApplied("order-3's charge", events.deadLetterReason(third.charge), events.applied(third.charge));
        for (Saga saga : sagas.values()) {
            check.delayed(saga.order.id() + "'s shipment", events.applied(saga.shipment), Duration.ofSeconds(1));
        }
        check.texts(textStatuses, List.of(EntryStatus.EXPIRED, EntryStatus.EXPIRED, EntryStatus.APPLIED),
                sms.handled().size());
        check.replayed("by correlation id order-2", byCorrelation,
                List.of(second.placed, second.charge, second.shipment, second.text));
        check.replayed("by time range", byTime, List.of(third.shipment, third.text));
        out.println("Checking the outcome:");
        check.lines().forEach(line -> out.println("  " + line));
        if (check.failures() == 0) {
            out.println("PASS: 3 sagas complete: 3 charges (one after 2 retries, one requeued from the dead-letter queue), "
                    + "3 delayed shipments, 2 texts expired and 1 delivered, 2 replays.");
            return 0;
        }
        out.println("FAIL: " + check.failures() + " of " + check.lines().size() + " checks failed.");
        return 1;
    }

    private static void createTables(DataSource ledger) throws SQLException {
        try (Connection connection = ledger.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE saga_order (order_id VARCHAR(16) PRIMARY KEY, customer VARCHAR(32) NOT NULL, "
                    + "amount DECIMAL(10, 2) NOT NULL)");
            statement.execute("CREATE TABLE saga_shipment (order_id VARCHAR(16) PRIMARY KEY, carrier VARCHAR(32) NOT NULL)");
        }
    }
}
