package org.wal4j.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * The dynamic proxy behind a wrapped DAO: critical methods go to {@link CriticalCalls} (or, under
 * pass-through, {@link PassThroughCalls}), lane
 * reads pass the {@link ReadYourWritesGate} (when on) and then, like every other method, go
 * straight to the DAO, whose exceptions come out as thrown. {@code equals} is identity (a proxy
 * equals only itself), {@code hashCode} the identity hash, {@code toString} names the interface,
 * the targets and the DAO.
 *
 * <p>Thread-safe.
 */
final class DurableInvocationHandler implements InvocationHandler {
    private static final Object[] NO_ARGS = new Object[0];

    private final Object dao;
    private final RepositoryModel model;
    private final CriticalCalls calls;
    private final PassThroughCalls direct;
    private final ReadYourWritesGate reads;
    private final String description;

    /**
     * @param direct null unless pass-through is on: then critical calls go to it instead of {@code calls}
     * @param reads  null when read-your-writes is off
     */
    DurableInvocationHandler(Object dao, RepositoryModel model, CriticalCalls calls, PassThroughCalls direct,
                             ReadYourWritesGate reads, String description) {
        this.dao = dao;
        this.model = model;
        this.calls = calls;
        this.direct = direct;
        this.reads = reads;
        this.description = description;
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
            return direct != null ? direct.call(critical, arguments) : calls.call(critical, arguments);
        }
        if (reads != null) {
            LaneRead read = model.read(method);
            if (read != null) {
                reads.beforeRead(read, arguments);
            }
        }
        return DaoInvoker.invoke(method, dao, args);
    }
}
