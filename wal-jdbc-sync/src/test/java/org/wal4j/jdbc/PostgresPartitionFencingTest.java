package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class PostgresPartitionFencingTest extends PartitionFencingContract {
    @Override
    DatabaseEngine engine() {
        return Engines.postgresql();
    }
}
