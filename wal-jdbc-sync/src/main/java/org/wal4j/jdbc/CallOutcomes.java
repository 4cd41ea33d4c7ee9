package org.wal4j.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wal4j.WalEntry;
import org.wal4j.spi.Names;

/**
 * What a call with a request id ({@link IdempotencyKey}) leaves behind for its retries, and how
 * a retry reads it back.
 *
 * <p>Applied: the result target stores, in its applied-keys row and in the apply transaction,
 * the call's outcome as JSON, written with the method's declared result type (a future's value
 * type), next to a SHA-256 of the call's payload (its arguments as written to the log):
 * <pre>
 *   {"arguments":"9f86d081884c7d65...","value":"987.70"}       BigDecimal transfer(...)
 *   {"arguments":"2c26b46b68ffc68f...","value":null}           void transfer(...)
 * </pre>
 *
 * <p>Rejected (the DAO threw one of the method's {@link MethodRejections rejections}): nothing is
 * applied and no applied key recorded, but the result target stores the verdict in its
 * rejected-calls table, in the transaction that commits the rejection:
 * <pre>
 *   {"arguments":"9f86d081884c7d65...","rejected":{"type":"com.example.InsufficientFundsException","message":"..."}}
 * </pre>
 * {@link #rebuild} makes the exception again only from a type the method declares or names as a
 * rejection whose name equals the stored one (a class name read from the database is never
 * loaded), through its public {@code (String)} constructor.
 *
 * <p>Dead-lettered: the apply transaction rolled back, so nothing is stored in the database; the
 * dead letter stays in the log with its reason, which {@link BatchTransaction} writes as
 * {@code <entry> failed (permanent): <class>: <message>} (or {@code SQLSTATE <state>, vendor code
 * <code>: <message>} for an {@link SQLException}). {@link #rethrown} makes the exception again from
 * it: the same class and message, if the class is an unchecked exception or one the method
 * declares and has a public {@code (String)} constructor (an {@code SQLException} gets its
 * SQLSTATE and vendor code too). Its stack trace is the retry's, its cause is absent.
 *
 * <p>Immutable and thread-safe.
 */
final class CallOutcomes {
    private static final Pattern SQL = Pattern.compile("SQLSTATE (\\S+), vendor code (-?\\d+): (.*)", Pattern.DOTALL);
    private static final Pattern OTHER = Pattern.compile("([\\p{L}_$][\\p{L}\\p{N}_$.]*): (.*)", Pattern.DOTALL);

    private final Method method;
    private final String display;
    private final ObjectMapper mapper;
    private final JavaType resultType;

    /** @param resultType the value's type, or null for a method without one ({@code void}, a future of {@code Void}) */
    CallOutcomes(Method method, String display, ObjectMapper mapper, JavaType resultType) {
        this.method = method;
        this.display = display;
        this.mapper = mapper;
        this.resultType = resultType;
    }

