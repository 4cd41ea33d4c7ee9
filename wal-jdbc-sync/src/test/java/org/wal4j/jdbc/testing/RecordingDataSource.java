package org.wal4j.jdbc.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source of a {@link TestDatabase} that records the server-side session id of every
 * connection it hands out, so a test can kill the session a component under test is using.
 *
 * <p>Thread-safe.
 */
public final class RecordingDataSource implements DataSource {
    private final TestDatabase database;
    private final DataSource target;
    private final List<String> sessionIds = new CopyOnWriteArrayList<>();

    public RecordingDataSource(TestDatabase database) {
        this.database = database;
        this.target = database.dataSource();
    }

    /** Session ids in the order the connections were opened. */
    public List<String> sessionIds() {
        return List.copyOf(sessionIds);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = target.getConnection();
        sessionIds.add(database.sessionId(connection));
        return connection;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("RecordingDataSource uses the test database's credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}
