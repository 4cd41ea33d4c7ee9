package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SqlDialectTest {

    @ParameterizedTest
    @EnumSource(SqlDialect.class)
    void shippedDdl_createsTheTablesIfNotExists_andTheirIndexesByTime(SqlDialect dialect) {
        List<String> ddl = dialect.ddl(JdbcSyncTarget.DEFAULT_APPLIED_KEYS_TABLE, JdbcSyncTarget.DEFAULT_CHECKPOINT_TABLE);
        assertTrue(ddl.get(0).startsWith("CREATE TABLE IF NOT EXISTS wal4j_applied_keys ("), ddl.get(0));
        assertTrue(ddl.get(0).contains("PRIMARY KEY (target_name, idempotency_key)"), ddl.get(0));
        assertTrue(ddl.get(ddl.size() - 2).startsWith("CREATE TABLE IF NOT EXISTS wal4j_checkpoints ("), ddl.toString());
        assertTrue(ddl.get(ddl.size() - 1).startsWith("CREATE TABLE IF NOT EXISTS wal4j_partition_owners ("),
                ddl.toString());
        assertTrue(ddl.get(ddl.size() - 1).contains("PRIMARY KEY (target_name, partition_no)"), ddl.toString());
        if (dialect == SqlDialect.MYSQL) {
            assertEquals(4, ddl.size(), ddl::toString);
            assertTrue(ddl.get(0).contains("INDEX wal4j_applied_keys_by_time (target_name, applied_at)"), ddl.get(0));
            assertTrue(ddl.get(1).startsWith("CREATE TABLE IF NOT EXISTS wal4j_applied_keys_rejected ("), ddl.get(1));
            assertTrue(ddl.get(1).contains("INDEX wal4j_applied_keys_rejected_by_time (target_name, rejected_at)"),
                    ddl.get(1));
        } else {
            assertEquals(6, ddl.size(), ddl::toString);
            assertEquals("CREATE INDEX IF NOT EXISTS wal4j_applied_keys_by_time ON wal4j_applied_keys (target_name, "
                    + "applied_at)", ddl.get(1));
            assertTrue(ddl.get(2).startsWith("CREATE TABLE IF NOT EXISTS wal4j_applied_keys_rejected ("), ddl.get(2));
            assertEquals("CREATE INDEX IF NOT EXISTS wal4j_applied_keys_rejected_by_time ON wal4j_applied_keys_rejected "
                    + "(target_name, rejected_at)", ddl.get(3));
        }
    }

    @ParameterizedTest
    @EnumSource(SqlDialect.class)
    void ddl_usesConfiguredNames(SqlDialect dialect) {
        List<String> ddl = dialect.ddl("ops.applied", "ops.marks", "ops.owners");
        assertTrue(ddl.get(0).startsWith("CREATE TABLE IF NOT EXISTS ops.applied ("), ddl.get(0));
        assertTrue(ddl.get(ddl.size() - 2).startsWith("CREATE TABLE IF NOT EXISTS ops.marks ("), ddl.toString());
        assertTrue(ddl.get(ddl.size() - 1).startsWith("CREATE TABLE IF NOT EXISTS ops.owners ("), ddl.toString());
        assertTrue(ddl.stream().noneMatch(s -> s.contains("wal4j_")), ddl.toString());
        switch (dialect) {
            case POSTGRESQL:
                assertEquals("CREATE INDEX IF NOT EXISTS applied_by_time ON ops.applied (target_name, applied_at)",
                        ddl.get(1));
                break;
            case H2:
                assertEquals("CREATE INDEX IF NOT EXISTS ops.applied_by_time ON ops.applied (target_name, applied_at)",
                        ddl.get(1));
                break;
            default:
                assertTrue(ddl.get(0).contains("INDEX applied_by_time (target_name, applied_at)"), ddl.get(0));
        }
        assertTrue(ddl.stream().anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS ops.applied_rejected (")),
                ddl.toString());
    }

    @ParameterizedTest
    @EnumSource(SqlDialect.class)
    void ddl_withTwoNames_keepsTheDefaultPartitionOwnersTable(SqlDialect dialect) {
        List<String> ddl = dialect.ddl("ops.applied", "ops.marks");
        assertTrue(ddl.get(ddl.size() - 1).startsWith("CREATE TABLE IF NOT EXISTS "
                + JdbcSyncTarget.DEFAULT_PARTITION_OWNERS_TABLE + " ("), ddl.toString());
        assertEquals("partitionOwnersTable must be an unquoted SQL identifier matching " + SqlIdentifiers.TABLE_RULE
                + " but was 'a b'", assertThrows(IllegalArgumentException.class,
                        () -> dialect.ddl("ok", "ok2", "a b")).getMessage());
    }

    @Test
    void rejectedCallsTable_isTheKeysTableWithASuffix_withinIdentifierLimits() {
        assertEquals("wal4j_applied_keys_rejected", SqlDialect.rejectedCallsTable("wal4j_applied_keys"));
        assertEquals("s." + "k".repeat(54) + "_rejected", SqlDialect.rejectedCallsTable("s." + "k".repeat(63)));
    }

    @Test
    void indexName_staysWithinIdentifierLimits() {
        String longest = "k".repeat(63);
        assertEquals("k".repeat(55) + "_by_time", SqlDialect.POSTGRESQL.indexName(longest));
        assertEquals("s." + "k".repeat(55) + "_by_time", SqlDialect.H2.indexName("s." + longest));
        assertEquals("k".repeat(55) + "_by_time", SqlDialect.MYSQL.indexName("s." + longest));
    }

    @Test
    void ddl_refusesNamesThatAreNotPlainIdentifiers() {
        for (String bad : new String[] {"a b", "x;DROP TABLE y", "\"quoted\"", "1abc", "a.b.c", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SqlDialect.H2.ddl(bad, "ok"));
            assertEquals("appliedKeysTable must be an unquoted SQL identifier matching " + SqlIdentifiers.TABLE_RULE
                    + " but was '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void named_acceptsCommonNames() {
        assertEquals(SqlDialect.POSTGRESQL, SqlDialect.named("Postgres"));
        assertEquals(SqlDialect.POSTGRESQL, SqlDialect.named("postgresql"));
        assertEquals(SqlDialect.MYSQL, SqlDialect.named("MariaDB"));
        assertEquals(SqlDialect.MYSQL, SqlDialect.named("mysql"));
        assertEquals(SqlDialect.H2, SqlDialect.named(" h2 "));
        assertEquals("SQL dialect must be one of postgresql, postgres, mysql, mariadb, h2 but was 'oracle'",
                assertThrows(IllegalArgumentException.class, () -> SqlDialect.named("oracle")).getMessage());
    }

    @Test
    void detect_embeddedH2() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:detect")) {
            assertEquals(SqlDialect.H2, SqlDialect.detect(connection.getMetaData()));
        }
    }

    @Test
    void ddlResource_pathsAreOnTheClassPath() {
        for (SqlDialect dialect : SqlDialect.values()) {
            assertTrue(SqlDialect.class.getResource(dialect.ddlResource()) != null, dialect.ddlResource());
        }
        assertEquals("/org/wal4j/jdbc/ddl/mysql.sql", SqlDialect.MYSQL.ddlResource());
    }
}
