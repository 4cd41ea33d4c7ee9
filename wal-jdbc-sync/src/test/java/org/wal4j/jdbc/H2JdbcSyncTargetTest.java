package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class H2JdbcSyncTargetTest extends JdbcSyncTargetContract {
    @Override
    DatabaseEngine engine() {
        return Engines.h2();
    }

    @Override
    String uniqueViolationState() {
        return "23505";
    }

    @Override
    String typedTableDdl(String table) {
        return "CREATE TABLE " + table + " (id INT PRIMARY KEY, s VARCHAR(100), b BOOLEAN, sh SMALLINT, i INT, l BIGINT, "
                + "f REAL, d DOUBLE PRECISION, dc NUMERIC(30, 10), ts TIMESTAMP(6) WITH TIME ZONE, "
                + "otz TIMESTAMP(6) WITH TIME ZONE, dt TIMESTAMP(6), dd DATE, tm TIME, bin VARBINARY(100), n VARCHAR(10))";
    }
}
