package org.wal4j.examples;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.wal4j.jdbc.UrlDataSource;

/**
 * The database an example runs against, with a one-line description for its output: an
 * embedded H2 (nothing to install), or any server a JDBC URL names.
 *
 * <p>Thread-safe.
 */
final class DemoDatabase implements AutoCloseable {
    private final DataSource dataSource;
    private final String description;
    private final AutoCloseable resources;

    private DemoDatabase(DataSource dataSource, String description, AutoCloseable resources) {
        this.dataSource = dataSource;
        this.description = description;
        this.resources = resources;
    }

    /** Connects once to describe the database; on failure releases {@code resources} and throws. */
    private static DemoDatabase open(DataSource dataSource, String where, AutoCloseable resources) throws SQLException {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            product = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        } catch (SQLException e) {
            try {
                resources.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new DemoDatabase(dataSource, product + ", " + where, resources);
    }

    /**
     * An H2 database in {@code file} (H2 adds {@code .mv.db}), in this process, behind a small pool.
     *
     * <p>{@code WRITE_DELAY=0}: by default H2 writes a commit to its file up to half a second
     * later, so a process killed with {@code kill -9} loses the commits of its last moments. The
     * demo's {@code --crash} does exactly that, and wal4j cannot bring back a commit the database
     * acknowledged and then forgot: the log already marked it applied.
     */
    static DemoDatabase embeddedH2(Path file) throws SQLException {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + file.toAbsolutePath() + ";WRITE_DELAY=0",
                "sa", "");
        pool.setMaxConnections(16);
        return open(pool, "embedded, file " + file.toAbsolutePath() + ".mv.db", pool::dispose);
    }

    /** An H2 database in memory, named {@code name}, kept until {@link #close()}. */
    static DemoDatabase inMemoryH2(String name) throws SQLException {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
        pool.setMaxConnections(16);
        return open(pool, "in memory", () -> {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            } finally {
                pool.dispose();
            }
        });
    }

    /** The database at {@code url}, a new connection per use (the examples need no pool). */
    static DemoDatabase atUrl(String url, String user, String password) throws SQLException {
        return open(UrlDataSource.of(url, user, password), url, () -> { });
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Product, version and where it is. */
    String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + description + " failed: " + e, e);
        }
    }
}
