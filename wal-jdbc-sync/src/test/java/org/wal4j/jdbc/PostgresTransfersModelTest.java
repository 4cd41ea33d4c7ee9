package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class PostgresTransfersModelTest extends TransfersModelContract {
    @Override
    DatabaseEngine engine() {
        return Engines.postgresql();
    }
}
