package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class H2MultiKeyCallsTest extends MultiKeyCallsContract {
    @Override
    DatabaseEngine engine() {
        return Engines.h2();
    }
}
