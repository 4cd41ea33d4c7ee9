package org.wal4j.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The databases {@link JdbcSyncTarget} knows how to keep its bookkeeping tables in. Everything
 * the target does at run time is standard SQL; what differs is the DDL of the applied-keys and
 * checkpoint tables, which each dialect ships as a resource ({@link #ddlResource()}) that you can
 * also run yourself, for example from a migration tool.
 *
 * <p>Immutable and thread-safe.
 */
public enum SqlDialect {
    /** PostgreSQL 9.5 or later. */
    POSTGRESQL("postgresql", "postgres"),
    /** MySQL 5.7 or later and MariaDB 10.2 or later: one dialect, the same DDL. */
    MYSQL("mysql", "mariadb"),
    /** H2 2.x, embedded or server mode. */
    H2("h2");

    /** The applied-keys table name used in the shipped DDL. */
    static final String DDL_APPLIED_KEYS_TABLE = "wal4j_applied_keys";
    /** The checkpoint table name used in the shipped DDL. */
    static final String DDL_CHECKPOINT_TABLE = "wal4j_checkpoints";
    /** The name of the applied-keys table's index by time in the shipped DDL. */
    static final String DDL_APPLIED_KEYS_INDEX = "wal4j_applied_keys_by_time";
    /** The rejected-calls table name used in the shipped DDL: the applied-keys table's with {@value #REJECTED_SUFFIX}. */
    static final String DDL_REJECTED_CALLS_TABLE = "wal4j_applied_keys_rejected";
    /** The name of the rejected-calls table's index by time in the shipped DDL. */
    static final String DDL_REJECTED_CALLS_INDEX = "wal4j_applied_keys_rejected_by_time";
    /** The partition-owners table name used in the shipped DDL. */
    static final String DDL_PARTITION_OWNERS_TABLE = "wal4j_partition_owners";
    /** Appended to the applied-keys table's name to name the rejected-calls table. */
    static final String REJECTED_SUFFIX = "_rejected";
    /** Longest index name derived from a table name: within PostgreSQL's 63 and MySQL's 64 characters. */
    private static final int MAX_INDEX_NAME = 63;

    private static final Pattern APPLIED_KEYS_NAME = Pattern.compile("\\b" + DDL_APPLIED_KEYS_TABLE + "\\b");
    private static final Pattern CHECKPOINT_NAME = Pattern.compile("\\b" + DDL_CHECKPOINT_TABLE + "\\b");
    private static final Pattern INDEX_NAME = Pattern.compile("\\b" + DDL_APPLIED_KEYS_INDEX + "\\b");
    private static final Pattern REJECTED_NAME = Pattern.compile("\\b" + DDL_REJECTED_CALLS_TABLE + "\\b");
    private static final Pattern OWNERS_NAME = Pattern.compile("\\b" + DDL_PARTITION_OWNERS_TABLE + "\\b");
    private static final Pattern REJECTED_INDEX_NAME = Pattern.compile("\\b" + DDL_REJECTED_CALLS_INDEX + "\\b");

    @SuppressWarnings("ImmutableEnumChecker") // List.of(...) in the constructor: unmodifiable
    private final List<String> names;

    SqlDialect(String... names) {
        this.names = List.of(names);
    }

    /**
     * The dialect for a database, from {@link DatabaseMetaData#getDatabaseProductName()}.
     *
     * @throws IllegalArgumentException for a database wal4j has no dialect for; name one with
     *                                  {@link JdbcSyncTarget.Builder#dialect(SqlDialect)} if it
     *                                  speaks one of these
     */
    public static SqlDialect detect(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        String lower = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (lower.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (lower.contains("mysql") || lower.contains("mariadb")) {
            return MYSQL;
        }
        if (lower.equals("h2")) {
            return H2;
        }
        throw new IllegalArgumentException("no SQL dialect for database product '" + product + "' (version "
                + metaData.getDatabaseProductVersion() + "); supported: " + Arrays.toString(values())
                + "; name one explicitly if the database speaks one of them");
    }

    /**
     * The dialect with this name, case-insensitive: {@code postgresql} or {@code postgres},
     * {@code mysql} or {@code mariadb}, {@code h2}.
     */
    public static SqlDialect named(String name) {
        if (name != null) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            for (SqlDialect dialect : values()) {
                if (dialect.names.contains(lower)) {
                    return dialect;
                }
            }
        }
        throw new IllegalArgumentException("SQL dialect must be one of postgresql, postgres, mysql, mariadb, h2 but was '"
                + name + "'");
    }

    /**
     * An insert of one applied key that does nothing if the key is there: parameters target
     * name, idempotency key, entry seq, entry id; update count 1 if inserted, 0 if present. A
     * point operation on the primary key, so its cost does not grow with the table; it waits for
     * a concurrent transaction inserting the same key and then does nothing if that one commits.
     * MySQL's {@code INSERT IGNORE} also ignores other errors (truncation): the columns are sized
     * so that validated keys, ids and target names always fit.
     */
    String insertKeyIfAbsent(String table) {
        switch (this) {
            case POSTGRESQL:
                return "INSERT INTO " + table + " (target_name, idempotency_key, entry_seq, entry_id) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (target_name, idempotency_key) DO NOTHING";
            case MYSQL:
                return "INSERT IGNORE INTO " + table + " (target_name, idempotency_key, entry_seq, entry_id) "
                        + "VALUES (?, ?, ?, ?)";
            default:
                return "MERGE INTO " + table + " k USING (VALUES (CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(512)), "
                        + "CAST(? AS BIGINT), CAST(? AS VARCHAR(512)))) s (target_name, idempotency_key, entry_seq, entry_id) "
                        + "ON k.target_name = s.target_name AND k.idempotency_key = s.idempotency_key "
                        + "WHEN NOT MATCHED THEN INSERT (target_name, idempotency_key, entry_seq, entry_id) "
                        + "VALUES (s.target_name, s.idempotency_key, s.entry_seq, s.entry_id)";
        }
    }

    /**
     * The nullable column type of {@code call_outcome} in the applied-keys table: what a call with
     * a request id returned, as JSON.
     */
    String callOutcomeType() {
        switch (this) {
            case POSTGRESQL:
                return "TEXT";
            case MYSQL:
                return "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
            default:
                return "CHARACTER LARGE OBJECT";
        }
    }

    /** Adds {@code call_outcome} to an applied-keys table created before it existed. */
    String addCallOutcomeColumn(String table) {
        return "ALTER TABLE " + table + " ADD COLUMN call_outcome " + callOutcomeType();
    }

    /** Stores a call's outcome in its key's row: parameters outcome, target name, idempotency key. */
    String updateCallOutcome(String table) {
        return "UPDATE " + table + " SET call_outcome = ? WHERE target_name = ? AND idempotency_key = ?";
    }

    /** Reads a key's stored call outcome: parameters target name, idempotency key; no row if the key is absent. */
    String selectCallOutcome(String table) {
        return "SELECT call_outcome FROM " + table + " WHERE target_name = ? AND idempotency_key = ?";
    }

    /**
     * The name of the rejected-calls table that goes with an applied-keys table: the same schema,
     * the name with {@value #REJECTED_SUFFIX} appended (cut to stay within 63 characters).
     */
    static String rejectedCallsTable(String appliedKeysTable) {
        int dot = appliedKeysTable.indexOf('.');
        String schema = dot < 0 ? "" : appliedKeysTable.substring(0, dot + 1);
        String table = appliedKeysTable.substring(dot + 1);
        return schema + table.substring(0, Math.min(table.length(), MAX_INDEX_NAME - REJECTED_SUFFIX.length()))
                + REJECTED_SUFFIX;
    }

    /**
     * Forgets the rejection stored for a key (one left by an earlier delivery of the same entry),
     * before {@link #insertRejectedCall}: parameters target name, idempotency key.
     */
    String deleteRejectedCall(String table) {
        return "DELETE FROM " + table + " WHERE target_name = ? AND idempotency_key = ?";
    }

    /** Stores a rejected call: parameters target name, idempotency key, entry seq, entry id, outcome. */
    String insertRejectedCall(String table) {
        return "INSERT INTO " + table + " (target_name, idempotency_key, entry_seq, entry_id, call_outcome) "
                + "VALUES (?, ?, ?, ?, ?)";
    }

    /** Reads a rejected call's stored outcome: parameters target name, idempotency key; no row if none. */
    String selectRejectedCall(String table) {
        return "SELECT call_outcome FROM " + table + " WHERE target_name = ? AND idempotency_key = ?";
    }

    /**
     * A bounded delete of one target's rejected calls older than a retention, oldest first:
     * parameters target name, retention in seconds, most rows.
     */
    String deleteRejectedCallsOlderThan(String table) {
        switch (this) {
            case POSTGRESQL:
                return "DELETE FROM " + table + " WHERE (target_name, idempotency_key) IN (SELECT target_name, "
                        + "idempotency_key FROM " + table + " WHERE target_name = ? AND rejected_at < " + olderThan()
                        + " ORDER BY rejected_at LIMIT ?)";
            case MYSQL:
                return "DELETE FROM " + table + " WHERE target_name = ? AND rejected_at < " + olderThan()
                        + " ORDER BY rejected_at LIMIT ?";
            default:
                return "DELETE FROM " + table + " WHERE target_name = ? AND rejected_at < " + olderThan()
                        + " FETCH FIRST ? ROWS ONLY";
        }
    }

    /**
     * The highest {@code entry_seq} among the oldest expired keys of one target, the ones the next
     * {@link #deleteKeysOlderThan} would pick: parameters target name, retention in seconds, most
     * rows; NULL if none expired. Served by the index on {@code (target_name, applied_at)}.
     */
    String highestSeqOfKeysOlderThan(String table) {
        return "SELECT MAX(entry_seq) FROM (SELECT entry_seq FROM " + table + " WHERE target_name = ? AND applied_at < "
                + olderThan() + " ORDER BY applied_at " + limit() + ") oldest";
    }

    /**
     * A bounded delete of one target's applied keys older than a retention, oldest first, with
     * the database's own clock (the one that wrote {@code applied_at}), whose seq is at most a
     * bound: parameters target name, retention in seconds, highest seq, most rows. Served by the
     * index on {@code (target_name, applied_at)}. The bound is the seq the checkpoint row was
     * moved to first ({@link CheckpointRow}): a key that expired after that was read stays.
     */
    String deleteKeysOlderThan(String table) {
        switch (this) {
            case POSTGRESQL:
                return "DELETE FROM " + table + " WHERE (target_name, idempotency_key) IN (SELECT target_name, "
                        + "idempotency_key FROM " + table + " WHERE target_name = ? AND applied_at < " + olderThan()
                        + " AND entry_seq <= ? ORDER BY applied_at LIMIT ?)";
            case MYSQL:
                return "DELETE FROM " + table + " WHERE target_name = ? AND applied_at < " + olderThan()
                        + " AND entry_seq <= ? ORDER BY applied_at LIMIT ?";
            default:
                return "DELETE FROM " + table + " WHERE target_name = ? AND applied_at < " + olderThan()
                        + " AND entry_seq <= ? FETCH FIRST ? ROWS ONLY";
        }
    }

    /** The time a retention (a parameter, in seconds) before the database's now. */
    private String olderThan() {
        switch (this) {
            case POSTGRESQL:
                return "CURRENT_TIMESTAMP - CAST(? AS DOUBLE PRECISION) * INTERVAL '1 second'";
            case MYSQL:
                return "NOW(6) - INTERVAL ? SECOND";
            default:
                return "DATEADD(SECOND, -CAST(? AS BIGINT), CURRENT_TIMESTAMP)";
        }
    }

    /** At most a number of rows (a parameter), after an ORDER BY. */
    private String limit() {
        return this == H2 ? "FETCH FIRST ? ROWS ONLY" : "LIMIT ?";
    }

    /**
     * The name of the applied-keys table's index by time, derived from the table's name: index
     * names are per schema in PostgreSQL and H2, so two tables need two names. PostgreSQL puts an
     * index in its table's schema and wants it unqualified; H2 wants the table's schema.
     */
    String indexName(String appliedKeysTable) {
        int dot = appliedKeysTable.indexOf('.');
        String schema = dot < 0 ? "" : appliedKeysTable.substring(0, dot + 1);
        String table = appliedKeysTable.substring(dot + 1);
        String name = table.substring(0, Math.min(table.length(), MAX_INDEX_NAME - "_by_time".length())) + "_by_time";
        return this == H2 ? schema + name : name;
    }

    /**
     * The class-path resource holding this dialect's DDL with the default table names, such as
     * {@code /org/wal4j/jdbc/ddl/postgresql.sql}. Statements end with a semicolon at the end of
     * a line; lines starting with {@code --} are comments.
     */
    public String ddlResource() {
        return "/org/wal4j/jdbc/ddl/" + names.get(0) + ".sql";
    }

    /**
     * The DDL statements ({@code CREATE TABLE IF NOT EXISTS}, and {@code CREATE INDEX IF NOT EXISTS}
     * where the dialect cannot declare the index in the table) for the given table names and the
     * default partition-owners table ({@link JdbcSyncTarget#DEFAULT_PARTITION_OWNERS_TABLE}), each
     * without its closing semicolon.
     *
     * @throws IllegalArgumentException if a name is not a plain SQL identifier
     */
    public List<String> ddl(String appliedKeysTable, String checkpointTable) {
        return ddl(appliedKeysTable, checkpointTable, DDL_PARTITION_OWNERS_TABLE);
    }

    /**
     * The DDL statements ({@code CREATE TABLE IF NOT EXISTS}, and {@code CREATE INDEX IF NOT EXISTS}
     * where the dialect cannot declare the index in the table) for the given table names, each
     * without its closing semicolon.
     *
     * @throws IllegalArgumentException if a name is not a plain SQL identifier
     */
    public List<String> ddl(String appliedKeysTable, String checkpointTable, String partitionOwnersTable) {
        String keys = Matcher.quoteReplacement(SqlIdentifiers.table("appliedKeysTable", appliedKeysTable));
        String checkpoints = Matcher.quoteReplacement(SqlIdentifiers.table("checkpointTable", checkpointTable));
        String owners = Matcher.quoteReplacement(SqlIdentifiers.table("partitionOwnersTable", partitionOwnersTable));
        String index = Matcher.quoteReplacement(indexName(appliedKeysTable));
        String rejected = Matcher.quoteReplacement(rejectedCallsTable(appliedKeysTable));
        String rejectedIndex = Matcher.quoteReplacement(indexName(rejectedCallsTable(appliedKeysTable)));
        List<String> statements = new ArrayList<>();
        for (String statement : shippedDdl()) {
            String renamed = REJECTED_INDEX_NAME.matcher(statement).replaceAll(rejectedIndex);
            renamed = REJECTED_NAME.matcher(renamed).replaceAll(rejected);
            renamed = INDEX_NAME.matcher(renamed).replaceAll(index);
            renamed = APPLIED_KEYS_NAME.matcher(renamed).replaceAll(keys);
            renamed = OWNERS_NAME.matcher(renamed).replaceAll(owners);
            statements.add(CHECKPOINT_NAME.matcher(renamed).replaceAll(checkpoints));
        }
        return List.copyOf(statements);
    }

    private List<String> shippedDdl() {
        try (InputStream in = SqlDialect.class.getResourceAsStream(ddlResource())) {
            if (in == null) {
                throw new IllegalStateException("DDL resource " + ddlResource() + " is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> statements = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                    continue;
                }
                if (current.length() > 0) {
                    current.append('\n');
                }
                if (trimmed.endsWith(";")) {
                    current.append(line, 0, line.lastIndexOf(';'));
                    statements.add(current.toString());
                    current.setLength(0);
                } else {
                    current.append(line);
                }
            }
            if (current.length() > 0) {
                throw new IllegalStateException("DDL resource " + ddlResource() + " ends without a semicolon after: "
                        + current);
            }
            return statements;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read DDL resource " + ddlResource(), e);
        }
    }
}
