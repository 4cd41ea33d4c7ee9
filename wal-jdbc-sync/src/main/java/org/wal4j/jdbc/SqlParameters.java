package org.wal4j.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The typed parameters of an SQL-statement entry, as JSON and as JDBC bindings. Each parameter
 * is written as {@code {"type": ..., "value": ...}} so that it reads back as the same Java type
 * and value: a {@code BigDecimal} keeps its scale, a {@code double} keeps every bit (NaN and
 * -0.0 included), an {@code Instant} keeps its nanoseconds.
 *
 * <pre>
 * type         Java type        JSON value                 bound with
 * null         null             (none)                     setNull(i, Types.NULL)
 * string       String           string                     setString
 * boolean      Boolean          true / false               setBoolean
 * short        Short            number                     setShort
 * int          Integer          number                     setInt
 * long         Long             number                     setLong
 * float        Float            string, Float.toString     setFloat
 * double       Double           string, Double.toString    setDouble
 * decimal      BigDecimal       string, toString           setBigDecimal
 * timestamp    Instant          string, ISO-8601 (UTC)     setTimestamp(Timestamp.from)
 * timestamptz  OffsetDateTime   string, ISO-8601           setObject
 * datetime     LocalDateTime    string, ISO-8601           setObject
 * date         LocalDate        string, ISO-8601           setObject
 * time         LocalTime        string, ISO-8601           setObject
 * bytes        byte[]           string, Base64             setBytes
 * </pre>
 */
final class SqlParameters {
    static final String SUPPORTED = "null, String, Boolean, Short, Integer, Long, Float, Double, BigDecimal, Instant, "
            + "OffsetDateTime, LocalDateTime, LocalDate, LocalTime, byte[]";

    private SqlParameters() {
    }

