package org.wal4j.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.wal4j.Wal;
import org.wal4j.WalState;

/**
 * Wraps a DAO interface so that its critical writes go through the log: a call of a
 * {@link Critical} method is written to the {@link Wal} (durable before the proxy returns), and
 * each target's DAO instance runs it later, in lane order, exactly once, inside the target's
 * apply transaction. Every other method passes straight through to the wrapped DAO.
 *
 * <pre>{@code
 * TransactionAwareDataSource primaryDs = TransactionAwareDataSource.wrap(primaryPool);
 * JdbcSyncTarget primary = JdbcSyncTarget.builder("primary", primaryDs).build();  // named once
 * AccountDao primaryDao = new JdbcAccountDao(primaryDs);             // plain JDBC, unchanged
 * Wal wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(dir)))
 *         .target(primary)
 *         .build();
 * AccountDao accounts = DurableRepository.builder(AccountDao.class)
 *         .target(primary, primaryDao)                                // typed: an AccountDao
 *         .build(wal);                                                // before start()
 * wal.start();
 * accounts.debit("acct-42", new BigDecimal("12.30"));                 // durable on return
 * }</pre>
 *
 * <h2>A critical call</h2>
 * The entry's operation is the interface and method ({@code AccountDao#debit(String,BigDecimal)},
 * or {@link Critical#operation()}), its key the {@link LaneKey} argument's text, its namespace
 * {@link Critical#namespace()} or {@link RepositoryOptions#namespace()}, its payload the
 * arguments as JSON written with their declared types (read back as the same types, generics
 * included), its targets {@link Critical#targets()} or all of the repository's. Arguments are
 * values: the DAO on the apply side gets copies read from the log, so return what the caller
 * needs instead of filling in an argument.
 *
 * <p>What the call returns depends on the method's return type:
 * <ul>
 *   <li>{@code void}: returns when the entry is durable; with
 *       {@link RepositoryOptions.Builder#voidWaitsForApply} like a value.</li>
 *   <li>{@code CompletableFuture<T>} (or {@code CompletionStage}, {@code Future}): returned once
 *       the append is under way; completes with what the primary target's DAO returned (its future's
 *       value) once that run committed, or with {@link NotYetAppliedException} after
 *       {@link RepositoryOptions#asyncResultTimeout()}.</li>
 *   <li>any other type: the DAO's result if the primary target applies the call within
 *       {@link RepositoryOptions#applyWait()}; otherwise {@link NotYetAppliedException}, which
 *       carries the entry's id and seq: the call is durable and will still be applied. While the
 *       primary's circuit breaker is open (its database is down) the call does not wait.</li>
 * </ul>
 * The result is always that of the run that committed: a run rolled back and retried yields the
 * retry's result; a delivery skipped because the entry was already committed yields the result
 * of the run that committed it. A call the target dead-letters throws what the DAO threw in its
 * last run (unwrapped, as a direct call would), or {@link EntryNotAppliedException} when the DAO
 * did not throw (the commit failed permanently, the entry expired).
 *
 * <h2>Rejections</h2>
 * An exception that is a business verdict rejects the call rather than failing it: one the method
 * declares in its {@code throws} clause (except {@code SQLException} and its subclasses, the
 * catch-alls {@code Throwable}, {@code Exception} and {@code RuntimeException}, errors, and a
 * declared exception that has an {@code SQLException} among its causes, which is classified by
 * that SQLSTATE), or one named by {@link Critical#rejections()} or
 * {@link RepositoryOptions.Builder#rejections} (whatever its causes). Thrown during apply, it
 * ends the entry {@link org.wal4j.EntryStatus#REJECTED REJECTED} at once: nothing of the call
 * stays in the database, it is not retried, it is not a dead letter, the
 * {@code Wal}'s listeners get an {@link org.wal4j.event.EntryRejected} event with the exception's
 * type and message, and a waiting caller (a value, a future, a void call with
 * {@code voidWaitsForApply}) gets that very exception. A void call that does not wait was
 * acknowledged when durable and is told nothing more. Any other exception fails the entry as
 * before.
 *
 * <h2>Other methods</h2>
 * Passed to the primary target's DAO instance as they are. A method that is not critical but has a {@link LaneKey}
 * argument (or is listed with {@link RepositoryOptions.Builder#laneRead}) is a read of that lane:
 * with {@link RepositoryOptions.Builder#readYourWrites} on, the lane is flushed on the primary
 * target first, so the read sees the calls written before it ({@link StaleReadException} if it
 * cannot within the timeout). {@code equals} is identity, {@code hashCode} the identity hash,
 * {@code toString} describes the repository. Exceptions from the DAO come out as the DAO threw
 * them.
 *
 * <h2>Pass-through</h2>
 * With {@link RepositoryOptions.Builder#passThrough} on (or {@code wal.repository.pass.through=true}
 * read by {@link RepositoryOptions.Builder#load}), a critical call is not written to the log: the
 * DAO instance of its result target runs it at once on the caller's thread, and the call returns
 * or throws what the DAO did. The build logs a warning saying so. Everything else (appliers for
 * what the log already holds, reads, other methods) is as without it.
 *
 * <h2>Targets</h2>
 * Each target (for example a primary and a replica database) has its own DAO instance, built on
 * that target's {@link JdbcSyncTarget#transactionAwareDataSource()}. Targets apply independently:
 * either may be down while the other applies, and one that comes back catches up in order. The
 * repository registers the appliers of its operations with each target when it is built, which
 * must be before {@link Wal#start()} (refused after), so that entries left in the log by an
 * earlier run find them.
 *
 * <p>Thread-safe: the proxy may be called from any thread, as far as the DAO allows.
 */
