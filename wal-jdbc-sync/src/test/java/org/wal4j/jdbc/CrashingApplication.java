package org.wal4j.jdbc;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Random;
import org.wal4j.jdbc.testing.JdbcAccountDao;
import org.wal4j.jdbc.testing.Trade;

/**
 * The application the crash test runs in a child JVM and kills with {@code kill -9}: it starts
 * {@link AccountsApplication} on the given log directory and database (applying what an
 * earlier, killed run left in the log) and books trades from several writer threads until it
 * is killed. It tells the parent on standard output, one line each:
 * <pre>
 *   OPENED                              accounts opened (first run only)
 *   TRY &lt;account&gt; &lt;tradeId&gt; &lt;sequence&gt; &lt;amount&gt;   a call is about to be made
 *   ACK &lt;tradeId&gt;                       the call returned: the trade is durable in the log
 *   MID &lt;tradeId&gt; &lt;open&gt;                the trade's apply transaction is open, between its two statements;
 *                                          open: how many apply transactions (partitions) are there now
 * </pre>
 * Every fourth trade of a writer prints MID and then pauses 15 ms inside the transaction, so
 * that a kill on that line lands mid-transaction.
 *
 * <p>Arguments: jdbcUrl user password logDir cycle openAccounts writers accountsPerWriter.
 */
public final class CrashingApplication {
    /** Sequence numbers of cycle c start at c times this, so they grow across runs. */
    static final long SEQUENCES_PER_CYCLE = 1_000_000;

    private CrashingApplication() {
    }

    public static void main(String[] args) throws Exception {
        exitWhenTheParentIsGone();
        PrintStream out = System.out;
        UrlDataSource database = UrlDataSource.of(args[0], args[1], args[2]);
        Path logDir = Path.of(args[3]);
        int cycle = Integer.parseInt(args[4]);
        boolean openAccounts = Boolean.parseBoolean(args[5]);
        int writers = Integer.parseInt(args[6]);
        int accountsPerWriter = Integer.parseInt(args[7]);
        AtomicInteger open = new AtomicInteger(); // apply transactions paused here now, one per partition in flight
        JdbcAccountDao.Hook midTransaction = (account, trade) -> {
            // every apply transaction pauses here, so that the partitions' transactions overlap
            int others = open.getAndIncrement();
            out.println("MID " + trade.tradeId() + " " + (others + 1));
            pause(trade.sequence() % 4 == 0 ? 15 : 3);
            open.decrementAndGet();
        };
        try (AccountsApplication app = new AccountsApplication(database, logDir, midTransaction,
                RepositoryOptions.builder())) {
            if (openAccounts) {
                for (int w = 0; w < writers; w++) {
                    for (int a = 0; a < accountsPerWriter; a++) {
                        app.accounts.open(account(w, a), "owner " + w);
                    }
                }
                out.println("OPENED");
            }
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread thread = new Thread(() -> write(app, out, cycle, writer, accountsPerWriter), "writer-" + w);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        System.exit(3); // the parent kills this process long before the writers run out
    }

    /** The parent never writes to our standard input; it reaches its end when the parent dies. */
    private static void exitWhenTheParentIsGone() {
        Thread orphan = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing is ever sent
                }
            } catch (java.io.IOException e) {
                // the pipe broke: the parent is gone as well
            }
            Runtime.getRuntime().halt(4);
        }, "parent-watch");
        orphan.setDaemon(true);
        orphan.start();
    }

    static String account(int writer, int index) {
        return "acct-" + writer + "-" + index;
    }

    private static void write(AccountsApplication app, PrintStream out, int cycle, int writer, int accountsPerWriter) {
        Random random = new Random(cycle * 31L + writer);
        for (int i = 1; i < 100_000; i++) {
            String account = account(writer, i % accountsPerWriter);
            Trade trade = new Trade("c" + cycle + "-w" + writer + "-" + i, BigDecimal.valueOf(100 + random.nextInt(9900), 2),
                    cycle * SEQUENCES_PER_CYCLE + i);
            out.println("TRY " + account + " " + trade.tradeId() + " " + trade.sequence() + " " + trade.amount());
            try {
                app.accounts.post(account, trade);
            } catch (Exception e) {
                out.println("ERROR " + trade.tradeId() + " " + e);
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
