package org.wal4j.jdbc;

import java.lang.reflect.Method;
import java.math.BigInteger;
import java.util.UUID;
import org.wal4j.spi.Names;

/**
 * The lane key of a call: which parameter types may be one (those whose text is their value),
 * and the key's text. Stateless; thread-safe.
 */
final class LaneKeys {
    private LaneKeys() {
    }

    /**
     * Checks that parameter {@code index} of {@code method} can be a lane key.
     *
     * @throws IllegalArgumentException naming the method, the argument and the type
     */
    static void check(String display, Method method, int index) {
        if (index >= method.getParameterCount()) {
            throw new IllegalArgumentException(display + ": lane key argument " + index + " does not exist; the method takes "
                    + method.getParameterCount() + " argument(s)");
        }
        Class<?> type = method.getParameterTypes()[index];
        if (!isKeyType(type)) {
            throw new IllegalArgumentException(display + ": " + MethodNames.argument(method, index) + " cannot be a lane key: "
                    + type.getName() + " has no text that names its value; use a String, an integer type, a char, a UUID "
                    + "or an enum");
        }
    }

    /**
     * The key's text.
     *
     * @param consequence what the refusal means, for the message: {@code "nothing was written"}
     * @throws IllegalArgumentException if the value is null or not a valid key (too long, control characters)
     */
    static String text(String display, Method method, int index, Object value, String consequence) {
        if (value == null) {
            throw new IllegalArgumentException(display + ": lane key " + MethodNames.argument(method, index)
                    + " is null; " + consequence);
        }
        String text = value instanceof Enum ? ((Enum<?>) value).name() : value.toString();
        try {
            return Names.requireOptionalId("key", text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(display + ": lane key " + MethodNames.argument(method, index)
                    + " is not a valid key (" + e.getMessage() + "); " + consequence, e);
        }
    }

    static boolean isKeyType(Class<?> type) {
        return CharSequence.class.isAssignableFrom(type) || type.isEnum() || type == UUID.class || type == BigInteger.class
                || type == long.class || type == Long.class || type == int.class || type == Integer.class
                || type == short.class || type == Short.class || type == byte.class || type == Byte.class
                || type == char.class || type == Character.class;
    }
}
