package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class PostgresJdbcSyncTargetTest extends JdbcSyncTargetContract {
    @Override
    DatabaseEngine engine() {
        return Engines.postgresql();
    }

    @Override
    String uniqueViolationState() {
        return "23505";
    }

    @Override
    String typedTableDdl(String table) {
        return "CREATE TABLE " + table + " (id INT PRIMARY KEY, s VARCHAR(100), b BOOLEAN, sh SMALLINT, i INTEGER, l BIGINT, "
                + "f REAL, d DOUBLE PRECISION, dc NUMERIC(30, 10), ts TIMESTAMPTZ, otz TIMESTAMPTZ, dt TIMESTAMP, dd DATE, "
                + "tm TIME, bin BYTEA, n VARCHAR(10))";
    }
}
