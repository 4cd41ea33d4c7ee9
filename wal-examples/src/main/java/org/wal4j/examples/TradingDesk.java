package org.wal4j.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.wal4j.Backoff;
import org.wal4j.Lifecycle;
import org.wal4j.TargetStats;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.event.WalListener;
import org.wal4j.jdbc.DurableRepository;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.RepositoryOptions;
import org.wal4j.jdbc.TransactionAwareDataSource;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * The trading application wired to wal4j, the way an application does it:
 * <ol>
 *   <li>per database, a {@link TransactionAwareDataSource} over its pool, a {@link JdbcSyncTarget}
 *       on it, and the application's own {@link JdbcTradingDao} on the same data source;</li>
 *   <li>a {@link Wal} over the file log, with those targets;</li>
 *   <li>{@link DurableRepository#builder} of the DAO interface, built <em>before</em> the Wal starts, so
 *       that calls left in the log by an earlier run find their DAO when it starts applying.</li>
 * </ol>
 * The application then calls {@link #trading()} as it called its DAO before.
 *
 * <p>Value calls wait up to 2 s for their apply; reads of an account's lane ({@link TradingDao#cash})
 * wait up to 20 s for the calls written before them (read-your-writes).
 *
 * <p>The configuration is tuned for a demo that lasts seconds: the circuit breaker opens after 2
 * failures in the last 4 calls and tries the database again every second (the defaults, 5 calls
 * and 30 seconds, suit production), and retries back off from 50 ms to at most 1 s.
 *
 * <p>Thread-safe once open.
 */
final class TradingDesk implements AutoCloseable {
    /** The namespace of the trading calls ({@link TradingDao}'s {@code @Critical} methods). */
    static final String NAMESPACE = "trading";

    private final Wal wal;
    private final TradingDao trading;
    private final Map<String, TradingDao> ledgers;

    private TradingDesk(Wal wal, TradingDao trading, Map<String, TradingDao> ledgers) {
        this.wal = wal;
        this.trading = trading;
        this.ledgers = ledgers;
    }

    /**
     * Opens the log in {@code logDir} (creating it, or recovering what an earlier run left) and wires
     * a target per database; the Wal is not started yet.
     *
     * @param databases the target names and their databases; the first is the primary, whose results
     *                  {@link #trading()}'s value calls return
     */
    static TradingDesk open(Path logDir, Map<String, ? extends DataSource> databases, WalListener listener) {
        Wal.Builder builder = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(logDir)))
                .config(config())
                .listener(listener);
        RepositoryOptions.Builder options = RepositoryOptions.builder().applyWait(Duration.ofSeconds(2))
                .readYourWrites(Duration.ofSeconds(20));
        DurableRepository.Builder<TradingDao> repository = DurableRepository.builder(TradingDao.class);
        Map<String, TradingDao> ledgers = new LinkedHashMap<>();
        databases.forEach((name, database) -> {
            TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(database);
            JdbcSyncTarget target = JdbcSyncTarget.builder(name, dataSource)
                    .appliedKeysTable(TradingSchema.APPLIED_KEYS_TABLE)
                    .checkpointTable(TradingSchema.CHECKPOINT_TABLE)
                    .build();
            JdbcTradingDao dao = new JdbcTradingDao(dataSource);
            builder.target(target);
            repository.target(target, dao);
            ledgers.put(name, dao);
        });
        Wal wal = builder.build();
        try {
            TradingDao trading = repository.options(options.build()).build(wal);
            return new TradingDesk(wal, trading, ledgers);
        } catch (RuntimeException e) {
            wal.stop(Duration.ZERO); // not started: closes the log
            throw e;
        }
    }

    static WalConfig config() {
        return WalConfig.builder()
                .breakerSlidingWindowSize(4)
                .breakerMinimumCalls(2)
                .breakerOpenDuration(Duration.ofSeconds(1))
                .checkpointInterval(Duration.ofMillis(200))
                .namespaceLifecycle(NAMESPACE, Lifecycle.builder()
                        .backoff(Backoff.EXPONENTIAL)
                        .backoffBase(Duration.ofMillis(50))
                        .backoffCap(Duration.ofSeconds(1))
                        .build())
                .build();
    }

    /** Starts applying: first what an earlier run left in the log, then every new call. */
    TradingDesk start() {
        wal.start();
        return this;
    }

    Wal wal() {
        return wal;
    }

    /** The wrapped DAO: its critical calls go through the log. */
    TradingDao trading() {
        return trading;
    }

    /** The plain DAO of {@code target}'s database, for reading it directly. */
    TradingDao ledger(String target) {
        TradingDao dao = ledgers.get(target);
        if (dao == null) {
            throw new IllegalArgumentException("no target '" + target + "'; targets are " + ledgers.keySet());
        }
        return dao;
    }

    /** Entries waiting to be applied to any target: PENDING or RETRYING. */
    long pending() {
        return wal.stats().targets().values().stream().mapToLong(TargetStats::unfinishedEntries).sum();
    }

    /**
     * Waits until every target applied everything, calling {@code everySecond} once a second
     * meanwhile.
     *
     * @return true if drained within {@code timeout}
     */
    boolean awaitDrained(Duration timeout, Runnable everySecond) throws InterruptedException {
        long start = System.nanoTime();
        long nextReport = start + 1_000_000_000L;
        while (pending() > 0) {
            long now = System.nanoTime();
            if (now - start > timeout.toNanos()) {
                return false;
            }
            if (now >= nextReport) {
                everySecond.run();
                nextReport += 1_000_000_000L;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Stops the Wal: what is applied is in the databases, the rest stays in the log. */
    @Override
    public void close() {
        wal.stop(Duration.ofSeconds(10));
    }
}