public final class DurableRepository {
    private DurableRepository() {
    }

    /**
     * Starts a repository of {@code daoInterface}: add its targets, each with its DAO instance
     * (typed as the interface), then {@link Builder#build(Wal) build} it on the {@code Wal}
     * before the {@code Wal} starts.
     */
    public static <T> Builder<T> builder(Class<T> daoInterface) {
        return new Builder<>(Objects.requireNonNull(daoInterface, "daoInterface must not be null"));
    }

    /**
     * Builds a repository: the proxy of a DAO interface on a {@link Wal}, with one DAO instance per
     * {@link JdbcSyncTarget}. Each setter checks its argument at once. Not thread-safe.
     *
     * @param <T> the DAO interface
     */
    public static final class Builder<T> {
        private final Class<T> daoInterface;
        private final Map<String, RepositoryTargets.Binding> targets = new LinkedHashMap<>();
        private RepositoryOptions options = RepositoryOptions.ofDefaults();

        private Builder(Class<T> daoInterface) {
            this.daoInterface = daoInterface;
        }

        /**
         * Adds a target and the DAO instance that applies calls on it; the first target added is
         * the primary unless {@link RepositoryOptions.Builder#primaryTarget} says otherwise. The
         * DAO must get its connections from {@link JdbcSyncTarget#transactionAwareDataSource()
         * target.transactionAwareDataSource()}, so that its SQL joins the apply transaction. The
         * target must be one of the {@code Wal}'s targets. At least one target is required.
         *
         * @throws IllegalArgumentException if a target of that name is already added
         */
        public Builder<T> target(JdbcSyncTarget target, T dao) {
            Objects.requireNonNull(target, "target must not be null");
            Objects.requireNonNull(dao, "dao of target '" + target.name() + "' must not be null");
            if (targets.containsKey(target.name())) {
                throw new IllegalArgumentException("target '" + target.name() + "' is already added");
            }
            targets.put(target.name(), new RepositoryTargets.Binding(target, dao));
            return this;
        }

        /** The settings; default {@link RepositoryOptions#ofDefaults()}. */
        public Builder<T> options(RepositoryOptions options) {
            this.options = Objects.requireNonNull(options, "options must not be null");
            return this;
        }

        /**
         * Wires the repository into {@code wal} and returns its proxy. Call it after
         * {@link Wal.Builder#build()} and before {@link Wal#start()}: the repository's appliers
         * must be in place when the {@code Wal} starts delivering, so that entries an earlier run
         * left in the log find them, and its listener must hear every event from the start.
         *
         * @return the proxy, implementing {@code T}
         * @throws IllegalArgumentException naming the method, argument, type or target, if the
         *                                  interface, the targets or the options cannot work (see
         *                                  {@link Critical}, {@link LaneKey}, {@link RepositoryOptions})
         * @throws IllegalStateException    if {@code wal} has started, or a target already has an
         *                                  applier for one of the operations (another repository of
         *                                  the same interface on the same target); nothing is wired
         */
        public T build(Wal wal) {
            Objects.requireNonNull(wal, "wal must not be null");
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a repository needs at least one target; add one with target(target, dao)");
            }
            String primary = options.primaryTarget().orElse(targets.keySet().iterator().next());
            if (!targets.containsKey(primary)) {
                throw new IllegalArgumentException("primaryTarget '" + primary + "' is not one of the repository's targets "
                        + targets.keySet());
            }
            WalState state = wal.state();
            if (state != WalState.NEW) {
                throw notBeforeStart(state);
            }
            RepositoryTargets repositoryTargets = new RepositoryTargets(targets, primary);
            ObjectMapper mapper = options.objectMapper().orElse(wal.mapper());
            RepositoryModel model = RepositoryModel.of(daoInterface, repositoryTargets, options, mapper, wal.targets(),
                    wal.config().retention(), wal.config()::lifecycleFor);
            PendingCalls pending = new PendingCalls();
            Runnable registerAppliers = ApplierRegistration.prepare(model, repositoryTargets, pending);
            RepositoryListener listener = new RepositoryListener(pending);
            try {
                wal.addListener(listener); // atomic with Wal.start(): refused once it started
            } catch (IllegalStateException e) {
                throw notBeforeStart(wal.state());
            }
            registerAppliers.run();
            ReadYourWritesGate reads = options.readYourWrites()
                    .map(timeout -> new ReadYourWritesGate(wal, primary, timeout)).orElse(null);
            Object dao = repositoryTargets.primaryDao();
            String description = "DurableRepository{" + daoInterface.getSimpleName() + ", targets=" + targets.keySet()
                    + ", primary=" + primary + ", dao=" + dao + (options.passThrough() ? ", PASS-THROUGH" : "") + '}';
            PassThroughCalls direct = options.passThrough()
                    ? PassThroughCalls.announce(daoInterface, model, repositoryTargets, options) : null;
            DurableInvocationHandler handler = new DurableInvocationHandler(dao, model,
                    new CriticalCalls(wal, options, pending, listener), direct, reads, description);
            return daoInterface.cast(Proxy.newProxyInstance(daoInterface.getClassLoader(), new Class<?>[] {daoInterface},
                    handler));
        }

        private IllegalStateException notBeforeStart(WalState state) {
            return new IllegalStateException("the DurableRepository of " + daoInterface.getName() + " must be built "
                    + "before Wal.start(), but the Wal is " + state + ": entries an earlier run left in the log would "
                    + "find no applier; build it between Wal.Builder.build() and Wal.start()");
        }
    }
}
