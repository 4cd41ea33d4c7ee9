package org.wal4j.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.wal4j.TargetStats;
import org.wal4j.Wal;
import org.wal4j.WalConfig;
import org.wal4j.config.ConfigSources;
import org.wal4j.event.EntryApplied;
import org.wal4j.event.EntryDeadLettered;
import org.wal4j.jdbc.DurableRepository;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.TransactionAwareDataSource;
import org.wal4j.spi.WalStorage;
import org.wal4j.storage.file.FileStorageConfig;
import org.wal4j.storage.file.FileWalStorage;

/**
 * wal4j between the application and its database, wired as docs/jdbc.md tells users to: a HikariCP
 * pool on the database, wrapped in a {@link TransactionAwareDataSource}; a {@link JdbcSyncTarget}
 * named {@value #TARGET} on it; a {@link Wal} with that one target, on the file log in a fresh
 * benchmark directory ({@link #start}) or on a log it is given, such as one instance's share of a
 * shared Kafka log ({@link #startOn}); and the {@link TradingDao} wrapped by a
 * {@link DurableRepository}, whose DAO instance runs on the target's data source. The {@code Wal}'s
 * and the log's settings come from {@code settings} (any {@code wal.*} property either knows),
 * everything else is at its default.
 *
 * <p>The pipeline counts the entries the target applies ({@link EntryApplied}) and remembers when
 * the last was applied, so that a workload can tell when its backlog is gone and how long that took;
 * an entry dead-lettered fails the wait.
 *
 * <p>Lifecycle: {@link #start} or {@link #startOn} builds and starts it; {@link #close()} stops the
 * {@code Wal} (letting the workers finish, and closing its log), closes the pool and deletes the
 * file log. Thread-safe: the repository and the
 * {@code Wal} may be called from any thread.
 */
final class Pipeline implements AutoCloseable {

    /** The one target's name. */
    static final String TARGET = "primary";
    /**
     * How long the drain workload's target may wait for a connection, and the engine for one apply
     * call, while the database is "down" ({@link GatedDataSource}): longer than writing any backlog
     * takes, so that the wait is one blocked call, not failures, retries and a breaker.
     */
    static final Duration OUTAGE_ALLOWANCE = Duration.ofMinutes(30);

