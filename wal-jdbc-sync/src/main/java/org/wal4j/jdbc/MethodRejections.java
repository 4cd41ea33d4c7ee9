package org.wal4j.jdbc;

import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which exceptions of a critical method are business verdicts (rejections) rather than failures,
 * resolved once at build.
 *
 * <ul>
 *   <li><em>Declared</em>: each exception type of the method's {@code throws} clause, except the
 *       ones too broad to be a verdict ({@code Throwable}, {@code Exception},
 *       {@code RuntimeException}, errors) and {@code SQLException} with its subclasses (classified
 *       by SQLSTATE, as always). A declared exception that has an {@code SQLException} among its
 *       causes is not a verdict either: it is a DAO's wrapper of a database failure, classified by
 *       that SQLSTATE (retried when it may pass).</li>
 *   <li><em>Named</em>, in {@link Critical#rejections()} or
 *       {@link RepositoryOptions.Builder#rejections}: a verdict whatever its causes.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class MethodRejections {
    static final MethodRejections NONE = new MethodRejections(List.of(), List.of());

    private final List<Class<?>> declared;
    private final List<Class<?>> named;

    private MethodRejections(List<Class<?>> declared, List<Class<?>> named) {
        this.declared = List.copyOf(declared);
        this.named = List.copyOf(named);
    }

    /**
     * The rejections of {@code method}.
     *
     * @param annotation its annotation, or null if it was made critical by name
     * @param options    the types the options name for it, or null
     * @throws IllegalArgumentException if a named type is one that may not be a rejection, naming
     *                                  the method and the type
     */
    static MethodRejections of(String display, Method method, Critical annotation, List<Class<? extends Exception>> options) {
        List<Class<?>> declared = new ArrayList<>();
        for (Class<?> type : method.getExceptionTypes()) {
            if (!tooBroad(type) && !SQLException.class.isAssignableFrom(type)) {
                declared.add(type);
            }
        }
        Set<Class<?>> named = new LinkedHashSet<>();
        if (annotation != null) {
            for (Class<? extends Exception> type : annotation.rejections()) {
                named.add(check(display, "@Critical(rejections)", type));
            }
        }
        if (options != null) {
            for (Class<? extends Exception> type : options) {
                named.add(check(display, "RepositoryOptions.rejections", type));
            }
        }
        return declared.isEmpty() && named.isEmpty() ? NONE : new MethodRejections(declared, new ArrayList<>(named));
    }

    /** True if the DAO's {@code thrown} is a verdict against the call. */
    boolean rejects(Throwable thrown) {
        for (Class<?> type : named) {
            if (type.isInstance(thrown)) {
                return true;
            }
        }
        for (Class<?> type : declared) {
            if (type.isInstance(thrown)) {
                return !causedBySqlException(thrown);
            }
        }
        return false;
    }

    /**
     * The rejection type (declared or named) whose {@link Class#getName() name} is {@code name}, or
     * null: a name read from stored data is only ever matched against these, never loaded.
     */
    Class<?> named(String name) {
        for (Class<?> type : declared) {
            if (type.getName().equals(name)) {
                return type;
            }
        }
        for (Class<?> type : named) {
            if (type.getName().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** The types, declared then named, for messages. */
    List<String> names() {
        List<String> out = new ArrayList<>();
        declared.forEach(t -> out.add(t.getSimpleName()));
        named.forEach(t -> out.add(t.getSimpleName()));
        return out;
    }

    private static Class<?> check(String display, String where, Class<? extends Exception> type) {
        if (type == null) {
            throw new IllegalArgumentException(display + ": " + where + " holds null");
        }
        if (tooBroad(type) || SQLException.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(display + ": " + where + " names " + type.getName() + ", which cannot be "
                    + "a rejection: it would turn database failures and bugs into business verdicts; name the "
                    + "application's own exception types");
        }
        return type;
    }

    private static boolean tooBroad(Class<?> type) {
        return type == Throwable.class || type == Exception.class || type == RuntimeException.class
                || Error.class.isAssignableFrom(type);
    }

    private static boolean causedBySqlException(Throwable thrown) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = thrown.getCause(); c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
