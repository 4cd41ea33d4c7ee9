package org.wal4j.jdbc;

import java.util.Set;
import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class H2SqlFailureClassificationTest extends SqlFailureClassificationContract {
    @Override
    DatabaseEngine engine() {
        return Engines.h2();
    }

    @Override
    Set<String> deadlockStates() {
        return Set.of("40001");
    }

    @Override
    String shortLockTimeout() {
        return "SET LOCK_TIMEOUT 300";
    }
}
