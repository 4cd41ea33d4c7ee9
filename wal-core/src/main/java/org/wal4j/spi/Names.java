package org.wal4j.spi;

import org.jspecify.annotations.Nullable;

/**
 * Validation of the names that end up in the log and in file names: namespaces, target names,
 * operations, keys. {@code WalEntry} and the {@code Wal} builder apply these rules already; a
 * storage or a target that takes a name from elsewhere (a configuration, an annotation, a status
 * record it reads back) checks it here, so that every module refuses the same names with the
 * same message. Every message names the field, the rule and the offending value.
 *
 * <p>Thread-safe: stateless.
 */
public final class Names {
    /** Namespaces: {@value #NAMESPACE_RULE}. */
    public static final String NAMESPACE_RULE = "[A-Za-z0-9._-]{1,128}";
    /** Target names: {@value #TARGET_RULE}. */
    public static final String TARGET_RULE = "[A-Za-z0-9._-]{1,64}";
    /** Longest operation name, in characters. */
    public static final int MAX_OPERATION_LENGTH = 256;
    /** Longest key, idempotency key, correlation id, tenant id or user id, in characters. */
    public static final int MAX_ID_LENGTH = 512;

    private static final int MAX_NAMESPACE_LENGTH = 128;
    private static final int MAX_TARGET_LENGTH = 64;

    private Names() {
    }

    /**
     * @return {@code namespace} if it matches {@value #NAMESPACE_RULE}
     * @throws IllegalArgumentException if it is null or does not match
     */
    public static String requireNamespace(String namespace) {
        if (namespace == null) {
            throw new IllegalArgumentException("namespace must not be null");
        }
        if (!isSimpleName(namespace, MAX_NAMESPACE_LENGTH)) {
            throw new IllegalArgumentException("namespace must match " + NAMESPACE_RULE + " but was '"
                    + abbreviate(namespace) + "'");
        }
        return namespace;
    }

    /**
     * @return {@code target} if it matches {@value #TARGET_RULE}
     * @throws IllegalArgumentException if it is null or does not match
     */
    public static String requireTarget(String target) {
        if (target == null) {
            throw new IllegalArgumentException("target name must not be null");
        }
        if (!isSimpleName(target, MAX_TARGET_LENGTH)) {
            throw new IllegalArgumentException("target name must match " + TARGET_RULE + " but was '"
                    + abbreviate(target) + "'");
        }
        return target;
    }

    /**
     * @return {@code operation} if it has 1 to {@value #MAX_OPERATION_LENGTH} characters and no
     *         control characters
     * @throws IllegalArgumentException otherwise
     */
    public static String requireOperation(String operation) {
        return text("operation", operation, MAX_OPERATION_LENGTH);
    }

    /**
     * @return {@code value}, a required identifier, if it has 1 to {@value #MAX_ID_LENGTH}
     *         characters and no control characters
     * @throws IllegalArgumentException otherwise (null included), naming {@code field}
     */
    public static String requireId(String field, String value) {
        return text(field, value, MAX_ID_LENGTH);
    }

    /**
     * @return {@code value}, an optional identifier, if it is null or has 1 to
     *         {@value #MAX_ID_LENGTH} characters and no control characters
     * @throws IllegalArgumentException otherwise, naming {@code field}
     */
    public static @Nullable String requireOptionalId(String field, @Nullable String value) {
        return value == null ? null : text(field, value, MAX_ID_LENGTH);
    }

    private static String text(String field, @Nullable String value, int maxLength) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " must be at most " + maxLength
                    + " characters but was " + value.length() + " characters: '" + abbreviate(value) + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(field + " must not contain control characters but has U+"
                        + String.format("%04X", (int) value.charAt(i)) + " at index " + i + ": '"
                        + abbreviate(value) + "'");
            }
        }
        return value;
    }

    /** The first 64 characters of a value, for messages about values that may be huge. */
    public static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }

    /**
     * True if {@code name} is 1 to {@code maxLength} characters of {@code [A-Za-z0-9._-]}: the
     * rules above without a regex, since every entry built and every lane named is checked.
     */
    private static boolean isSimpleName(String name, int maxLength) {
        int length = name.length();
        if (length < 1 || length > maxLength) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
