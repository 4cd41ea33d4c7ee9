package org.wal4j.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that opens a new connection per {@link #getConnection()} from a JDBC URL:
 * for tools and examples that have a URL and apply one batch at a time (the {@code wal} command
 * line's {@code sync} and {@code replay}). An application gives {@link JdbcSyncTarget} its
 * connection pool instead.
 *
 * <p>The driver is the first one on the class path that accepts the URL, found through
 * {@link ServiceLoader} in the thread's context class loader and then in this class's loader.
 * {@code DriverManager} is not asked: it only sees the drivers of the class loader that first used
 * it, which under a build tool's runner ({@code mvn exec:java}) is the tool's own.
 *
 * <p>Thread-safe; holds no connection.
 */
public final class UrlDataSource implements DataSource {
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

    private final Driver driver;
    private final String url;
    private final Properties credentials = new Properties();

    private UrlDataSource(Driver driver, String url, String user, String password) {
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
     * @param user null to connect without one (or with the URL's)
     * @param password null to connect without one (or with the URL's)
     * @throws SQLException with SQLSTATE 08001 if no driver on the class path accepts {@code url}
     */
    public static UrlDataSource of(String url, String user, String password) throws SQLException {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("JDBC URL must not be empty, got " + (url == null ? "null" : "'" + url + "'"));
        }
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            loaders.add(context);
        }
        loaders.add(UrlDataSource.class.getClassLoader());
        for (ClassLoader loader : loaders) {
            for (Driver driver : ServiceLoader.load(Driver.class, loader)) {
                if (driver.acceptsURL(url)) {
                    return new UrlDataSource(driver, url, user, password);
                }
            }
        }
        throw new SQLException("no JDBC driver on the class path accepts the URL " + url, "08001");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(credentials);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties given = new Properties();
        if (username != null) {
            given.setProperty("user", username);
        }
        if (password != null) {
            given.setProperty("password", password);
        }
        return connect(given);
    }

    private Connection connect(Properties properties) throws SQLException {
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("driver " + driver.getClass().getName() + " refused the URL " + url, "08001");
        }
        return connection;
    }

    /** No log writer: the driver logs as it is configured to. */
    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the driver logs as it is configured to
    }

    /** The driver's own connect timeout applies (set it in the URL). */
    @Override
    public void setLoginTimeout(int seconds) {
        // the driver's own timeout applies
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("UrlDataSource does not wrap a " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    /** The URL with its secrets masked ({@link #withoutSecrets}). */
    @Override
    public String toString() {
        return "UrlDataSource{" + withoutSecrets(url) + '}';
    }

    /**
     * {@code url} as it may be printed: the values of {@code password=} and of
     * {@code //user:password@} replaced by {@code ***}.
     */
    public static String withoutSecrets(String url) {
        String masked = PASSWORD.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceAll("$1***@");
    }
}
