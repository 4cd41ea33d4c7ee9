package org.wal4j.jdbc.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A data source of a {@link TestDatabase} that records the server-side session id of every
 * connection it hands out, so a test can kill the session a component under test is using.
 *
 * <p>Thread-safe.
 */
public final class RecordingDataSource extends ForwardingDataSource {
    private final TestDatabase database;
    private final List<String> sessionIds = new CopyOnWriteArrayList<>();

    public RecordingDataSource(TestDatabase database) {
        super(database.dataSource());
        this.database = database;
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
}
