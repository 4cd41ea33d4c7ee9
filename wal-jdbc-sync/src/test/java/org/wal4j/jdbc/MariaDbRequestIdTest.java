package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class MariaDbRequestIdTest extends RequestIdContract {
    @Override
    DatabaseEngine engine() {
        return Engines.mariadb();
    }
}
