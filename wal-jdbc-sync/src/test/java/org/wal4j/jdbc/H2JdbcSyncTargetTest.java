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
}