    /** The SHA-256 of a call's payload, in hex. */
    static String argumentsHash(String payload) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must have it
        }
    }

    /**
     * The stored form of a run of {@code entry} that returned {@code value}.
     *
     * @throws IllegalStateException if the value cannot be written as the declared type (fails the entry)
     */
    String encode(WalEntry entry, Object value) {
        String json;
        try {
            // written as text, not through a tree: a tree would turn 700.00 into the double 700.0
            json = resultType == null || value == null ? "null" : mapper.writerFor(resultType).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(display + " returned a " + value.getClass().getName() + " that cannot be "
                    + "written to JSON as " + resultType + " for the retries of its request id: " + e.getOriginalMessage(), e);
        }
        return "{\"arguments\":\"" + argumentsHash(entry.payload()) + "\",\"value\":" + json + "}";
    }

    /**
     * The stored form of a run of {@code entry} that the DAO rejected with {@code verdict}.
     *
     * @throws IllegalStateException never in practice: a tree of two strings always writes
     */
    String encodeRejection(WalEntry entry, Throwable verdict) {
        ObjectNode rejected = mapper.createObjectNode();
        rejected.put("type", verdict.getClass().getName());
        rejected.put("message", verdict.getMessage());
        ObjectNode outcome = mapper.createObjectNode();
        outcome.put("arguments", argumentsHash(entry.payload()));
        outcome.set("rejected", rejected);
        try {
            return mapper.writeValueAsString(outcome);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(display + ": cannot write the rejection " + verdict + " to JSON", e);
        }
    }

    /**
     * A stored rejection, read back.
     *
     * @param message null if the verdict had none
     */
    record Rejection(String argumentsHash, String type, String message) {
        /** The verdict as {@link Throwable#toString()} shows it. */
        String describe() {
            return message == null ? type : type + ": " + message;
        }
    }

    /**
     * Reads a stored rejection.
     *
     * @throws IllegalStateException if it is not one this class wrote
     */
    Rejection decodeRejection(String json) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw notOurs(json, e);
        }
        JsonNode rejected = tree == null ? null : tree.get("rejected");
        JsonNode arguments = tree == null ? null : tree.get("arguments");
        if (rejected == null || arguments == null || !arguments.isTextual() || !rejected.path("type").isTextual()) {
            throw notOurs(json, null);
        }
        JsonNode message = rejected.path("message");
        return new Rejection(arguments.asText(), rejected.get("type").asText(), message.isTextual() ? message.asText() : null);
    }

    /**
     * The exception of a stored rejection, made again: an instance of the method's rejection type
     * ({@code rejections}: declared or named) whose name is the stored one, with the stored message,
     * through its public {@code (String)} constructor. Null if no rejection type has that name (the
     * DAO threw a subclass of one, or the method changed) or the type has no such constructor, or it
     * threw: then the caller reports the type and message in an {@link EntryNotAppliedException}.
     */
    static Throwable rebuild(Rejection rejection, MethodRejections rejections) {
        Class<?> type = rejections.named(rejection.type());
        if (type == null) {
            return null;
        }
        try {
            Constructor<?> constructor = type.getConstructor(String.class);
            return (Throwable) constructor.newInstance(rejection.message());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A stored outcome, read back. */
    record Stored(String argumentsHash, Object value) {
    }

    /**
     * Reads a stored outcome.
     *
     * @throws IllegalStateException if it is not one this method wrote (another version of the DAO)
     */
    Stored decode(String json) {
        String arguments = null;
        Object value = null;
        boolean hasValue = false;
        try (JsonParser parser = mapper.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notOurs(json, null);
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken next = parser.nextToken();
                if ("arguments".equals(field) && next == JsonToken.VALUE_STRING) {
                    arguments = parser.getText();
                } else if ("value".equals(field)) {
                    hasValue = true;
                    value = next == JsonToken.VALUE_NULL || resultType == null ? null
                            : mapper.readerFor(resultType).readValue(parser);
                    if (next != JsonToken.VALUE_NULL && resultType == null) {
                        parser.skipChildren();
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw notOurs(json, e);
        }
        if (arguments == null || !hasValue) {
            throw notOurs(json, null);
        }
        return new Stored(arguments, value);
    }

    private IllegalStateException notOurs(String json, Exception cause) {
        return new IllegalStateException(display + ": the stored outcome of a request id cannot be read as this method's "
                + "result (" + resultType + ")" + (cause != null ? ": " + cause.getMessage() : "") + "; stored: "
                + Names.abbreviate(json), cause);
    }

    /**
     * The exception the DAO threw in the dead-lettered run of {@code entry} on {@code target}, made
     * again from the dead letter's {@code reason}; null if the reason does not name one this method
     * may throw (then the caller gets an {@link EntryNotAppliedException} with the reason).
     */
    Throwable rethrown(WalEntry entry, String target, String reason) {
        if (reason == null) {
            return null;
        }
        String prefix = SqlFailures.entry(entry, target) + " failed (";
        if (!reason.startsWith(prefix)) {
            return null;
        }
        String rest = reason.substring(prefix.length());
        int close = rest.indexOf("): ");
        if (close < 0) {
            return null;
        }
        String thrown = rest.substring(close + 3);
        Matcher sql = SQL.matcher(thrown);
        if (sql.matches()) {
            return declares(SQLException.class) && !sql.group(3).contains("; next: SQLSTATE ")
                    ? new SQLException(sql.group(3), sql.group(1), Integer.parseInt(sql.group(2))) : null;
        }
        Matcher other = OTHER.matcher(thrown);
        if (!other.matches() || other.group(2).contains("; caused by SQLSTATE ")) {
            return null;
        }
        return instantiate(other.group(1), "null".equals(other.group(2)) ? null : other.group(2));
    }

    private Throwable instantiate(String className, String message) {
        try {
            Class<?> type = Class.forName(className, false, method.getDeclaringClass().getClassLoader());
            if (!Throwable.class.isAssignableFrom(type) || !(RuntimeException.class.isAssignableFrom(type)
                    || declares(type))) {
                return null;
            }
            Constructor<?> constructor = type.getConstructor(String.class);
            return (Throwable) constructor.newInstance(message);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** Whether the method may throw {@code type}: it declares it or a supertype. */
    private boolean declares(Class<?> type) {
        for (Class<?> declared : method.getExceptionTypes()) {
            if (declared.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }
}
