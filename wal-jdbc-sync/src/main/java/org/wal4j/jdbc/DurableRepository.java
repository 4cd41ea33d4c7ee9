package org.wal4j.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.util.Objects;
import org.wal4j.Wal;

/**
 * Wraps a DAO interface so that its critical writes go through the log: a call of a
 * {@link Critical} method is written to the {@link Wal} (durable before the proxy returns), and
 * each target's DAO instance runs it later, in lane order, exactly once, inside the target's
 * apply transaction. Every other method passes straight through to the wrapped DAO.
 *
 * <pre>{@code
 * TransactionAwareDataSource primaryDs = TransactionAwareDataSource.wrap(primaryPool);
 * JdbcSyncTarget primary = JdbcSyncTarget.builder("primary", primaryDs).build();
 * AccountDao primaryDao = new JdbcAccountDao(primaryDs);             // plain JDBC, unchanged
 * Wal wal = Wal.builder(FileWalStorage.open(FileStorageConfig.ofDefaults(dir)))
 *         .target("primary", primary)
 *         .build();
 * AccountDao accounts = DurableRepository.wrap(AccountDao.class, primaryDao, wal,
 *         RepositoryOptions.builder().target(primary, primaryDao).build());
 * wal.start();                                                        // after wrapping
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
 * <h2>Other methods</h2>
 * Passed to the wrapped DAO as they are. A method that is not critical but has a {@link LaneKey}
 * argument (or is listed with {@link RepositoryOptions.Builder#laneRead}) is a read of that lane:
 * with {@link RepositoryOptions.Builder#readYourWrites} on, the lane is flushed on the primary
 * target first, so the read sees the calls written before it ({@link StaleReadException} if it
 * cannot within the timeout). {@code equals} is identity, {@code hashCode} the identity hash,
 * {@code toString} describes the repository. Exceptions from the DAO come out as the DAO threw
 * them.
 *
 * <h2>Targets</h2>
 * Each target (for example a primary and a replica database) has its own DAO instance, built on
 * that target's {@link JdbcSyncTarget#transactionAwareDataSource()}. Targets apply independently:
 * either may be down while the other applies, and one that comes back catches up in order. The
 * repository registers the appliers of its operations with each target: wrap before
 * {@link Wal#start()}, so that entries left in the log by an earlier run find them.
 *
 * <p>Thread-safe: the proxy may be called from any thread, as far as the DAO allows.
 */
public final class DurableRepository {
    private DurableRepository() {
    }

    /**
     * Wraps {@code dao}.
     *
     * @param daoInterface the DAO interface; the proxy implements it
     * @param dao          the instance that runs the methods passed through (usually the primary's)
     * @param wal          the log; each of the options' targets must be one of its targets, by name
     * @param options      the targets with their DAO instances, and the rest
     * @return the proxy
     * @throws IllegalArgumentException naming the method, argument or type, if the interface or the
     *                                  options cannot work (see {@link Critical}, {@link LaneKey},
     *                                  {@link RepositoryOptions})
     * @throws IllegalStateException    if a target already has an applier for one of the operations
     *                                  (another repository of the same interface on the same target)
     */
    public static <T> T wrap(Class<T> daoInterface, T dao, Wal wal, RepositoryOptions options) {
        Objects.requireNonNull(daoInterface, "daoInterface must not be null");
        Objects.requireNonNull(dao, "dao must not be null");
        Objects.requireNonNull(wal, "wal must not be null");
        Objects.requireNonNull(options, "options must not be null");
        ObjectMapper mapper = options.objectMapper().orElse(wal.mapper());
        RepositoryModel model = RepositoryModel.of(daoInterface, options, mapper, wal.targets(),
                wal.config().retention());
        if (!daoInterface.isInstance(dao)) {
            throw new IllegalArgumentException("dao is a " + dao.getClass().getName() + ", which does not implement "
                    + daoInterface.getName());
        }
        PendingCalls pending = new PendingCalls();
        ApplierRegistration.register(model, options, pending);
        RepositoryListener listener = new RepositoryListener(pending);
        wal.addListener(listener);
        ReadYourWritesGate reads = options.readYourWrites()
                .map(timeout -> new ReadYourWritesGate(wal, options.primaryTarget(), timeout)).orElse(null);
        String description = "DurableRepository{" + daoInterface.getSimpleName() + ", targets=" + wal.targets().stream()
                .filter(options.bindings()::containsKey).toList() + ", primary=" + options.primaryTarget() + ", dao=" + dao
                + '}';
        DurableInvocationHandler handler = new DurableInvocationHandler(dao, model,
                new CriticalCalls(wal, options, pending, listener), reads, description);
        return daoInterface.cast(Proxy.newProxyInstance(daoInterface.getClassLoader(), new Class<?>[] {daoInterface},
                handler));
    }
}
