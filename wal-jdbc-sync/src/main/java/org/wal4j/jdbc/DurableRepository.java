package org.wal4j.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <h2>Request ids and receipts</h2>
 * A parameter marked {@link IdempotencyKey} is the call's request id: a call retried with the same
 * id writes nothing and answers what the first call answered (its result, stored by the result
 * target with the call's applied key; or the exception its DAO threw, a rejection's made again from
 * the verdict the target stored with it), also after a restart; a
 * retry with other arguments is refused. {@link #lastReceipt()} is the calling thread's handle on
 * its last critical call, for example a {@code void} one: {@link CallReceipt#await} waits for its
 * apply.
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
 * <h2>After the log failed</h2>
 * A {@code Wal} whose storage failed (a full disk) is {@link WalState#FAILED} for good: critical
 * calls throw its {@link org.wal4j.WalUnavailableException} ({@link org.wal4j.WalDiskFullException}
 * for a full disk). Once the cause is fixed, the application keeps its proxies, targets and
 * pools, and moves the repositories to a new {@code Wal} on the same log:
 * <pre>{@code
 * failedWal.stop(timeout);                                    // FAILED -> STOPPED, storage closed
 * Wal wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(dir)))  // recovery runs
 *         .target(primary)                                    // the same JdbcSyncTarget objects
 *         .build();
 * DurableRepository.rebind(accounts, wal);                    // each proxy, before start()
 * wal.start();                                                // applies what the log holds, then new calls
 * }</pre>
 * See {@link #rebind}.
 *
 * <p>Thread-safe: the proxy may be called from any thread, as far as the DAO allows.
 */
public final class DurableRepository {
    private DurableRepository() {
    }

    /**
     * The receipt of the calling thread's last critical call, through any repository: empty if
     * that call wrote nothing to the log (it was refused, it runs in pass-through) or returned a
     * future (the future is its handle), or if the thread made no critical call. The handle of a
     * {@code void} call: {@code lastReceipt().orElseThrow().await(timeout)} waits until the
     * primary applied it. Replaced by each critical call of the thread; other threads' calls do
     * not touch it. For a Wal-wide wait, see {@link Wal#awaitAllApplied}.
     */
    public static Optional<CallReceipt> lastReceipt() {
        return Optional.ofNullable(CriticalCalls.lastReceipt());
    }

    /**
     * Moves the repository behind {@code repository} (a proxy {@link Builder#build built} here)
     * from its {@code Wal}, which must be {@link WalState#STOPPED} (stop a {@link WalState#FAILED}
     * one first: that ends its workers and closes its storage), to {@code wal}, which must
     * be {@link WalState#NEW} and name every target of the repository; build it with the same
     * {@link JdbcSyncTarget} objects and the same {@link org.wal4j.WalConfig}. The proxy, the DAO
     * instances and the appliers registered on the targets stay: nothing is registered again, so
     * the targets need not be rebuilt. Once {@code wal} starts, it applies what the log holds
     * (everything acknowledged before the failure, exactly once: the targets' applied keys skip
     * what the old {@code Wal} applied) and the proxy's calls write to it. A call under way during
     * the rebind finishes on the old {@code Wal} (it is refused there); calls that start after it
     * use the new one. The repository's settings (the model built from the first {@code Wal}'s
     * targets and lifecycles, its options) are kept.
     *
     * @throws IllegalArgumentException if {@code repository} is not a proxy of this class, or
     *                                  {@code wal} is its {@code Wal} already or lacks one of its
     *                                  targets
     * @throws IllegalStateException    if its {@code Wal} is not STOPPED, or a call of {@code apply} on
     *                                  one of the repository's targets is still under way (left
     *                                  running by a {@code stop} that returned false, or abandoned
     *                                  at the {@code targetCallTimeout}: it could still commit beside
     *                                  the new {@code Wal}, out of its lanes' order; end it and call
     *                                  again), or {@code wal} is not NEW; then nothing changed
     */
    public static void rebind(Object repository, Wal wal) {
        Objects.requireNonNull(repository, "repository must not be null");
        Objects.requireNonNull(wal, "wal must not be null");
        if (!Proxy.isProxyClass(repository.getClass())
                || !(Proxy.getInvocationHandler(repository) instanceof DurableInvocationHandler)) {
            throw new IllegalArgumentException(repository.getClass().getName() + " is not a DurableRepository proxy: "
                    + "rebind takes what DurableRepository.Builder.build returned");
        }
        ((DurableInvocationHandler) Proxy.getInvocationHandler(repository)).rebind(wal);
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
            WalBinding binding;
            try {
                binding = WalBinding.attach(wal, options, pending, repositoryTargets);
            } catch (IllegalStateException e) {
                throw notBeforeStart(wal.state());
            }
            registerAppliers.run();
            Object dao = repositoryTargets.primaryDao();
            String description = "DurableRepository{" + daoInterface.getSimpleName() + ", targets=" + targets.keySet()
                    + ", primary=" + primary + ", dao=" + dao + (options.passThrough() ? ", PASS-THROUGH" : "") + '}';
            PassThroughCalls direct = options.passThrough()
                    ? PassThroughCalls.announce(daoInterface, model, repositoryTargets, options) : null;
            DurableInvocationHandler handler = new DurableInvocationHandler(dao, model, binding, direct, description,
                    options, pending, repositoryTargets, daoInterface.getName());
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
