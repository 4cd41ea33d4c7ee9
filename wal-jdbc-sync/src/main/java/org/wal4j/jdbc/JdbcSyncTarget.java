package org.wal4j.jdbc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wal4j.PartitionFencedException;
import org.wal4j.WalConfig;
import org.wal4j.WalEntry;
import org.wal4j.spi.ApplyResult.FailureKind;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.Instrumentation;
import org.wal4j.spi.Names;
import org.wal4j.spi.SyncTarget;
import org.wal4j.spi.TargetHealth;

/**
 * A {@link SyncTarget} that applies entries to a relational database over JDBC, each batch in
 * one transaction, with an exactly-once effect.
 *
 * <h2>What one batch does</h2>
 * In one transaction, for each entry in order: insert its {@link WalEntry#idempotencyKey()
 * idempotency key} into the applied-keys table ({@value #DEFAULT_APPLIED_KEYS_TABLE}, keyed by
 * target name and key) unless it is there, and if it was new apply the entry through the
 * {@link EntryApplier} registered for its operation; commit. An entry whose key is already there
 * is skipped and counts as applied, so a redelivered entry (after a crash, a lost status record,
 * a replay) changes nothing. The keys go as one JDBC batch, and SQL-statement entries as few JDBC
 * batches as their lanes allow (see {@link BatchTransaction}).
 *
 * <p>If an entry fails, the transaction rolls back and the result names that entry's index, says
 * that the entries before it were rolled back too, and carries the SQLSTATE, vendor code and
 * message; {@link SqlStateClassifier} decides whether it is retryable. A failure of the
 * connection or of the bookkeeping is retryable and reported at index 0.
 *
 * <h2>Built in</h2>
 * {@link SqlStatementEntry} entries (operation {@value SqlStatementEntry#OPERATION}). Register
 * an applier for each other operation with {@link Builder#applier}.
 *
 * <h2>Schema</h2>
 * Created on first use with {@code CREATE TABLE IF NOT EXISTS} (safe when processes race), or,
 * with {@link Builder#createSchema(boolean) createSchema(false)}, expected to exist: the DDL per
 * dialect ships as {@link SqlDialect#ddlResource()}. The dialect is detected from the
 * connection's metadata unless named.
 *
 * <h2>Purge</h2>
 * The applied-keys table would grow with every entry. Keys older than
 * {@link Builder#appliedKeysRetention} are deleted, a bounded number at a time
 * ({@link Builder#purgeBatchSize}), after a committed batch once per {@link Builder#purgeInterval},
 * or on demand with {@link #purgeAppliedKeys()}. So the exactly-once effect is promised within
 * that retention: an entry delivered again after its key was purged is applied again.
 *
 * <h2>Bounded in time</h2>
 * A database that stops answering blocks JDBC calls in socket reads. So the target waits at
 * most {@link Builder#connectionTimeout} for a connection, sets {@link Builder#networkTimeout} on
 * every connection it uses ({@link Connection#setNetworkTimeout}), gives each statement it runs
 * {@link Builder#queryTimeout}, and {@link #probe()} answers within {@link Builder#probeTimeout}:
 * a hung database fails a batch as retryable with the target's own error, before the engine's
 * watchdog ({@link WalConfig#targetCallTimeout()}) has to abandon the call.
 *
 * <p>The target's name keys its rows in the bookkeeping tables: two targets writing to one database need
 * different names, and a target must keep its name across restarts.
 *
 * <h2>Concurrent batches</h2>
 * {@link #concurrentApply()} is true: the engine may call {@link #apply} for several apply
 * partitions at once, and each call takes a connection of its own from the data source and
 * applies in a transaction of its own, so a pool must hold a connection per partition in flight
 * (plus what the application needs). Concurrent transactions share no row of the bookkeeping
 * tables: each writes only its entries' keys (lanes, and so keys, of distinct partitions are
 * disjoint), and the checkpoint ({@value #DEFAULT_CHECKPOINT_TABLE}) is not written per batch but
 * read from the keys ({@link #checkpoint()}, {@link CheckpointRow}), so that no row lock
 * serializes their commits. What the calls share in memory is thread-safe: the schema is prepared
 * once, under a lock, by the first call; the appliers are fixed once the first call started; the
 * purge runs one step at a time. A DAO called through a {@link TransactionAwareDataSource} gets the
 * transaction of the call on its own thread.
 *
 * <h2>A log shared by several instances: fencing</h2>
 * When several application instances share one log, each apply partition is applied by one
 * instance at a time, and the engine announces it with {@link #claimPartition} and
 * {@link #releasePartition}. The target then keeps an epoch per (target name, partition) in the
 * partition-owners table ({@value #DEFAULT_PARTITION_OWNERS_TABLE}, {@link Builder#partitionOwnersTable}):
 * a claim raises it and records who claimed ({@link Builder#instanceName}), and every batch
 * starts its transaction by locking its partition's row ({@code SELECT ... FOR UPDATE}) and
 * checking the epoch. An instance that lost the partition (paused, say, while another one claimed
 * it) gets {@link PartitionFencedException} for its batch, which wrote nothing: no effect, no
 * applied key, no rejected call. The row lock orders a claim after a batch of the old owner that
 * is under way: the claim waits for that transaction to end. An old owner paused inside its
 * transaction therefore holds the claim back until the database ends its session: on PostgreSQL
 * set {@code idle_in_transaction_session_timeout} (on MySQL and MariaDB {@code wait_timeout}
 * ends an idle session) to bound that; meanwhile the claim fails at {@link Builder#queryTimeout}
 * (or the database's lock timeout) and the engine tries again. See {@link PartitionFence}.
 * A target that never had a partition claimed (one instance, the default) issues no statement
 * for any of this.
 *
 * <p>Thread-safe: batches may be applied concurrently (each on its own connection), and
 * {@link #probe()} may run at any time; claims and releases may run on another thread than the
 * batches.
 */
