package org.wal4j.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.wal4j.Backoff;
import org.wal4j.LaneId;
import org.wal4j.Lifecycle;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.jdbc.testing.AccountDao;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.Trade;
import org.wal4j.storage.kafka.KafkaWalStorage;
import org.wal4j.storage.kafka.SharedKafkaWalStorage;

/**
 * One application instance of the shared-log failure tests, run in a child JVM: a
 * {@link SharedKafkaWalStorage} in consumer group {@code group}, a {@code Wal} with one apply
 * partition per topic partition, a {@link JdbcSyncTarget} named {@code primary} on the database,
 * and the accounts DAO wrapped by {@link DurableRepository}. Its writers book trades on the
 * accounts every instance shares (given, opened by the parent), so all instances write the same
 * lanes. It tells the parent on standard output, one
 * line each:
 * <pre>
 *   TRY &lt;account&gt; &lt;tradeId&gt; &lt;sequence&gt; &lt;amount&gt;   a call is about to be made
 *   ACK &lt;tradeId&gt;                       the call returned: the trade is durable in the log
 *   ERROR &lt;tradeId&gt; &lt;exception&gt;         the call failed (the parent fails the test)
 *   MID &lt;tradeId&gt; &lt;partition&gt; &lt;open&gt; &lt;pause&gt;   the trade's apply transaction is open, between its two
 *                                          statements; open: apply transactions open in this instance now;
 *                                          pause: milliseconds it stays open from now ({@value #HOLD_MS} for the
 *                                          first after the parent wrote HOLD, for its signal to land in it)
 *   OWNED &lt;epochMillis&gt; &lt;p,p,..&gt;        the topic partitions this instance applies changed to these
 *   WRITTEN                             every writer made all its calls
 *   STOPPED                             the Wal stopped and the log closed after STOP
 * </pre>
 * Inside each trade's apply transaction (through the target's transaction-aware data source) it
 * also inserts a row into {@code applied_by(trade_id, instance, partition_no)}: it commits with
 * the trade, so the parent sees which instance applied each trade and (with PostgreSQL's
 * {@code track_commit_timestamp}) when that transaction committed.
 *
 * <p>When the parent writes the line {@code HOLD} to its standard input, the next apply transaction
 * that reaches the point between its statements stays open there {@value #HOLD_MS} ms, for the
 * parent's SIGKILL or SIGSTOP on its MID line to land inside it. Its writers end (after the call
 * each is in) when the parent writes the line {@code FINISH} to
 * its standard input, or after {@code callsPerWriter} calls; it stops cleanly when the parent writes
 * {@code STOP}, and halts at once when its standard input ends (the parent is gone).
 *
 * <p>Arguments: bootstrapServers topic partitions group jdbcUrl user password instance writers
 * callsPerWriter accounts (comma-separated).
 */
public final class SharedLogApplication {
    static final String SESSION_TIMEOUT_MS = "6000";
    /** How long the first apply transaction after the parent wrote HOLD pauses between its statements. */
    static final long HOLD_MS = 2_000;

    private SharedLogApplication() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        AtomicBoolean finish = new AtomicBoolean();
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch stop = watchTheParent(finish, hold);
        String bootstrap = args[0];
        String topic = args[1];
        int partitions = Integer.parseInt(args[2]);
        String group = args[3];
        UrlDataSource database = UrlDataSource.of(args[4], args[5], args[6]);
        String instance = args[7];
        int writers = Integer.parseInt(args[8]);
        int calls = Integer.parseInt(args[9]);
        List<String> accounts = List.of(args[10].split(","));

