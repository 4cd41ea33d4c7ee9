package org.wal4j.jdbc;

import java.util.Set;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class MariaDbSqlFailureClassificationTest extends SqlFailureClassificationContract {
    @Override
    DatabaseEngine engine() {
        return Engines.mariadb();
    }

    @Override
    Set<String> deadlockStates() {
        return Set.of("40001");
    }

    @Override
    String shortLockTimeout() {
        return "SET SESSION innodb_lock_wait_timeout = 1";
    }
}