public final class JdbcSyncTarget implements SyncTarget {
    /** Default name of the applied-keys table. */
    public static final String DEFAULT_APPLIED_KEYS_TABLE = SqlDialect.DDL_APPLIED_KEYS_TABLE;
    /** Default name of the checkpoint table. */
    public static final String DEFAULT_CHECKPOINT_TABLE = SqlDialect.DDL_CHECKPOINT_TABLE;
    /** Default name of the partition-owners table (used only by a log shared by several instances). */
    public static final String DEFAULT_PARTITION_OWNERS_TABLE = SqlDialect.DDL_PARTITION_OWNERS_TABLE;
    /** Longest {@link Builder#instanceName}: the {@code owner} column's size. */
    public static final int MAX_INSTANCE_NAME = 255;
    /** By default the tables are created when missing. */
    public static final boolean DEFAULT_CREATE_SCHEMA = true;
    /** Default timeout of each statement the target runs itself (bookkeeping and SQL-statement entries). */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);
    /** Default timeout of {@link #probe()}: opening a connection and its validity check. */
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@link Builder#connectionTimeout}: as HikariCP's {@code connectionTimeout}. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
    /** Shortest {@link Builder#connectionTimeout}. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(100);
    /** Longest {@link Builder#connectionTimeout}. */
    public static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofHours(1);
    /**
     * Default of {@link Builder#networkTimeout}: longer than {@link #DEFAULT_QUERY_TIMEOUT}, so a slow
     * statement is cancelled by its query timeout first, and with {@link #DEFAULT_CONNECTION_TIMEOUT}
     * shorter than the engine's {@link WalConfig#DEFAULT_TARGET_CALL_TIMEOUT}.
     */
    public static final Duration DEFAULT_NETWORK_TIMEOUT = Duration.ofSeconds(60);
    /** Shortest {@link Builder#networkTimeout} other than {@link Duration#ZERO} (none). */
    public static final Duration MIN_NETWORK_TIMEOUT = Duration.ofMillis(100);
    /** Longest {@link Builder#networkTimeout}: {@code Connection.setNetworkTimeout} takes an int of milliseconds. */
    public static final Duration MAX_NETWORK_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);
    /**
     * Default of {@link Builder#appliedKeysRetention} before the target is added to a {@code Wal};
     * once added, an unset retention follows the {@code Wal}'s {@link WalConfig#retention()}.
     */
    public static final Duration DEFAULT_APPLIED_KEYS_RETENTION = WalConfig.DEFAULT_RETENTION;
    /** Shortest {@link Builder#appliedKeysRetention}. */
    public static final Duration MIN_APPLIED_KEYS_RETENTION = WalConfig.MIN_RETENTION;
    /** Longest {@link Builder#appliedKeysRetention}. */
    public static final Duration MAX_APPLIED_KEYS_RETENTION = WalConfig.MAX_RETENTION;
    /** Default of {@link Builder#purgeInterval}: as often as the {@code Wal} compacts by default. */
    public static final Duration DEFAULT_PURGE_INTERVAL = WalConfig.DEFAULT_COMPACTION_INTERVAL;
    /** Longest {@link Builder#purgeInterval}. */
    public static final Duration MAX_PURGE_INTERVAL = Duration.ofDays(1);
    /** Default of {@link Builder#purgeBatchSize}. */
    public static final int DEFAULT_PURGE_BATCH_SIZE = 1000;
    /** Largest {@link Builder#purgeBatchSize}. */
    public static final int MAX_PURGE_BATCH_SIZE = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncTarget.class);

    private final String name;
    private final TransactionAwareDataSource dataSource;
    private final SqlDialect configuredDialect;
    private final String appliedKeysTable;
    private final String checkpointTable;
    private final String partitionOwnersTable;
    private final PartitionFence fence;
    private final boolean createSchema;
    private final int queryTimeoutSeconds;
    private final int probeTimeoutSeconds;
    private final Duration probeTimeout;
    private final BoundedConnections connections;
    private final SqlStateClassifier classifier;
    private final Map<String, EntryApplier> appliers;
    /** Calls of {@link #apply} under way now, on any thread (a hung one included). */
    private final AtomicInteger appliesInProgress = new AtomicInteger();
    /** Set by the first {@link #apply}: from then on the appliers are fixed. */
    private volatile boolean applying;
    private final CheckpointRow checkpointRow;
    /** Set in code, or null: then {@link #walRetention} is used. */
    private final Duration appliedKeysRetention;
    /** The retention of the Wal this target was attached to; the default until then. */
    private volatile Duration walRetention = DEFAULT_APPLIED_KEYS_RETENTION;
    /** The Wal's instrumentation, once attached; every apply observes its entries with it. */
    private volatile Instrumentation instrumentation = Instrumentation.NONE;
    private final Duration purgeInterval;
    private final int purgeBatchSize;
    private final Object prepareLock = new Object();
    /** The applied-keys ledger (and with it the dialect) once the schema is ready; null before. Written under prepareLock. */
    private volatile AppliedKeyLedger ledger;
    private volatile SqlDialect preparedDialect;
    /** The purge of old applied keys once the schema is ready; null before. Written under prepareLock. */
    private volatile AppliedKeyPurge purge;

    private JdbcSyncTarget(Builder b) {
        this.name = b.name;
        this.dataSource = b.dataSource;
        this.configuredDialect = b.dialect;
        this.appliedKeysTable = b.appliedKeysTable;
        this.checkpointTable = b.checkpointTable;
        this.partitionOwnersTable = b.partitionOwnersTable;
        this.createSchema = b.createSchema;
        this.queryTimeoutSeconds = (int) b.queryTimeout.toSeconds();
        this.probeTimeoutSeconds = (int) b.probeTimeout.toSeconds();
        this.probeTimeout = b.probeTimeout;
        this.fence = new PartitionFence(name, partitionOwnersTable,
                b.instanceName != null ? b.instanceName : defaultInstanceName(), queryTimeoutSeconds);
        this.connections = new BoundedConnections(name, dataSource.targetDataSource(), b.connectionTimeout,
                b.networkTimeout);
        this.classifier = b.classifier;
        this.appliers = new ConcurrentHashMap<>();
        this.appliers.put(SqlStatementEntry.OPERATION, new SqlStatementApplier(queryTimeoutSeconds));
        this.appliers.putAll(b.appliers);
        this.checkpointRow = new CheckpointRow(checkpointTable, appliedKeysTable, name, queryTimeoutSeconds);
        this.appliedKeysRetention = b.appliedKeysRetention;
        this.purgeInterval = b.purgeInterval;
        this.purgeBatchSize = b.purgeBatchSize;
    }

    /**
     * Starts a target.
     *
     * @param name       the target's name, matching {@value Names#TARGET_RULE}; keys its rows in
     *                   the bookkeeping tables
     * @param dataSource where to apply; if it is a {@link TransactionAwareDataSource}, DAOs using
     *                   it take part in the apply transactions
     */
    public static Builder builder(String name, DataSource dataSource) {
        return new Builder(name, dataSource);
    }

    /**
     * Applies {@code batch} in one transaction; see the class description.
     *
     * @throws JdbcTargetException when the commit of more than one entry fails permanently
     *                             (nothing was applied; the engine splits the batch)
     */
    @Override
    public ApplyResult apply(List<WalEntry> batch) {
        appliesInProgress.incrementAndGet();
        try {
            return applyCounted(batch);
        } finally {
            appliesInProgress.decrementAndGet();
        }
    }

    /**
     * How many calls of {@link #apply} are under way now: a call the {@code Wal} stopped waiting
     * for (its stop timed out, or it abandoned the call at its {@code targetCallTimeout}) stays
     * counted until it returns. {@link DurableRepository#rebind} refuses while one is.
     */
    int appliesInProgress() {
        return appliesInProgress.get();
    }

    private ApplyResult applyCounted(List<WalEntry> batch) {
        applying = true;
        Objects.requireNonNull(batch, "batch must not be null");
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("batch must not be empty");
        }
        BoundedConnections.OpenConnection open;
        try {
            open = connections.open();
        } catch (SQLException e) {
            return unavailable(batch, "cannot get a connection", e);
        }
        Connection connection = open.connection();
        try {
            boolean autoCommit;
            try {
                autoCommit = connection.getAutoCommit();
                if (autoCommit) {
                    connection.setAutoCommit(false);
                }
            } catch (SQLException e) {
                return unavailable(batch, "cannot start a transaction", e);
            }
            try {
                String notReady;
                try {
                    notReady = prepare(connection);
                } catch (SQLException e) {
                    return unavailable(batch, "cannot create or check tables " + appliedKeysTable + ", "
                            + checkpointTable + " and " + partitionOwnersTable + " or the checkpoint row", e);
                }
                if (notReady != null) {
                    return ApplyResult.failed(batch.size(), 0, false, FailureKind.RETRYABLE, "target '" + name + "': "
                            + notReady, null);
                }
                ApplyResult result = new BatchTransaction(connection, batch, this, ledger,
                        fence.active() ? fence : null).run();
                if (result.allApplied()) {
                    purge.afterBatch(connection);
                }
                return result;
            } finally {
                if (autoCommit) {
                    restoreAutoCommit(connection);
                }
            }
        } finally {
            connections.release(open);
        }
    }

    /**
     * True once a partition was claimed: the log is shared by several instances, so a call's caller
     * may wait on another instance than the one that applies it ({@link DurableRepository} then
     * keeps every call's outcome with its key, as it does for calls with a request id).
     */
    boolean sharedLog() {
        return fence.active();
    }

    /**
     * Claims apply partition {@code partition} (of {@code partitions}) for this instance, in a
     * transaction of its own: creates the partition's row in the partition-owners table if it has
     * none, raises its epoch, records this instance ({@link Builder#instanceName}) as owner and
     * commits; from then on this instance's batches of the partition are applied only while the
     * row keeps that epoch, and another instance's batches of it are fenced (see the class
     * description). The first claim turns fencing on: batches of partitions this instance has not
     * claimed are fenced from then on. Waits while another transaction holds the row (an earlier
     * owner's batch under way, which ends first), at most {@link Builder#queryTimeout}.
     *
     * @throws IllegalArgumentException if {@code partitions} is not between 1 and
     *                                  {@link org.wal4j.spi.ApplyPartitions#MAX}, {@code partition}
     *                                  not below it, or an earlier claim gave another partition count
     * @throws JdbcTargetException      if the claim was not recorded (the engine tries again later)
     */
    @Override
    public void claimPartition(int partition, int partitions) {
        fence.claimed(partition, partitions);
        long epoch = onPreparedConnection(connection -> fence.claim(connection, partition),
                "cannot claim partition " + partition + " of " + partitions + " in table " + partitionOwnersTable);
        LOG.info("JDBC sync target '{}': partition {} of {} claimed by '{}' at epoch {}", name, partition, partitions,
                fence.owner(), epoch);
    }

    /**
     * Forgets this instance's claim of {@code partition}: its later batches of the partition are
     * fenced (until it claims it again). Writes nothing to the database: the next claim, by
     * whichever instance, raises the epoch.
     */
    @Override
    public void releasePartition(int partition) {
        fence.release(partition);
    }

    /**
     * Gets a connection and checks it with {@link Connection#isValid(int)}, and answers within the
     * probe timeout whatever the database does: a probe that got no answer by then (a stopped
     * server, a pool waiting for a connection) is DOWN, and its connection is released when it
     * returns.
     */
    @Override
    public TargetHealth probe() {
        long start = System.nanoTime();
        try {
            boolean valid = connections.check(probeTimeout, "probe (getConnection and isValid)",
                    connection -> connection.isValid(probeTimeoutSeconds));
            if (valid) {
                return new TargetHealth(TargetHealth.State.UP, "connection valid in "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            }
            return TargetHealth.down("target '" + name + "': connection not valid within " + probeTimeoutSeconds + " s");
        } catch (SQLException e) {
            return TargetHealth.down("target '" + name + "': " + SqlFailures.describe(e));
        }
    }

    /** The target's name, as given to {@link #builder}. */
    @Override
    public String name() {
        return name;
    }

    /** The data source DAOs should use so that their SQL joins the apply transaction. */
    public TransactionAwareDataSource transactionAwareDataSource() {
        return dataSource;
    }

    /**
     * The dialect in use: as named, or detected on a connection.
     *
     * @throws JdbcTargetException if the database cannot be reached or has no dialect
     */
    public SqlDialect dialect() {
        SqlDialect dialect = preparedDialect != null ? preparedDialect : configuredDialect;
        if (dialect != null) {
            return dialect;
        }
        try {
            BoundedConnections.OpenConnection open = connections.open();
            try {
                return SqlDialect.detect(open.connection().getMetaData());
            } finally {
                connections.release(open);
            }
        } catch (SQLException | IllegalArgumentException e) {
            throw new JdbcTargetException(name, "cannot detect the SQL dialect: " + SqlFailures.describe(e), e);
        }
    }

    /**
     * Creates the bookkeeping tables now if missing (or, with {@code createSchema(false)}, checks
     * they exist) and this target's checkpoint row; otherwise the first batch does it.
     *
     * @throws JdbcTargetException naming the table and the SQL error
     */
    public void createSchema() {
        onPreparedConnection(connection -> null, "cannot create the schema (tables " + appliedKeysTable + ", "
                + checkpointTable + ", " + partitionOwnersTable + ")");
    }

    /**
     * This target's checkpoint as stored in the database: the highest seq it has applied, or
     * empty if it has applied nothing yet. Read in one statement from the applied keys (every
     * transaction writes its entries' keys) and the checkpoint row (where the purge keeps the seq
     * of the keys it deletes): it never moves back. It reads all of the target's keys, so it costs
     * more as the table grows; meant for reports and tools, not for every batch.
     *
     * @throws JdbcTargetException naming the table and the SQL error
     */
    public OptionalLong checkpoint() {
        try {
            BoundedConnections.OpenConnection open = connections.open();
            try {
                OptionalLong seq = checkpointRow.highestApplied(open.connection());
                return seq.isPresent() && seq.getAsLong() == 0 ? OptionalLong.empty() : seq;
            } finally {
                connections.release(open);
            }
        } catch (SQLException e) {
            throw new JdbcTargetException(name, "cannot read the checkpoint from tables " + checkpointTable + " and "
                    + appliedKeysTable + ": "
                    + SqlFailures.describe(e), e);
        }
    }

    /**
     * Deletes this target's applied keys older than {@link Builder#appliedKeysRetention} now, in
     * transactions of at most {@link Builder#purgeBatchSize} rows (the target also does this on
     * its own, one batch per {@link Builder#purgeInterval}). An entry whose key was purged and that
     * is delivered again is applied again: idempotency holds within the retention. The verdicts
     * of rejected calls kept for retries of request ids older than the same retention go too.
     *
     * @return how many keys were deleted
     * @throws JdbcTargetException naming the table and the SQL error
     */
    public long purgeAppliedKeys() {
        return onPreparedConnection(connection -> {
            long total = 0;
            AppliedKeyPurge.Step deleted;
            do {
                deleted = purge.step(connection);
                total += deleted.keys();
            } while (deleted.full());
            return total;
        }, "cannot purge applied keys older than " + appliedKeysRetention() + " from table " + appliedKeysTable);
    }

    /**
     * How long applied keys are kept: {@link Builder#appliedKeysRetention} if set, else the
     * retention of the {@code Wal} this target was added to.
     */
    public Duration appliedKeysRetention() {
        return appliedKeysRetention != null ? appliedKeysRetention : walRetention;
    }

    /** Follows the {@code Wal}'s retention, unless {@link Builder#appliedKeysRetention} was set. */
    @Override
    public void attach(WalConfig walConfig) {
        walRetention = walConfig.retention();
    }

    /**
     * Keeps {@code instrumentation}: each entry's applier runs in an
     * {@link Instrumentation#applyEntry} scope, a batch of SQL statements in an
     * {@link Instrumentation#applyBatch} scope, inside the apply transaction.
     */
    @Override
    public boolean observeEntries(Instrumentation instrumentation) {
        this.instrumentation = Objects.requireNonNull(instrumentation, "instrumentation must not be null");
        return true;
    }

    Instrumentation instrumentation() {
        return instrumentation;
    }

    @Override
    public String toString() {
        return "JdbcSyncTarget{name=" + name + ", dialect=" + (preparedDialect != null ? preparedDialect : configuredDialect)
                + ", appliedKeysTable=" + appliedKeysTable + ", checkpointTable=" + checkpointTable
                + ", partitionOwnersTable=" + partitionOwnersTable
                + ", operations=" + registeredOperations() + '}';
    }

    /**
     * Registers the applier of {@code operation} before the target applies its first batch; used
     * by {@link DurableRepository.Builder#build}, which learns its operations after the target
     * was built. Refused once the target applies: an entry of that operation could already have
     * been failed for want of it.
     *
     * @throws IllegalStateException if the target has applied a batch
     */
    void registerApplier(String operation, EntryApplier applier) {
        if (applying) {
            throw new IllegalStateException("target '" + name + "' applies entries already: an applier for operation '"
                    + operation + "' must be registered before the Wal starts");
        }
        appliers.put(Names.requireOperation(operation), Objects.requireNonNull(applier, "applier must not be null"));
    }

    /**
     * Stores a call's outcome with {@code entry}'s applied key, in the apply transaction of
     * {@code connection} (a DAO call with a request id; see {@link CallOutcomes}).
     */
    void recordCallOutcome(Connection connection, WalEntry entry, String outcome) throws SQLException {
        AppliedKeyLedger prepared = ledger;
        if (prepared == null) {
            throw new IllegalStateException("target '" + name + "' records a call outcome before its schema is ready");
        }
        prepared.recordOutcome(connection, entry, outcome);
    }

    /**
     * The applied-keys row of {@code idempotencyKey}, read on a connection of its own; null if this
     * target has not applied the key (or its key was purged).
     *
     * @throws JdbcTargetException if the database cannot answer
     */
    AppliedKeyLedger.KeyRow appliedKey(String idempotencyKey) {
        return onPreparedConnection(connection -> ledger.row(connection, idempotencyKey),
                "cannot read the applied key '" + Names.abbreviate(idempotencyKey) + "' from table " + appliedKeysTable);
    }

    /**
     * The stored verdict of a rejected call with {@code idempotencyKey} (see {@link CallOutcomes}),
     * read on a connection of its own; null if this target stored none (the call had no request id,
     * it was rejected by a version that did not store verdicts, or the row was purged).
     *
     * @throws JdbcTargetException if the database cannot answer
     */
    String rejectedCall(String idempotencyKey) {
        return onPreparedConnection(connection -> ledger.rejection(connection, idempotencyKey),
                "cannot read the rejected call '" + Names.abbreviate(idempotencyKey) + "' from table "
                        + SqlDialect.rejectedCallsTable(appliedKeysTable));
    }

    EntryApplier applierFor(String operation) {
        return appliers.get(operation);
    }

    String registeredOperations() {
        return new TreeSet<>(appliers.keySet()).toString();
    }

    SqlStateClassifier classifier() {
        return classifier;
    }

    /** Timeout of each statement (or JDBC batch) the target runs itself, in seconds; 0 for none. */
    int queryTimeoutSeconds() {
        return queryTimeoutSeconds;
    }

    /**
     * Makes sure the dialect is known and the schema and checkpoint row exist, once per target.
     *
     * @return null when ready, otherwise why not (a missing table when the target may not create it)
     */
    private String prepare(Connection connection) throws SQLException {
        if (ledger != null) {
            return null;
        }
        synchronized (prepareLock) {
            if (ledger != null) {
                return null;
            }
            SqlDialect dialect;
            try {
                dialect = configuredDialect != null ? configuredDialect : SqlDialect.detect(connection.getMetaData());
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            BookkeepingSchema schema = new BookkeepingSchema(dialect, appliedKeysTable, checkpointTable,
                    partitionOwnersTable, queryTimeoutSeconds);
            if (createSchema) {
                schema.create(connection);
            } else {
                String missing = schema.missingTable(connection);
                if (missing != null) {
                    return missing;
                }
            }
            checkpointRow.ensureExists(connection);
            preparedDialect = dialect;
            purge = new AppliedKeyPurge(dialect, appliedKeysTable, checkpointRow, name, appliedKeysRetention(),
                    purgeInterval, purgeBatchSize, queryTimeoutSeconds);
            ledger = new AppliedKeyLedger(dialect, appliedKeysTable, name, queryTimeoutSeconds);
            LOG.info("JDBC sync target '{}' ready: dialect {}, tables {} and {}", name, dialect, appliedKeysTable,
                    checkpointTable);
            return null;
        }
    }

    /** Work on a connection of this target, with auto-commit off, once the schema is ready. */
    @FunctionalInterface
    private interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on a fresh connection (auto-commit off, restored after) once the schema
     * is ready.
     *
     * @throws JdbcTargetException with {@code failure} and the SQL error, or why the schema is not ready
     */
    private <T> T onPreparedConnection(ConnectionWork<T> work, String failure) {
        try {
            BoundedConnections.OpenConnection open = connections.open();
            Connection connection = open.connection();
            try {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    String notReady = prepare(connection);
                    if (notReady != null) {
                        throw new JdbcTargetException(name, notReady, null);
                    }
                    return work.run(connection);
                } finally {
                    if (autoCommit) {
                        restoreAutoCommit(connection);
                    }
                }
            } finally {
                connections.release(open);
            }
        } catch (SQLException e) {
            throw new JdbcTargetException(name, failure + ": " + SqlFailures.describe(e), e);
        }
    }

    private ApplyResult unavailable(List<WalEntry> batch, String what, SQLException e) {
        return ApplyResult.failed(batch.size(), 0, false, FailureKind.RETRYABLE, "target '" + name + "': " + what
                + "; nothing was applied: " + SqlFailures.describe(e), e);
    }

    /** {@code pid@host} of this process; the host as {@code unknown-host} if it has no name. */
    private static String defaultInstanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String instance = ProcessHandle.current().pid() + "@" + host;
        return instance.length() > MAX_INSTANCE_NAME ? instance.substring(0, MAX_INSTANCE_NAME) : instance;
    }

    private void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.debug("target '{}': could not restore auto-commit on a connection: {}", name, SqlFailures.describe(e));
        }
    }

    /**
     * Configures a {@link JdbcSyncTarget}. Each setter validates its argument at once and throws
     * {@link IllegalArgumentException} naming the setting and the value. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private final TransactionAwareDataSource dataSource;
        private SqlDialect dialect;
        private String appliedKeysTable = DEFAULT_APPLIED_KEYS_TABLE;
        private String checkpointTable = DEFAULT_CHECKPOINT_TABLE;
        private String partitionOwnersTable = DEFAULT_PARTITION_OWNERS_TABLE;
        private String instanceName;
        private boolean createSchema = DEFAULT_CREATE_SCHEMA;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration networkTimeout = DEFAULT_NETWORK_TIMEOUT;
        private SqlStateClassifier classifier = SqlStateClassifier.ofDefaults();
        private Duration appliedKeysRetention;
        private Duration purgeInterval = DEFAULT_PURGE_INTERVAL;
        private int purgeBatchSize = DEFAULT_PURGE_BATCH_SIZE;
        private final Map<String, EntryApplier> appliers = new ConcurrentHashMap<>();

        private Builder(String name, DataSource dataSource) {
            this.name = Names.requireTarget(name);
            this.dataSource = TransactionAwareDataSource.wrap(Objects.requireNonNull(dataSource,
                    "dataSource must not be null"));
        }

        /** The SQL dialect; default: detected from the first connection's metadata. */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect must not be null");
            return this;
        }

        /**
         * The applied-keys table: an unquoted identifier, optionally schema-qualified
         * ({@code [schema.]table}, each {@code [A-Za-z_][A-Za-z0-9_]*}, at most 63 characters).
         * Default {@link #DEFAULT_APPLIED_KEYS_TABLE}. The rejected-calls table (the verdicts of
         * rejected {@link DurableRepository} calls with a request id) is named after it, with
         * {@code _rejected} appended, in the same schema.
         */
        public Builder appliedKeysTable(String table) {
            this.appliedKeysTable = SqlIdentifiers.table("appliedKeysTable", table);
            return this;
        }

        /** The checkpoint table, same rules as {@link #appliedKeysTable}. Default {@link #DEFAULT_CHECKPOINT_TABLE}. */
        public Builder checkpointTable(String table) {
            this.checkpointTable = SqlIdentifiers.table("checkpointTable", table);
            return this;
        }

        /**
         * The partition-owners table (fencing in a log shared by several instances), same rules as
         * {@link #appliedKeysTable}. Default {@link #DEFAULT_PARTITION_OWNERS_TABLE}.
         */
        public Builder partitionOwnersTable(String table) {
            this.partitionOwnersTable = SqlIdentifiers.table("partitionOwnersTable", table);
            return this;
        }

        /**
         * Who this instance is, recorded as the owner of the partitions it claims (for people
         * reading the partition-owners table and fencing messages; fencing itself goes by epoch):
         * not blank, at most {@link #MAX_INSTANCE_NAME} characters. Default: this process's id and
         * host name, {@code pid@host}.
         */
        public Builder instanceName(String instanceName) {
            Objects.requireNonNull(instanceName, "instanceName must not be null");
            if (instanceName.isBlank() || instanceName.length() > MAX_INSTANCE_NAME) {
                throw new IllegalArgumentException("instanceName must be 1 to " + MAX_INSTANCE_NAME
                        + " characters, not blank, but was '" + Names.abbreviate(instanceName) + "' ("
                        + instanceName.length() + " characters)");
            }
            this.instanceName = instanceName;
            return this;
        }

        /**
         * Whether the target creates missing tables ({@code true}) or expects them to exist and
         * reports a missing one with the DDL to run ({@code false}, for schemas managed by a
         * migration tool). Default {@link #DEFAULT_CREATE_SCHEMA}.
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /**
         * Timeout of each statement the target runs itself, in whole seconds; {@link Duration#ZERO}
         * for none. A DAO's own statements keep their own timeouts. Default
         * {@link #DEFAULT_QUERY_TIMEOUT}.
         */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = wholeSeconds("queryTimeout", timeout, 0);
            return this;
        }

        /**
         * How long {@link JdbcSyncTarget#probe()} may take, getting a connection and checking it
         * with {@link Connection#isValid(int)}, in whole seconds, at least 1 s: a probe without an
         * answer by then is DOWN. Default {@link #DEFAULT_PROBE_TIMEOUT}.
         */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = wholeSeconds("probeTimeout", timeout, 1);
            return this;
        }

        /**
         * How long the target waits for the data source's {@code getConnection} before the batch
         * (or {@code checkpoint()}, {@code createSchema()}...) fails as retryable, from
         * {@link #MIN_CONNECTION_TIMEOUT} to {@link #MAX_CONNECTION_TIMEOUT}, whole milliseconds. A
         * pool validating a connection, or a driver in its startup handshake, with a stopped server
         * blocks in a socket read; the target stops waiting at this deadline (the call goes on, on a
         * thread of its own, and a connection it returns late is closed). Keep it with
         * {@link #networkTimeout} below the engine's {@link WalConfig#targetCallTimeout()}. Default
         * {@link #DEFAULT_CONNECTION_TIMEOUT}.
         */
        public Builder connectionTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectionTimeout must not be null");
            if (timeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0 || timeout.compareTo(MAX_CONNECTION_TIMEOUT) > 0
                    || timeout.toNanos() % 1_000_000 != 0) {
                throw new IllegalArgumentException("connectionTimeout must be whole milliseconds between "
                        + MIN_CONNECTION_TIMEOUT + " and " + MAX_CONNECTION_TIMEOUT + " but was " + timeout);
            }
            this.connectionTimeout = timeout;
            return this;
        }

        /**
         * {@link Connection#setNetworkTimeout} of every connection the target uses (for its batches,
         * which includes a DAO's statements during an apply, and its other calls), restored before
         * the connection is closed: any call that waits longer for the database fails, and the
         * connection with it. {@link Duration#ZERO} leaves the driver's own setting; otherwise from
         * {@link #MIN_NETWORK_TIMEOUT} to {@link #MAX_NETWORK_TIMEOUT}, whole milliseconds. Keep it
         * above {@link #queryTimeout} (and above the longest statement of your appliers), so that a
         * slow statement is cancelled rather than its connection cut. A driver that does not
         * support it is used without it (logged once). Default {@link #DEFAULT_NETWORK_TIMEOUT}.
         */
        public Builder networkTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "networkTimeout must not be null");
            if (!timeout.isZero() && (timeout.compareTo(MIN_NETWORK_TIMEOUT) < 0
                    || timeout.compareTo(MAX_NETWORK_TIMEOUT) > 0 || timeout.toNanos() % 1_000_000 != 0)) {
                throw new IllegalArgumentException("networkTimeout must be " + Duration.ZERO
                        + " (none) or whole milliseconds between " + MIN_NETWORK_TIMEOUT + " and "
                        + MAX_NETWORK_TIMEOUT + " but was " + timeout);
            }
            this.networkTimeout = timeout;
            return this;
        }

        /**
         * How long an applied key is kept, from {@link #MIN_APPLIED_KEYS_RETENTION} to
         * {@link #MAX_APPLIED_KEYS_RETENTION}, counted in whole seconds of the database's clock
         * from when its entry was applied. Older keys are purged, and an entry delivered again
         * after its key was purged is applied again: the exactly-once effect holds within this
         * window. Keep it at least the {@code Wal}'s {@link WalConfig#retention()} (how long the log
         * keeps finished entries); {@link DurableRepository.Builder#build} refuses a shorter one. Default:
         * not set, the retention of the {@code Wal} the target is added to.
         */
        public Builder appliedKeysRetention(Duration retention) {
            Objects.requireNonNull(retention, "appliedKeysRetention must not be null");
            if (retention.compareTo(MIN_APPLIED_KEYS_RETENTION) < 0 || retention.compareTo(MAX_APPLIED_KEYS_RETENTION) > 0) {
                throw new IllegalArgumentException("appliedKeysRetention must be between " + MIN_APPLIED_KEYS_RETENTION
                        + " and " + MAX_APPLIED_KEYS_RETENTION + " but was " + retention);
            }
            this.appliedKeysRetention = retention;
            return this;
        }

        /**
         * How often the target purges expired applied keys on its own, one bounded delete after a
         * committed batch (at once again while the previous one was full), from
         * {@link Duration#ZERO} (never: call {@link JdbcSyncTarget#purgeAppliedKeys()} yourself) to
         * {@link #MAX_PURGE_INTERVAL}. Default {@link #DEFAULT_PURGE_INTERVAL}.
         */
        public Builder purgeInterval(Duration interval) {
            Objects.requireNonNull(interval, "purgeInterval must not be null");
            if (interval.isNegative() || interval.compareTo(MAX_PURGE_INTERVAL) > 0) {
                throw new IllegalArgumentException("purgeInterval must be between " + Duration.ZERO + " and "
                        + MAX_PURGE_INTERVAL + " but was " + interval);
            }
            this.purgeInterval = interval;
            return this;
        }

        /**
         * Most keys one purge transaction deletes, from 1 to {@link #MAX_PURGE_BATCH_SIZE}: bounds
         * how long a purge holds its locks and delays the next batch. Default
         * {@link #DEFAULT_PURGE_BATCH_SIZE}.
         */
        public Builder purgeBatchSize(int rows) {
            if (rows < 1 || rows > MAX_PURGE_BATCH_SIZE) {
                throw new IllegalArgumentException("purgeBatchSize must be between 1 and " + MAX_PURGE_BATCH_SIZE
                        + " but was " + rows);
            }
            this.purgeBatchSize = rows;
            return this;
        }

        /** Decides retryable versus permanent failures. Default {@link SqlStateClassifier#ofDefaults()}. */
        public Builder classifier(SqlStateClassifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier must not be null");
            return this;
        }

        /**
         * Registers the applier of entries with {@code operation}; replaces an earlier one,
         * including the built-in {@value SqlStatementEntry#OPERATION}.
         */
        public Builder applier(String operation, EntryApplier applier) {
            appliers.put(Names.requireOperation(operation), Objects.requireNonNull(applier, "applier must not be null"));
            return this;
        }

        public JdbcSyncTarget build() {
            return new JdbcSyncTarget(this);
        }

        private static Duration wholeSeconds(String field, Duration value, long minSeconds) {
            Objects.requireNonNull(value, field + " must not be null");
            if (value.isNegative() || value.toSeconds() < minSeconds || value.toNanosPart() != 0
                    || value.toSeconds() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(field + " must be whole seconds between " + minSeconds + " s and "
                        + Integer.MAX_VALUE + " s but was " + value);
            }
            return value;
        }
    }
}