        SharedKafkaWalStorage log = KafkaWalStorage.builder().bootstrapServers(bootstrap).topic(topic)
                .partitions(partitions).clientProperty("session.timeout.ms", Integer.parseInt(SESSION_TIMEOUT_MS))
                .clientProperty("heartbeat.interval.ms", 1000).openTimeout(Duration.ofSeconds(60)).openShared(group);
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(database);
        AtomicInteger open = new AtomicInteger();
        JdbcAccountDao.Hook midTransaction = (account, trade) -> {
            int partition = log.partitionOf(LaneId.of("accounts", account));
            long pause = hold.compareAndSet(true, false) ? HOLD_MS : 2;
            recordApplier(dataSource, trade.tradeId(), instance, partition);
            out.println("MID " + trade.tradeId() + " " + partition + " " + open.incrementAndGet() + " " + pause);
            pause(pause);
            open.decrementAndGet();
        };
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", dataSource).queryTimeout(Duration.ofSeconds(10)).build();
        Wal wal = Wal.builder(log).config(config(partitions)).target(target).build();
        AccountDao repository = DurableRepository.builder(AccountDao.class)
                .target(target, new JdbcAccountDao(dataSource, midTransaction)).build(wal);
        wal.start();
        Thread owner = reportOwnership(log, out);

        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> write(repository, out, instance, writer, calls, accounts, finish), "writer-" + w);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        out.println("WRITTEN");
        stop.await();
        wal.stop(Duration.ofSeconds(20));
        log.close();
        owner.interrupt();
        owner.join(5_000);
        out.println("STOPPED");
        out.flush();
        System.exit(0);
    }

    static WalConfig config(int partitions) {
        return WalConfig.builder()
                .applyPartitions(partitions)
                .breakerSlidingWindowSize(4)
                .breakerMinimumCalls(2)
                .breakerOpenDuration(Duration.ofMillis(200))
                .checkpointInterval(Duration.ofMillis(100))
                .stopTimeout(Duration.ofSeconds(10))
                .defaultLifecycle(Lifecycle.builder().backoff(Backoff.EXPONENTIAL).backoffBase(Duration.ofMillis(20))
                        .backoffCap(Duration.ofMillis(500)).build())
                .build();
    }

    /** Inserts the applier row in the apply transaction bound to this thread. */
    private static void recordApplier(TransactionAwareDataSource dataSource, String tradeId, String instance,
            int partition) {
        if (!dataSource.isBoundToCurrentThread()) {
            throw new IllegalStateException("trade " + tradeId + " is applied outside an apply transaction");
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO applied_by (trade_id, instance, partition_no) VALUES (?, ?, ?)")) {
            insert.setString(1, tradeId);
            insert.setString(2, instance);
            insert.setInt(3, partition);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("recording who applied trade " + tradeId + " failed: " + e, e);
        }
    }

    /** Prints OWNED whenever the partitions this instance applies change (checked every 20 ms). */
    private static Thread reportOwnership(SharedKafkaWalStorage log, PrintStream out) {
        Thread t = new Thread(() -> {
            Set<Integer> last = null;
            while (!Thread.currentThread().isInterrupted()) {
                Set<Integer> now = log.ownedPartitions();
                if (!now.equals(last)) {
                    StringBuilder list = new StringBuilder();
                    now.stream().sorted().forEach(p -> list.append(list.length() == 0 ? "" : ",").append(p));
                    out.println("OWNED " + System.currentTimeMillis() + " " + (list.length() == 0 ? "-" : list));
                    last = now;
                }
                pause(20);
            }
        }, "ownership-report");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Sets {@code hold} when the parent writes HOLD and {@code finish} when it writes FINISH; returns a latch opened when it writes STOP; halts when standard input ends (the
     * parent died, or closed our input).
     */
    private static CountDownLatch watchTheParent(AtomicBoolean finish, AtomicBoolean hold) {
        CountDownLatch stop = new CountDownLatch(1);
        Thread watch = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.equals("HOLD")) {
                        hold.set(true);
                    } else if (line.equals("FINISH")) {
                        finish.set(true);
                    } else if (line.equals("STOP")) {
                        stop.countDown();
                    }
                }
            } catch (IOException e) {
                // the pipe broke: the parent is gone as well
            }
            Runtime.getRuntime().halt(4);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        return stop;
    }

    private static void write(AccountDao repository, PrintStream out, String instance, int writer, int calls,
            List<String> accounts, AtomicBoolean finish) {
        Random random = new Random(instance.hashCode() * 31L + writer);
        for (int i = 1; i <= calls && !finish.get(); i++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            Trade trade = new Trade(instance + "-w" + writer + "-" + i, BigDecimal.valueOf(100 + random.nextInt(9900), 2),
                    i);
            out.println("TRY " + account + " " + trade.tradeId() + " " + trade.sequence() + " " + trade.amount());
            try {
                repository.post(account, trade);
            } catch (Exception e) {
                out.println("ERROR " + trade.tradeId() + " " + e.toString().replace('\n', ' '));
                return;
            }
            out.println("ACK " + trade.tradeId());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
