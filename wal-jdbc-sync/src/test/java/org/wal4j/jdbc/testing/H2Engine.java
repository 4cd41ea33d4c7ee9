package org.wal4j.jdbc.testing;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.wal4j.jdbc.SqlDialect;

/**
 * H2 in server mode: a TCP server in this JVM over file databases in the engine's directory, so
 * that it can be stopped and restarted like the others. Lock timeout 2 s. Sessions are killed
 * with {@code ABORT_SESSION}.
 *
 * <p>A database stays open while the server runs ({@code DB_CLOSE_DELAY=-1}), as in a server
 * process, instead of closing whenever its last connection closes and reopening on the next.
 * Stopping is the TCP server's stop followed by a {@code SHUTDOWN} of each database, as a
 * server process's orderly stop would do. Without both, transactions committed soon after a
 * restart were lost now and then (seen in the repository outage test: the first batches after
 * the restart vanished, keys and effects together): a database closing while a new connection
 * opened it again.
 */
final class H2Engine extends DatabaseEngine {
    private final Set<String> databases = ConcurrentHashMap.newKeySet();
    private Server server;
    private int port;

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.H2;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    @Override
    protected synchronized void startServer(Path directory) throws Exception {
        if (port == 0) {
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
        }
        server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", directory.toString(),
                "-ifNotExists").start();
    }

    @Override
    protected synchronized void stopServer() throws SQLException {
        server.stop();
        server = null;
        for (String database : databases) {
            try (Connection connection = DriverManager.getConnection("jdbc:h2:" + directory().resolve(database)
                    + ";IFEXISTS=TRUE", "sa", ""); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        }
    }

    @Override
    protected void createDatabaseOnServer(String database) throws SQLException {
        try (Connection connection = dataSource(database).getConnection()) {
            connection.isValid(1);
        }
        databases.add(database);
    }

    @Override
    protected String jdbcUrl(String database) {
        return "jdbc:h2:tcp://127.0.0.1:" + port() + "/./" + database + ";LOCK_TIMEOUT=2000;DB_CLOSE_DELAY=-1";
    }

    @Override
    protected String user() {
        return "sa";
    }

    @Override
    protected String password() {
        return "";
    }

    @Override
    protected DataSource dataSource(String database) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(jdbcUrl(database));
        dataSource.setUser("sa");
        dataSource.setPassword("");
        return dataSource;
    }

    @Override
    protected String sessionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT SESSION_ID()")) {
            rows.next();
            return Integer.toString(rows.getInt(1));
        }
    }

    @Override
    protected void killSession(TestDatabase database, String sessionId) throws SQLException {
        if (database.queryLong("SELECT CASE WHEN ABORT_SESSION(" + Integer.parseInt(sessionId) + ") THEN 1 ELSE 0 END") != 1) {
            throw new SQLException("ABORT_SESSION(" + sessionId + ") found no such session in " + database);
        }
    }

    @Override
    protected boolean isWaitingForLock(TestDatabase database, String sessionId) throws SQLException {
        return database.queryLong("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = ? "
                + "AND BLOCKER_ID IS NOT NULL", Integer.parseInt(sessionId)) > 0;
    }
}
