package org.wal4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.wal4j.WalEntry;
import org.wal4j.jdbc.testing.Engines;
import org.wal4j.jdbc.testing.Entries;
import org.wal4j.jdbc.testing.TestDatabase;
import org.wal4j.spi.ApplyResult;

/**
 * A constraint checked at commit (PostgreSQL's {@code DEFERRABLE INITIALLY DEFERRED}; MariaDB and
 * H2 have none) fails the commit, not an entry: one entry is reported permanent, a larger batch
 * is thrown back so that the engine splits it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresDeferredConstraintTest {
    TestDatabase db;

    @BeforeAll
    void createDatabase() throws SQLException {
        db = Engines.postgresql().createDatabase("deferred");
        db.execute("CREATE TABLE slot (id BIGINT PRIMARY KEY, code VARCHAR(20) NOT NULL, "
                + "CONSTRAINT slot_code_unique UNIQUE (code) DEFERRABLE INITIALLY DEFERRED)",
                "INSERT INTO slot (id, code) VALUES (1, 'taken')");
    }

    @Test
    void commitFailure_ofOneEntry_isPermanent_ofABatch_isThrownForSplitting() throws SQLException {
        JdbcSyncTarget target = JdbcSyncTarget.builder("deferred", db.dataSource()).build();
        WalEntry ok = Entries.sql(1, "INSERT INTO slot (id, code) VALUES (2, 'free')");
        WalEntry poison = Entries.sql(2, "INSERT INTO slot (id, code) VALUES (3, 'taken')");

        JdbcTargetException thrown = assertThrows(JdbcTargetException.class, () -> target.apply(List.of(ok, poison)));
        ApplyResult alone = target.apply(List.of(poison));
        ApplyResult head = target.apply(List.of(ok));

        assertTrue(thrown.getMessage().startsWith("target 'deferred': commit of batch of 2 entries (seq 1..2) failed "
                + "permanently"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("SQLSTATE 23505"), thrown.getMessage());
        assertEquals(ApplyResult.Outcome.PERMANENT, alone.outcome(0), alone::toString);
        assertTrue(alone.reason().contains("seq=2"), alone.reason());
        assertTrue(head.allApplied(), head::toString);
        assertEquals(2, db.count("slot"));
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM wal4j_applied_keys WHERE target_name = 'deferred'"));
    }
}
