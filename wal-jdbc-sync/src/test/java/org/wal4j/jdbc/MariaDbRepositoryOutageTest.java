package org.wal4j.jdbc;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

class MariaDbRepositoryOutageTest extends RepositoryOutageContract {
    @Override
    DatabaseEngine engine() {
        return Engines.mariadb();
    }
}
