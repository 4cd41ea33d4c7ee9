package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class H2PartitionFencingTest extends PartitionFencingContract {
    @Override
    DatabaseEngine engine() {
        return Engines.h2();
    }
}
