package org.wal4j.jdbc;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;

/**
 * How a critical call answers, by its method's return type: {@link #VOID} once durable (or
 * applied, by option), {@link #FUTURE} with a future of the DAO's result, {@link #VALUE} with
 * the DAO's result once applied within the wait.
 */
enum ReturnKind {
    VOID,
    /** {@code CompletableFuture<T>}, {@code CompletionStage<T>} or {@code Future<T>}: a {@code CompletableFuture} is returned. */
    FUTURE,
    VALUE;

    static ReturnKind of(Method method) {
        Class<?> type = method.getReturnType();
        if (type == void.class || type == Void.class) {
            return VOID;
        }
        if (type != Object.class && type.isAssignableFrom(CompletableFuture.class)) {
            return FUTURE;
        }
        return VALUE;
    }
}
