package org.wal4j.examples;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * A {@link javax.sql.DataSource} that opens a new connection per call from a JDBC URL, with the
 * driver found on the class path. Enough for the demo against a PostgreSQL or MariaDB server; in
 * an application use a pool (HikariCP, your container's) instead.
 *
 * <p>It asks the driver directly rather than {@code DriverManager}, which only sees drivers of the
 * class loader that first used it: under {@code mvn exec:java}, Maven's own.
 *
 * <p>Thread-safe.
 */
final class DriverDataSource extends DataSourceAdapter {
    private final Driver driver;
    private final String url;
    private final Properties credentials = new Properties();

    private DriverDataSource(Driver driver, String url, String user, String password) {
        this.driver = driver;
        this.url = url;
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
    }

    /**
     * @throws SQLException with SQLSTATE 08001 if no driver on the class path accepts {@code url}
     */
    static DriverDataSource of(String url, String user, String password) throws SQLException {
        for (Driver driver : ServiceLoader.load(Driver.class, DriverDataSource.class.getClassLoader())) {
            if (driver.acceptsURL(url)) {
                return new DriverDataSource(driver, url, user, password);
            }
        }
        throw new SQLException("no JDBC driver on the class path accepts " + url
                + " (the examples bring H2, PostgreSQL and MariaDB drivers)", "08001");
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = driver.connect(url, credentials);
        if (connection == null) {
            throw new SQLException("driver " + driver.getClass().getName() + " refused " + url, "08001");
        }
        return connection;
    }

    @Override
    public String toString() {
        return "DriverDataSource{" + url + '}';
    }
}
