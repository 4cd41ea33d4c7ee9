package org.wal4j.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wal4j.Wal;
import org.wal4j.WalState;

/**
 * The dynamic proxy behind a wrapped DAO: critical methods go to {@link CriticalCalls} (or, under
 * pass-through, {@link PassThroughCalls}), lane
 * reads pass the {@link ReadYourWritesGate} (when on) and then, like every other method, go
 * straight to the DAO, whose exceptions come out as thrown. {@code equals} is identity (a proxy
 * equals only itself), {@code hashCode} the identity hash, {@code toString} names the interface,
 * the targets and the DAO.
 *
 * <p>The {@link WalBinding} is read once per call: a call runs wholly on the Wal it started on,
 * and {@link #rebind} moves later calls to a new one.
 *
 * <p>Thread-safe.
 */
final class DurableInvocationHandler implements InvocationHandler {
    private static final Object[] NO_ARGS = new Object[0];

    private final Object dao;
    private final RepositoryModel model;
    private final PassThroughCalls direct;
    private final String description;
    private final RepositoryOptions options;
    private final PendingCalls pending;
    private final RepositoryTargets targets;
    private final String interfaceName;
    /** Replaced only by {@link #rebind}, under this handler's lock. */
    private volatile WalBinding binding;

    /**
     * @param direct null unless pass-through is on: then critical calls go to it instead of {@code calls}
     */
    DurableInvocationHandler(Object dao, RepositoryModel model, WalBinding binding, PassThroughCalls direct,
                             String description, RepositoryOptions options, PendingCalls pending,
                             RepositoryTargets targets, String interfaceName) {
        this.dao = dao;
        this.model = model;
        this.binding = binding;
        this.direct = direct;
        this.description = description;
        this.options = options;
        this.pending = pending;
        this.targets = targets;
        this.interfaceName = interfaceName;
    }

    /** See {@link DurableRepository#rebind}. */
    synchronized void rebind(Wal wal) {
        Wal old = binding.wal();
        if (old == wal) {
            throw new IllegalArgumentException("the DurableRepository of " + interfaceName + " is already bound to " + wal);
        }
        WalState was = old.state();
        if (was != WalState.STOPPED) {
            throw new IllegalStateException("the DurableRepository of " + interfaceName + " can be rebound only once its "
                    + "Wal is STOPPED, but it is " + was + ": call stop(timeout) on " + old + " first (a FAILED Wal "
                    + "still holds the log's directory and its workers may still be applying)");
        }
        Map<String, Integer> applying = new LinkedHashMap<>();
        targets.bindings().forEach((name, bound) -> {
            int calls = bound.target().appliesInProgress();
            if (calls > 0) {
                applying.put(name, calls);
            }
        });
        if (!applying.isEmpty()) {
            throw new IllegalStateException("the DurableRepository of " + interfaceName + " cannot be rebound yet: its "
                    + "Wal " + old + " is STOPPED, but calls of its targets' apply are still under way (target=calls: "
                    + applying + "), left behind by a stop(timeout) that returned false or abandoned at "
                    + "targetCallTimeout, typically stuck in a database call. A new Wal would apply beside them: the "
                    + "applied keys prevent a second effect, not the lanes' order. End the stuck call (kill its database "
                    + "session, or let the driver's timeout end it), then call rebind again; nothing was changed");
        }
        List<String> missing = targets.bindings().keySet().stream().filter(t -> !wal.targets().contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the DurableRepository of " + interfaceName + " applies on targets "
                    + targets.bindings().keySet() + ", but the new Wal has no target " + missing + " (it has "
                    + wal.targets() + "); build it with the same JdbcSyncTarget objects");
        }
        WalState now = wal.state();
        if (now != WalState.NEW) {
            throw notNew(now);
        }
        try {
            binding = WalBinding.attach(wal, options, pending, targets);
        } catch (IllegalStateException e) {
            throw notNew(wal.state());
        }
    }

    private IllegalStateException notNew(WalState state) {
        return new IllegalStateException("the DurableRepository of " + interfaceName + " must be rebound before the "
                + "new Wal starts, but it is " + state + ": rebind between Wal.Builder.build() and Wal.start()");
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Object[] arguments = args == null ? NO_ARGS : args;
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return proxy == arguments[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                default:
                    return description;
            }
        }
        CriticalMethod critical = model.critical(method);
        if (critical != null) {
            CriticalCalls.clearReceipt();
            return direct != null ? direct.call(critical, arguments) : binding.calls().call(critical, arguments);
        }
        ReadYourWritesGate reads = binding.reads();
        if (reads != null) {
            LaneRead read = model.read(method);
            if (read != null) {
                reads.beforeRead(read, arguments);
            }
        }
        return DaoInvoker.invoke(method, dao, args);
    }
}
