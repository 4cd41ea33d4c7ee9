package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.spi.ApplyResult;
import org.wal4j.spi.TargetHealth;

/** A target whose database cannot be reached, and the builder's validation. */
class JdbcSyncTargetUnavailableTest {
    private static PGSimpleDataSource nowhere;

    @BeforeAll
    static void closedPort() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        nowhere = new PGSimpleDataSource();
        nowhere.setServerNames(new String[] {"127.0.0.1"});
        nowhere.setPortNumbers(new int[] {port});
        nowhere.setDatabaseName("none");
        nowhere.setConnectTimeout(2);
    }

    @Test
    void apply_withTheDatabaseDown_isRetryableAtTheFirstEntry_namingTargetAndSqlState() {
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", nowhere).build();

        ApplyResult result = target.apply(List.of(Entries.sql(1, "SELECT 1"), Entries.sql(2, "SELECT 2")));

        assertEquals(0, result.failedIndex());
        assertEquals(ApplyResult.Outcome.RETRYABLE, result.outcome(0));
        assertEquals(ApplyResult.Outcome.NOT_APPLIED, result.outcome(1));
        assertTrue(result.reason().startsWith("target 'primary': cannot get a connection; nothing was applied: "
                + "SQLSTATE 08001"), result.reason());
    }

    @Test
    void probe_withTheDatabaseDown_isDown() {
        TargetHealth health = JdbcSyncTarget.builder("primary", nowhere).build().probe();
        assertEquals(TargetHealth.State.DOWN, health.state());
        assertTrue(health.detail().startsWith("target 'primary': SQLSTATE 08001"), health.detail());
    }

    @Test
    void checkpointAndSchema_withTheDatabaseDown_throwNamingTheTable() {
        JdbcSyncTarget target = JdbcSyncTarget.builder("primary", nowhere).checkpointTable("cp").build();
        JdbcTargetException e = assertThrows(JdbcTargetException.class, target::checkpoint);
        assertTrue(e.getMessage().startsWith("target 'primary': cannot read the checkpoint from tables cp and wal4j_applied_keys: "
                + "SQLSTATE 08001"),
                e.getMessage());
        assertEquals("primary", e.target());
        assertTrue(assertThrows(JdbcTargetException.class, target::createSchema).getMessage()
                .startsWith("target 'primary': cannot create the schema (tables wal4j_applied_keys, cp, wal4j_partition_owners): SQLSTATE 08001"));
        assertTrue(assertThrows(JdbcTargetException.class, target::dialect).getMessage()
                .startsWith("target 'primary': cannot detect the SQL dialect: SQLSTATE 08001"));
    }

    @Test
    void builder_validatesEachSetting() {
        assertEquals("target name must match [A-Za-z0-9._-]{1,64} but was 'bad name'", assertThrows(
                IllegalArgumentException.class, () -> JdbcSyncTarget.builder("bad name", nowhere)).getMessage());
        assertEquals("dataSource must not be null", assertThrows(NullPointerException.class,
                () -> JdbcSyncTarget.builder("ok", null)).getMessage());
        JdbcSyncTarget.Builder builder = JdbcSyncTarget.builder("ok", nowhere);
        assertEquals("queryTimeout must be whole seconds between 0 s and 2147483647 s but was PT0.5S", assertThrows(
                IllegalArgumentException.class, () -> builder.queryTimeout(Duration.ofMillis(500))).getMessage());
        assertEquals("probeTimeout must be whole seconds between 1 s and 2147483647 s but was PT0S", assertThrows(
                IllegalArgumentException.class, () -> builder.probeTimeout(Duration.ZERO)).getMessage());
        assertEquals("connectionTimeout must be whole milliseconds between PT0.1S and PT1H but was PT0.099S",
                assertThrows(IllegalArgumentException.class,
                        () -> builder.connectionTimeout(Duration.ofMillis(99))).getMessage());
        assertEquals("connectionTimeout must be whole milliseconds between PT0.1S and PT1H but was PT1H0.001S",
                assertThrows(IllegalArgumentException.class,
                        () -> builder.connectionTimeout(Duration.ofHours(1).plusMillis(1))).getMessage());
        assertEquals("connectionTimeout must be whole milliseconds between PT0.1S and PT1H but was PT1.0000001S",
                assertThrows(IllegalArgumentException.class,
                        () -> builder.connectionTimeout(Duration.ofSeconds(1, 100))).getMessage());
        assertEquals("connectionTimeout must not be null", assertThrows(NullPointerException.class,
                () -> builder.connectionTimeout(null)).getMessage());
        assertEquals("networkTimeout must be PT0S (none) or whole milliseconds between PT0.1S and PT596H31M23.647S "
                + "but was PT0.05S", assertThrows(IllegalArgumentException.class,
                        () -> builder.networkTimeout(Duration.ofMillis(50))).getMessage());
        assertEquals("networkTimeout must be PT0S (none) or whole milliseconds between PT0.1S and PT596H31M23.647S "
                + "but was PT-1S", assertThrows(IllegalArgumentException.class,
                        () -> builder.networkTimeout(Duration.ofSeconds(-1))).getMessage());
        assertEquals("networkTimeout must be PT0S (none) or whole milliseconds between PT0.1S and PT596H31M23.647S "
                + "but was PT596H31M23.648S", assertThrows(IllegalArgumentException.class,
                        () -> builder.networkTimeout(Duration.ofMillis(Integer.MAX_VALUE + 1L))).getMessage());
        builder.networkTimeout(Duration.ZERO).connectionTimeout(Duration.ofMillis(100));
        assertEquals("checkpointTable must be an unquoted SQL identifier matching " + SqlIdentifiers.TABLE_RULE
                + " but was 'x y'", assertThrows(IllegalArgumentException.class, () -> builder.checkpointTable("x y"))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.applier("", (e, c) -> { }));
        assertEquals("applier must not be null", assertThrows(NullPointerException.class,
                () -> builder.applier("op", null)).getMessage());
    }

    @Test
    void apply_refusesAnEmptyBatch() {
        assertEquals("batch must not be empty", assertThrows(IllegalArgumentException.class,
                () -> JdbcSyncTarget.builder("primary", nowhere).build().apply(List.of())).getMessage());
    }
}
