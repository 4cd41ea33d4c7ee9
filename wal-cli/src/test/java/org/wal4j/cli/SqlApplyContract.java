package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.EntryStatus;
import org.wal4j.WalAction;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.SqlStatementEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.storage.file.FileWalStorage;

/**
 * {@code wal sync} and {@code wal replay} against a real database engine: the backlog applied once,
 * a re-run or a replay changing nothing, a restore from backup made whole by a replay.
 */
abstract class SqlApplyContract {
    private static final String ADD = "UPDATE account SET balance = balance + ? WHERE id = ?";
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final Cli cli = new Cli();
    private TestDatabase db;

    abstract DatabaseEngine engine();

    @BeforeEach
    void databaseAndLog() throws SQLException {
        db = engine().createDatabase("cli_" + getClass().getSimpleName());
        db.execute("CREATE TABLE account (id BIGINT PRIMARY KEY, balance DECIMAL(12, 2) NOT NULL)",
                "INSERT INTO account (id, balance) VALUES (1, 0)");
        List<WalEntry> entries = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            entries.add(SqlStatementEntry.builder("accounts", ADD, new BigDecimal(i), 1L).key("account-1")
                    .targets("primary").createdAt(T.plusSeconds(i)).build());
        }
        // for another target: the command leaves it alone
        entries.add(SqlStatementEntry.builder("accounts", ADD, new BigDecimal(100), 1L).targets("replica")
                .createdAt(T.plusSeconds(6)).build());
        TestLogs.append(dir, entries);
    }

    private String[] args(String command, String... more) {
        List<String> a = new ArrayList<>(List.of(command, "--dir", dir.toString(), "--jdbc-url", db.jdbcUrl(),
                "--user", db.user(), "--password", db.password(), "--timeout", "30s"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    private BigDecimal balance() throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT balance FROM account WHERE id = 1");
             ResultSet rows = s.executeQuery()) {
            rows.next();
            return rows.getBigDecimal(1).setScale(2);
        }
    }

    private JsonNode runJson(String command, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of(more));
        a.add("--json");
        Cli.Result r = cli.run(args(command, a.toArray(new String[0])));
        assertEquals(0, r.exitCode(), r::toString);
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void sync_appliesTheBacklogOnce_andARerunChangesNothing() throws Exception {
        JsonNode first = runJson("sync");

        assertEquals(5, first.get("applied").asLong());
        assertEquals(0, first.get("unfinished").asLong());
        assertEquals(0, first.get("deadLettered").asLong());
        assertEquals(5, first.get("checkpoint").asLong());
        assertEquals(new BigDecimal("15.00"), balance());

        JsonNode again = runJson("sync");

        assertEquals(0, again.get("applied").asLong());
        assertEquals(new BigDecimal("15.00"), balance());
        try (FileWalStorage storage = TestLogs.open(dir)) {
            assertEquals(Optional.of(EntryStatus.APPLIED), storage.status(5, "primary"));
            assertEquals(Optional.of(EntryStatus.PENDING), storage.status(6, "replica"));
            assertEquals(6, storage.checkpoint("primary")); // seq 6 does not name primary
        }
    }

    @Test
    void replay_ofEntriesTheDatabaseHas_isExactlyOnceInEffect_andAudited() throws Exception {
        runJson("sync");

        JsonNode replay = runJson("replay", "--as", "bob");

        assertEquals(5, replay.get("madePending").asLong());
        assertEquals(5, replay.get("applied").asLong());
        assertEquals(new BigDecimal("15.00"), balance());
        assertTrue(cli.audit.stream().anyMatch(e -> e.action() == WalAction.REAPPLY && e.userId().equals("bob")
                && e.target().equals("primary") && e.count() == 5), cli.audit::toString);
    }

    @Test
    void replay_afterARestoreFromBackup_reappliesWhatTheBackupLacks() throws Exception {
        runJson("sync");
        // the backup was taken after entries 1 and 2: their effect and their keys are in it, 3..5 are not
        db.execute("UPDATE account SET balance = 3 WHERE id = 1",
                "DELETE FROM wal4j_applied_keys WHERE entry_seq > 2");

        JsonNode replay = runJson("replay", "--from", T.plusSeconds(1).toString());

        assertEquals(5, replay.get("madePending").asLong());
        assertEquals(new BigDecimal("15.00"), balance());
    }

    @Test
    void replay_filters_byTime() throws Exception {
        runJson("sync");
        db.execute("UPDATE account SET balance = 10 WHERE id = 1", "DELETE FROM wal4j_applied_keys WHERE entry_seq = 5");

        Cli.Result r = cli.run(args("replay", "--from", T.plusSeconds(5).toString(), "--to", T.plusSeconds(6).toString()));

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("Made pending     1\n"), r.out());
        assertEquals(new BigDecimal("15.00"), balance());
    }

    @Test
    void sync_refusesABacklogWithEntriesOnlyTheApplicationCanApply() throws Exception {
        TestLogs.append(dir, List.of(WalEntry.builder("orders", "debit").payloadJson("{}").targets("primary")
                .build()));

        Cli.Result r = cli.run(args("sync"));

        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("wal sync: entry 7 (namespace 'orders', operation 'debit') waits for target 'primary' but is not "
                + "an SQL-statement entry (operation 'sql'); only the application can apply it. Nothing was applied\n",
                r.err());
        assertEquals(new BigDecimal("0.00"), balance());
    }
}