    /** Checks that every value has a supported type; returns an unmodifiable defensive copy. */
    static List<Object> copyOf(List<?> values) {
        if (values == null) {
            throw new IllegalArgumentException("params must not be null (pass none for a statement without parameters)");
        }
        List<Object> copy = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            typeOf(i, value);
            copy.add(value instanceof byte[] ? ((byte[]) value).clone() : value);
        }
        return Collections.unmodifiableList(copy);
    }

    static ArrayNode toJson(List<Object> values) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(values.size());
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            String type = typeOf(i, value);
            ObjectNode node = array.addObject().put("type", type);
            if (value == null) {
                continue;
            }
            switch (type) {
                case "boolean": node.put("value", (Boolean) value); break;
                case "short": node.put("value", (Short) value); break;
                case "int": node.put("value", (Integer) value); break;
                case "long": node.put("value", (Long) value); break;
                case "bytes": node.put("value", Base64.getEncoder().encodeToString((byte[]) value)); break;
                default: node.put("value", value.toString()); break;
            }
        }
        return array;
    }

    static List<Object> fromJson(JsonNode params) {
        if (params == null || params.isNull()) {
            return List.of();
        }
        if (!params.isArray()) {
            throw new IllegalArgumentException("\"params\" must be an array but was " + params.getNodeType());
        }
        List<Object> values = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            values.add(read(i, params.get(i)));
        }
        return Collections.unmodifiableList(values);
    }

    /** Binds {@code values} to {@code statement}'s parameters 1..n. */
    static void bind(PreparedStatement statement, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            int index = i + 1;
            Object value = values.get(i);
            if (value == null) {
                statement.setNull(index, Types.NULL);
            } else if (value instanceof String) {
                statement.setString(index, (String) value);
            } else if (value instanceof Boolean) {
                statement.setBoolean(index, (Boolean) value);
            } else if (value instanceof Short) {
                statement.setShort(index, (Short) value);
            } else if (value instanceof Integer) {
                statement.setInt(index, (Integer) value);
            } else if (value instanceof Long) {
                statement.setLong(index, (Long) value);
            } else if (value instanceof Float) {
                statement.setFloat(index, (Float) value);
            } else if (value instanceof Double) {
                statement.setDouble(index, (Double) value);
            } else if (value instanceof BigDecimal) {
                statement.setBigDecimal(index, (BigDecimal) value);
            } else if (value instanceof Instant) {
                statement.setTimestamp(index, Timestamp.from((Instant) value));
            } else if (value instanceof byte[]) {
                statement.setBytes(index, (byte[]) value);
            } else {
                statement.setObject(index, value);
            }
        }
    }

    private static String typeOf(int index, Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Short) {
            return "short";
        }
        if (value instanceof Integer) {
            return "int";
        }
        if (value instanceof Long) {
            return "long";
        }
        if (value instanceof Float) {
            return "float";
        }
        if (value instanceof Double) {
            return "double";
        }
        if (value instanceof BigDecimal) {
            return "decimal";
        }
        if (value instanceof Instant) {
            return "timestamp";
        }
        if (value instanceof OffsetDateTime) {
            return "timestamptz";
        }
        if (value instanceof LocalDateTime) {
            return "datetime";
        }
        if (value instanceof LocalDate) {
            return "date";
        }
        if (value instanceof LocalTime) {
            return "time";
        }
        if (value instanceof byte[]) {
            return "bytes";
        }
        throw new IllegalArgumentException("parameter " + index + " has unsupported type " + value.getClass().getName()
                + "; supported: " + SUPPORTED);
    }

    private static Object read(int index, JsonNode node) {
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            throw new IllegalArgumentException("parameter " + index + " must be an object with a \"type\" but was " + node);
        }
        String type = node.get("type").textValue();
        if (type.equals("null")) {
            return null;
        }
        JsonNode value = node.get("value");
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("parameter " + index + " of type " + type + " has no \"value\": " + node);
        }
        try {
            switch (type) {
                case "string": return text(index, type, value);
                case "boolean":
                    if (!value.isBoolean()) {
                        throw wrongJson(index, type, value, "true or false");
                    }
                    return value.booleanValue();
                case "short": return (short) integral(index, type, value, Short.MIN_VALUE, Short.MAX_VALUE);
                case "int": return (int) integral(index, type, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case "long": return integral(index, type, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case "float": return Float.valueOf(text(index, type, value));
                case "double": return Double.valueOf(text(index, type, value));
                case "decimal": return new BigDecimal(text(index, type, value));
                case "timestamp": return Instant.parse(text(index, type, value));
                case "timestamptz": return OffsetDateTime.parse(text(index, type, value));
                case "datetime": return LocalDateTime.parse(text(index, type, value));
                case "date": return LocalDate.parse(text(index, type, value));
                case "time": return LocalTime.parse(text(index, type, value));
                case "bytes": return base64(index, type, value);
                default:
                    throw new IllegalArgumentException("parameter " + index + " has unknown type '" + type + "'; known: "
                            + Arrays.asList("null", "string", "boolean", "short", "int", "long", "float", "double",
                            "decimal", "timestamp", "timestamptz", "datetime", "date", "time", "bytes"));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("parameter " + index + " of type " + type + " has an unreadable value "
                    + value + ": " + e.getMessage(), e);
        }
    }

    private static String text(int index, String type, JsonNode value) {
        if (!value.isTextual()) {
            throw wrongJson(index, type, value, "a string");
        }
        return value.textValue();
    }

    private static byte[] base64(int index, String type, JsonNode value) {
        try {
            return Base64.getDecoder().decode(text(index, type, value));
        } catch (IllegalArgumentException e) {
            throw wrongJson(index, type, value, "Base64 (" + e.getMessage() + ")");
        }
    }

    private static long integral(int index, String type, JsonNode value, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw wrongJson(index, type, value, "a whole number between " + min + " and " + max);
        }
        return value.longValue();
    }

    private static IllegalArgumentException wrongJson(int index, String type, JsonNode value, String expected) {
        return new IllegalArgumentException("parameter " + index + " of type " + type + " must have a value that is "
                + expected + " but was " + value);
    }
}
