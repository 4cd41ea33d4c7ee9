package org.wal4j.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.wal4j.WalEntry;

/**
 * An entry that is one SQL statement with typed parameters: operation {@value #OPERATION},
 * payload {@code {"sql": "...", "params": [{"type": "decimal", "value": "12.30"}, ...]}}. Every
 * {@link JdbcSyncTarget} applies these entries, and so can any tool that reads the log (the
 * entry says all there is to say about its effect).
 *
 * <pre>{@code
 * WalEntry entry = SqlStatementEntry
 *         .builder("accounts", "UPDATE account SET balance = balance + ? WHERE id = ?", new BigDecimal("12.30"), 42L)
 *         .key("42")
 *         .build();
 * }</pre>
 *
 * <p>Parameters keep their Java type and exact value through the log: null, String, Boolean,
 * Short, Integer, Long, Float, Double, BigDecimal, Instant, OffsetDateTime, LocalDateTime,
 * LocalDate, LocalTime and byte[]. Any other type is refused when the entry is built.
 *
 * <p>Immutable and thread-safe.
 */
public final class SqlStatementEntry {
    /** The operation of SQL-statement entries. */
    public static final String OPERATION = "sql";
    /** Reads payloads as trees only; thread-safe once configured, as Jackson documents. */
    private static final ObjectMapper READER = new ObjectMapper();

    private final String sql;
    private final List<Object> parameters;

    private SqlStatementEntry(String sql, List<Object> parameters) {
        this.sql = sql;
        this.parameters = parameters;
    }

    /**
     * An SQL statement with its parameters in order.
     *
     * @throws IllegalArgumentException if {@code sql} is blank or holds more than one statement
     *                                  ({@link SqlStatementText}), or a parameter's type is not supported
     */
    public static SqlStatementEntry of(String sql, Object... parameters) {
        Objects.requireNonNull(parameters, "parameters must not be null");
        return of(sql, Arrays.asList(parameters));
    }

    /** As {@link #of(String, Object...)}; {@code parameters} may contain nulls. */
    public static SqlStatementEntry of(String sql, List<?> parameters) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("sql must not be null or blank");
        }
        return new SqlStatementEntry(SqlStatementText.requireSingleStatement(sql), SqlParameters.copyOf(parameters));
    }

    /** A builder of a {@value #OPERATION} entry in {@code namespace} for this statement. */
    public static WalEntry.Builder builder(String namespace, String sql, Object... parameters) {
        return of(sql, parameters).toEntryBuilder(namespace);
    }

    /**
     * Reads an SQL-statement entry back.
     *
     * @throws IllegalArgumentException if the entry's operation is not {@value #OPERATION} or its
     *                                  payload is not a valid statement; the message names the entry
     */
    public static SqlStatementEntry read(WalEntry entry) {
        Objects.requireNonNull(entry, "entry must not be null");
        if (!OPERATION.equals(entry.operation())) {
            throw new IllegalArgumentException("entry seq=" + entry.seq() + " id=" + entry.id() + " has operation '"
                    + entry.operation() + "', not '" + OPERATION + "'");
        }
        try {
            JsonNode payload = READER.readTree(entry.payload());
            JsonNode sql = payload == null ? null : payload.get("sql");
            if (sql == null || !sql.isTextual() || sql.textValue().isBlank()) {
                throw new IllegalArgumentException("payload must be an object with a non-blank string \"sql\"");
            }
            // written by other means than this class (or by an older version): checked here too
            return new SqlStatementEntry(SqlStatementText.requireSingleStatement(sql.textValue()),
                    SqlParameters.fromJson(payload.get("params")));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String reason = e instanceof JsonProcessingException
                    ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("entry seq=" + entry.seq() + " id=" + entry.id()
                    + " is not a valid SQL-statement entry: " + reason, e);
        }
    }

    /** A builder of a {@value #OPERATION} entry in {@code namespace} carrying this statement. */
    public WalEntry.Builder toEntryBuilder(String namespace) {
        return WalEntry.builder(namespace, OPERATION).payloadJson(toPayloadJson());
    }

    /** The payload as one line of JSON. */
    public String toPayloadJson() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("sql", sql);
        payload.set("params", SqlParameters.toJson(parameters));
        return payload.toString();
    }

    public String sql() {
        return sql;
    }

    /** The parameters in order, unmodifiable; nulls are SQL NULLs. A {@code byte[]} is shared: do not change it. */
    public List<Object> parameters() {
        return parameters;
    }

    /** Equal when the SQL text and every parameter's type and value are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SqlStatementEntry && toPayloadJson().equals(((SqlStatementEntry) o).toPayloadJson());
    }

    @Override
    public int hashCode() {
        return toPayloadJson().hashCode();
    }

    /** The SQL and the number of parameters; never the values, which may be sensitive. */
    @Override
    public String toString() {
        return "SqlStatementEntry{sql=" + sql + ", parameters=" + parameters.size() + '}';
    }
}
