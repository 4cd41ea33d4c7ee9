package org.wal4j.cli;

import org.wal4j.jdbc.testing.DatabaseEngine;
import org.wal4j.jdbc.testing.Engines;

/** {@code sync} and {@code replay} against embedded PostgreSQL. */
class PostgresSqlApplyTest extends SqlApplyContract {
    @Override
    DatabaseEngine engine() {
        return Engines.postgresql();
    }
}
