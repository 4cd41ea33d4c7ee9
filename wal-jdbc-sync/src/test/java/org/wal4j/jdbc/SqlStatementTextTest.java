package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wal4j.WalEntry;

/** One statement per SQL entry: refused when built and when read, semicolons in literals and comments allowed. */
class SqlStatementTextTest {
    @Test
    void twoStatements_areRefusedWhenBuilt_namingTheStatementAndWhereTheSecondStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SqlStatementEntry.of("UPDATE t SET a = 1; INSERT INTO t VALUES (2)"));
        assertEquals("sql must be a single statement, but a second statement starts at offset 20: "
                + "\"UPDATE t SET a = 1; INSERT INTO t VALUES (2)\"", e.getMessage());
    }

    @Test
    void semicolonsInsideLiteralsIdentifiersCommentsAndDollarQuotes_areOneStatement() {
        for (String sql : List.of(
                "INSERT INTO t VALUES ('a;b')",
                "INSERT INTO t VALUES ('it''s; fine')",
                "INSERT INTO t VALUES (E'a\\';b')",
                "SELECT \"we;ird\" FROM t",
                "SELECT `we;ird` FROM t",
                "UPDATE t SET a = 1 -- ; DELETE FROM t\n WHERE id = 2",
                "UPDATE t SET a = 1 /* ; /* nested; */ DELETE ; */ WHERE id = 2",
                "DO $body$ BEGIN UPDATE t SET a = 1; DELETE FROM u; END $body$",
                "SELECT $$a;b$$",
                "UPDATE t SET a = $1",
                "UPDATE t SET a = 1;",
                "UPDATE t SET a = 1 ;  -- trailing\n ; /* end */ ")) {
            assertEquals(sql, SqlStatementText.requireSingleStatement(sql), sql);
        }
    }

    @Test
    void aSecondStatementAfterALiteralOrComment_isFound() {
        for (String sql : List.of(
                "INSERT INTO t VALUES ('a;b'); DELETE FROM t",
                "UPDATE t SET a = 1 /* c */; DELETE FROM t",
                "SELECT $x$;$x$; DELETE FROM t",
                // MySQL reads \' as an escaped quote, PostgreSQL as the literal's end: refused either way
                "INSERT INTO t VALUES ('a\\'); DELETE FROM t; -- ')")) {
            assertThrows(IllegalArgumentException.class, () -> SqlStatementText.requireSingleStatement(sql), sql);
        }
    }

    @Test
    void aMultiStatementEntryWrittenByOtherMeans_isRefusedWhenRead() {
        WalEntry raw = WalEntry.builder("accounts", SqlStatementEntry.OPERATION)
                .payloadJson("{\"sql\":\"UPDATE t SET a = 1; INSERT INTO t VALUES (2)\",\"params\":[]}").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlStatementEntry.read(raw));
        assertEquals("entry seq=" + raw.seq() + " id=" + raw.id() + " is not a valid SQL-statement entry: sql must be "
                + "a single statement, but a second statement starts at offset 20: "
                + "\"UPDATE t SET a = 1; INSERT INTO t VALUES (2)\"", e.getMessage());
    }
}
