package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class PostgresConcurrentApplyTest extends ConcurrentApplyContract {
    @Override
    DatabaseEngine engine() {
        return Engines.postgresql();
    }
}