    private final HikariDataSource pool;
    private final GatedDataSource gate;
    private final Wal wal;
    private final TradingDao repository;
    private final @Nullable Path logDirectory;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong lastAppliedNanos = new AtomicLong();
    private final AtomicReference<String> deadLettered = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param storage      the log, opened; the {@code Wal} closes it
     * @param logDirectory the file log's directory, deleted on shut-down, or null for another log
     * @param outage       whether the target may wait {@link #OUTAGE_ALLOWANCE} for a connection and
     *                     an apply call, so that the gate can be shut now or later
     * @param shutNow      whether the gate is shut before the {@code Wal} starts
     */
    private Pipeline(HikariDataSource pool, GatedDataSource gate, WalStorage storage, ConfigSources settings,
                     @Nullable Path logDirectory, boolean outage, boolean shutNow) {
        this.pool = pool;
        this.gate = gate;
        this.logDirectory = logDirectory;
        TransactionAwareDataSource dataSource = TransactionAwareDataSource.wrap(gate);
        JdbcSyncTarget.Builder target = JdbcSyncTarget.builder(TARGET, dataSource);
        WalConfig.Builder config = WalConfig.builder().load(settings);
        if (outage) {
            target.connectionTimeout(OUTAGE_ALLOWANCE);
            config.targetCallTimeout(OUTAGE_ALLOWANCE);
        }
        JdbcSyncTarget syncTarget = target.build();
        syncTarget.createSchema(); // the bookkeeping tables, while the database is still reachable
        if (shutNow) {
            gate.shut();
        }
        this.wal = Wal.builder(storage).config(config.build()).target(syncTarget).build();
        wal.addListener(event -> {
            if (event instanceof EntryApplied) {
                lastAppliedNanos.set(System.nanoTime());
                applied.incrementAndGet();
            } else if (event instanceof EntryDeadLettered dead) {
                deadLettered.compareAndSet(null, "entry " + dead.entry().seq() + " was dead-lettered after "
                        + dead.attempts() + " attempts: " + dead.reason());
            }
        });
        this.repository = DurableRepository.builder(TradingDao.class)
                .target(syncTarget, new JdbcTradingDao(dataSource)).build(wal);
        wal.start();
    }

    /**
     * Builds and starts a pipeline to {@code database}.
     *
     * @param poolSize  connections of the target's pool
     * @param settings  {@code wal.*} settings of the {@code Wal} and its file log
     * @param reachable whether the database is reachable from the start; if not, the target gets no
     *                  connection until {@link #databaseBack()} (and the first batch waits for it)
     * @throws IllegalArgumentException naming a setting that is unknown, malformed or out of range
     */
    static Pipeline start(DataSource database, int poolSize, ConfigSources settings, boolean reachable) {
        HikariDataSource pool = pool(database, poolSize, "e2e-target");
        Path logDirectory = BenchDirectories.create("e2e-log");
        try {
            return new Pipeline(pool, new GatedDataSource(pool), FileWalStorage.open(
                    FileStorageConfig.builder(logDirectory).load(settings).build()), settings, logDirectory,
                    !reachable, !reachable);
        } catch (RuntimeException e) {
            pool.close();
            BenchDirectories.deleteRecursively(logDirectory);
            throw e;
        }
    }

    /**
     * Builds and starts a pipeline on {@code storage} (for example one instance's
     * {@code SharedKafkaWalStorage}) to {@code database}, reachable now; {@link #databaseDown()}
     * makes the target wait for a connection (up to {@link #OUTAGE_ALLOWANCE}) until
     * {@link #databaseBack()}.
     *
     * @param storage  the log, opened; closed with the pipeline, or now if the pipeline cannot start
     * @param poolSize connections of the target's pool
     * @param settings {@code wal.*} settings of the {@code Wal}
     * @param poolName the name of the target's pool (its threads are named after it)
     * @throws IllegalArgumentException naming a setting that is unknown, malformed or out of range
     */
    static Pipeline startOn(WalStorage storage, DataSource database, int poolSize, ConfigSources settings,
                            String poolName) {
        HikariDataSource pool = pool(database, poolSize, poolName);
        try {
            return new Pipeline(pool, new GatedDataSource(pool), storage, settings, null, true, false);
        } catch (RuntimeException e) {
            pool.close();
            storage.close();
            throw e;
        }
    }

    /** A HikariCP pool of {@code size} connections to {@code database}, all opened now. */
    static HikariDataSource pool(DataSource database, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(database);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    /** The application's DAO, through the log. */
    TradingDao repository() {
        return repository;
    }

    Wal wal() {
        return wal;
    }

    /**
     * The database is unreachable from now on: the target's next connections wait at the gate (a
     * pipeline built by {@link #startOn}, or by {@link #start} not reachable, waits up to
     * {@link #OUTAGE_ALLOWANCE}).
     */
    void databaseDown() {
        gate.shut();
    }

    /** The database is reachable again: the target's waiting and later connections go through. */
    void databaseBack() {
        gate.open();
    }

    /** {@link System#nanoTime()} when this pipeline's target last applied an entry (0 before the first). */
    long lastAppliedNanos() {
        return lastAppliedNanos.get();
    }

    /** Entries the target has applied since the start. */
    long appliedEntries() {
        return applied.get();
    }

    /**
     * Waits until the target has applied {@code entries} entries since the start.
     *
     * @return {@link System#nanoTime()} when the last of them was applied
     * @throws IllegalStateException if an entry was dead-lettered, or not all were applied within
     *                               {@code timeout}
     */
    long awaitApplied(long entries, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (applied.get() < entries) {
            if (deadLettered.get() != null) {
                throw new IllegalStateException("Target '" + TARGET + "': " + deadLettered.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Target '" + TARGET + "' applied " + applied.get() + " of " + entries
                        + " entries within " + timeout);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + entries + " entries to be applied", e);
            }
        }
        if (deadLettered.get() != null) {
            throw new IllegalStateException("Target '" + TARGET + "': " + deadLettered.get());
        }
        return lastAppliedNanos.get();
    }

    /** The target's figures since the start. */
    TargetStats targetStats() {
        return wal.stats().targets().get(TARGET);
    }

    /** {@link #shutDown()}. */
    @Override
    public void close() {
        shutDown();
    }

    /**
     * Stops the {@code Wal} (its workers finish what they hold), closes the pool and deletes the
     * log; a second call does nothing. A workload shuts the pipeline down before it checks the
     * database, so that nothing is applied while it counts.
     */
    void shutDown() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            gate.open();
            wal.close();
        } finally {
            pool.close();
            if (logDirectory != null) {
                BenchDirectories.deleteRecursively(logDirectory);
            }
        }
    }
}
