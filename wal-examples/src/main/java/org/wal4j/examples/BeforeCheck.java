package org.wal4j.examples;

import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A test's chance to change an example's databases after it ran and before it checks them, to
 * prove that the check fails when a database disagrees with what the example expects. The
 * examples' {@code main} methods pass {@link #NONE}. Called once, on the example's thread.
 */
@FunctionalInterface
interface BeforeCheck {
    BeforeCheck NONE = databases -> { };

    /** @param databases the example's databases by target name */
    void run(Map<String, DataSource> databases) throws SQLException;
}
