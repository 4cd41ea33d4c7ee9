package org.wal4j.jdbc;

import java.util.Set;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class PostgresSqlFailureClassificationTest extends SqlFailureClassificationContract {
    @Override
    DatabaseEngine engine() {
        return Engines.postgresql();
    }

    @Override
    Set<String> deadlockStates() {
        return Set.of("40P01");
    }

    @Override
    String shortLockTimeout() {
        return "SET lock_timeout = '300ms'";
    }
}
