package org.wal4j.jdbc;

import java.lang.reflect.Method;
import org.wal4j.spi.Names;

/**
 * The request id of a call of a method with an {@link IdempotencyKey} parameter, and the entry's
 * idempotency key made from it: {@code operation + "|" + id}. An operation has at most
 * {@value Names#MAX_OPERATION_LENGTH} characters and an idempotency key at most
 * {@value Names#MAX_ID_LENGTH}, so an id of up to {@value #MAX_LENGTH} always fits, whatever the
 * operation. Stateless; thread-safe.
 */
final class RequestIds {
    /** Longest request id, in characters. */
    static final int MAX_LENGTH = Names.MAX_ID_LENGTH - Names.MAX_OPERATION_LENGTH - 1;
    /** Separates the operation from the request id in the idempotency key. */
    static final String SEPARATOR = "|";

    private RequestIds() {
    }

    /**
     * The idempotency key of a call whose request id argument is {@code value}.
     *
     * @throws IllegalArgumentException naming the method and the parameter, if the id is null, blank,
     *                                  too long or has control characters; nothing was written
     */
    static String idempotencyKey(String display, Method method, int index, String operation, Object value) {
        String parameter = "request id " + MethodNames.argument(method, index);
        if (value == null) {
            throw new IllegalArgumentException(display + ": " + parameter + " is null; nothing was written");
        }
        String text = value instanceof Enum ? ((Enum<?>) value).name() : value.toString();
        if (text.isBlank()) {
            throw new IllegalArgumentException(display + ": " + parameter + " is blank ('" + text + "'); nothing was "
                    + "written");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(display + ": " + parameter + " has " + text.length() + " characters, more "
                    + "than the " + MAX_LENGTH + " allowed: '" + Names.abbreviate(text) + "'; nothing was written");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new IllegalArgumentException(display + ": " + parameter + " has a control character at index " + i
                        + " ('" + Names.abbreviate(text) + "'); nothing was written");
            }
        }
        return operation + SEPARATOR + text;
    }

    /** The request id in an idempotency key made by {@link #idempotencyKey}. */
    static String requestId(String idempotencyKey, String operation) {
        return idempotencyKey.substring(operation.length() + SEPARATOR.length());
    }
}
