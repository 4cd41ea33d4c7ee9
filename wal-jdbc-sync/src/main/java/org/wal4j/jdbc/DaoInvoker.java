package org.wal4j.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Calls a DAO method reflectively and lets what it throws out as it was thrown: never an
 * {@link InvocationTargetException}. Stateless; thread-safe.
 */
final class DaoInvoker {
    private DaoInvoker() {
    }

    /** {@code method} on {@code dao} with {@code args}; throws what the method threw. */
    static Object invoke(Method method, Object dao, Object[] args) throws Throwable {
        try {
            return method.invoke(dao, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + method + " on " + dao.getClass().getName() + ": " + e.getMessage(),
                    e);
        }
    }
}
