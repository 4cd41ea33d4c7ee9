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
}
