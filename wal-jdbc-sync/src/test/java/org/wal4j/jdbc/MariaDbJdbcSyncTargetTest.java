package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class MariaDbJdbcSyncTargetTest extends JdbcSyncTargetContract {
    @Override
    DatabaseEngine engine() {
        return Engines.mariadb();
    }

    @Override
    String uniqueViolationState() {
        return "23000";
    }

    @Override
    String typedTableDdl(String table) {
        return "CREATE TABLE " + table + " (id INT PRIMARY KEY, s VARCHAR(100), b BOOLEAN, sh SMALLINT, i INT, l BIGINT, "
                + "f FLOAT, d DOUBLE, dc DECIMAL(30, 10), ts DATETIME(6), otz DATETIME(6), dt DATETIME(6), dd DATE, "
                + "tm TIME, bin VARBINARY(100), n VARCHAR(10))";
    }
}
