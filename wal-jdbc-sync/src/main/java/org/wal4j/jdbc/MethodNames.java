package org.wal4j.jdbc;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.StringJoiner;

/**
 * How a DAO method is named in messages ({@code AccountDao.debit(String, BigDecimal)}) and in
 * the log ({@code AccountDao#debit(String,BigDecimal)}, the default operation of a critical
 * method). The operation carries the parameter types so that overloads are distinct, and is
 * derived from names only, so it is the same in every run of the same code.
 *
 * <p>Stateless; thread-safe.
 */
final class MethodNames {
    private MethodNames() {
    }

    /** {@code AccountDao.debit(String, BigDecimal)}. */
    static String display(Class<?> daoInterface, Method method) {
        StringJoiner params = new StringJoiner(", ", "(", ")");
        for (Class<?> type : method.getParameterTypes()) {
            params.add(type.getSimpleName());
        }
        return daoInterface.getSimpleName() + "." + method.getName() + params;
    }

    /** {@code AccountDao#debit(String,BigDecimal)}. */
    static String operation(Class<?> daoInterface, Method method) {
        StringJoiner params = new StringJoiner(",", "(", ")");
        for (Class<?> type : method.getParameterTypes()) {
            params.add(type.getSimpleName());
        }
        return daoInterface.getSimpleName() + "#" + method.getName() + params;
    }

    /** {@code argument 1 (amount, BigDecimal)}, with the name when the class was compiled with {@code -parameters}. */
    static String argument(Method method, int index) {
        Parameter parameter = method.getParameters()[index];
        String type = method.getGenericParameterTypes()[index].getTypeName().replaceAll("\\b[a-z][a-z0-9_]*\\.", "");
        return "argument " + index + " (" + (parameter.isNamePresent() ? parameter.getName() + ", " : "") + type + ")";
    }
}
