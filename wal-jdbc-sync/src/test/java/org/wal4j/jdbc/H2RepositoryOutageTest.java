package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class H2RepositoryOutageTest extends RepositoryOutageContract {
    @Override
    DatabaseEngine engine() {
        return Engines.h2();
    }
}
