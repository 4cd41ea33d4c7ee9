package org.wal4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wal4j.jdbc.SqlStatementEntry;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

/** {@code sync} and {@code replay} against H2 in server mode; and failures that need no particular engine. */
class H2SqlApplyTest extends SqlApplyContract {
    @Override
    DatabaseEngine engine() {
        return Engines.h2();
    }

    @TempDir
    Path other;

    @Test
    void sync_databaseUnreachable_exitsOneWithoutApplying() {
        TestLogs.append(other, List.of(SqlStatementEntry.builder("accounts", "DELETE FROM account").targets("primary")
                .build()));

        Cli.Result r = new Cli().run("sync", "--dir", other.toString(), "--jdbc-url",
                "jdbc:h2:tcp://127.0.0.1:1/./nowhere;password=secret", "--user", "sa");

        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("wal sync: cannot use the database jdbc:h2:tcp://127.0.0.1:1/./nowhere;"
                + "password=***: "), r.err());
        assertTrue(r.err().endsWith("; nothing was applied\n"), r.err());
    }
}
